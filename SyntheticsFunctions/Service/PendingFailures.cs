using SyntheticsFunctions.Storage.Runs;

namespace SyntheticsFunctions.Service;

/// <summary>
/// Failed runs whose record could not be written (the database was down for the retries too).
/// Bounded: past <see cref="Capacity"/> the oldest is dropped (its run id stays in the logs).
/// The next run writes them first. A process that exits before that leaves only the logs.
/// </summary>
public sealed class PendingFailures
{
    public const int Capacity = 1_000;

    private readonly Queue<RunFailure> _queue = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keeps a failure; answers the one dropped to make room, if any.</summary>
    public RunFailure? Add(RunFailure failure)
    {
        lock (_lock)
        {
            var dropped = _queue.Count >= Capacity ? _queue.Dequeue() : null;
            _queue.Enqueue(failure);
            return dropped;
        }
    }

    public IReadOnlyList<RunFailure> Snapshot()
    {
        lock (_lock)
        {
            return [.. _queue];
        }
    }

    /// <summary>Forgets the failures that were written (those still at the head of the queue).</summary>
    public void Remove(IReadOnlyList<RunFailure> written)
    {
        var ids = written.Select(f => f.Request.RunId).ToHashSet();
        lock (_lock)
        {
            var kept = _queue.Where(f => !ids.Contains(f.Request.RunId)).ToList();
            _queue.Clear();
            foreach (var failure in kept)
            {
                _queue.Enqueue(failure);
            }
        }
    }
}
