namespace SyntheticsFunctions.Engine;

/// <summary>
/// Adds the rows of a plan that fall due in (from, to] to a batch. Upserted rows keep only their
/// latest state per key, because one INSERT ... ON CONFLICT cannot touch the same row twice.
/// With <paramref name="stateOnly"/>, only the rows that hold state (journey instances and
/// mindblock statuses) are kept: what a backfill's pre-roll leaves behind.
/// </summary>
internal sealed class BatchCollector(ActivityBatch batch, bool stateOnly = false)
{
    private readonly Dictionary<Guid, int> _instanceIndex = [];
    private readonly Dictionary<Guid, int> _sceneIndex = [];
    private readonly Dictionary<(Guid User, Guid Mindblock), int> _statusIndex = [];

    public void AddDue(SessionPlan plan, DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var (at, row) in plan.Rows)
        {
            if (at <= from || at > to || (stateOnly && row is not (InstanceRow or MindblockStatusRow)))
            {
                continue;
            }

            switch (row)
            {
                case InstanceRow instance:
                    Upsert(batch.Instances, _instanceIndex, instance.Id, instance);
                    break;
                case InstanceSceneRow scene:
                    Upsert(batch.InstanceScenes, _sceneIndex, scene.Id, scene);
                    break;
                case SceneEventRow sceneEvent:
                    batch.Events.Add(sceneEvent);
                    break;
                case CaptureRow capture:
                    batch.Captures.Add(capture);
                    break;
                case ResistanceCheckRow check:
                    batch.ResistanceChecks.Add(check);
                    break;
                case RealWorldTriggerRow trigger:
                    batch.RealWorldTriggers.Add(trigger);
                    break;
                case MindblockEventRow mindblockEvent:
                    batch.MindblockEvents.Add(mindblockEvent);
                    break;
                case MindblockStatusRow status:
                    var key = (status.UserId, status.MindblockId);
                    if (_statusIndex.TryGetValue(key, out var i))
                    {
                        var previous = batch.MindblockStatuses[i];
                        batch.MindblockStatuses[i] = status with { Id = previous.Id, EventCountDelta = previous.EventCountDelta + status.EventCountDelta };
                    }
                    else
                    {
                        _statusIndex[key] = batch.MindblockStatuses.Count;
                        batch.MindblockStatuses.Add(status);
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown planned row {row.GetType().Name}.");
            }
        }
    }

    private static void Upsert<T>(List<T> rows, Dictionary<Guid, int> index, Guid id, T row)
    {
        if (index.TryGetValue(id, out var i))
        {
            rows[i] = row;
        }
        else
        {
            index[id] = rows.Count;
            rows.Add(row);
        }
    }
}
