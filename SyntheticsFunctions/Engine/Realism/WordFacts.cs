namespace SyntheticsFunctions.Engine.Realism;

/// <summary>
/// What the word figures read: the window's captures, how many of them have a text (normalised by
/// <see cref="RealismFigures.NormaliseCapture"/>) another user also wrote, how many have a seam
/// (<see cref="Seams.Find"/>), and the window's real-world triggers with their distinct descriptions.
/// </summary>
public sealed record WordFacts(long Captures, long ReusedCaptures, long CaptureSeams, long Triggers, long TriggerDescriptions);

/// <summary>
/// Counts captures as they are read, whichever path reads them (the store's COPY, the engine-only
/// run's rows): each text normalised once and checked for seams once, against the catalog's
/// <paramref name="labels"/>. Holds one entry per distinct normalised text, never the rows.
/// </summary>
public sealed class CaptureTally(IReadOnlyList<string> labels)
{
    private readonly Dictionary<string, Entry> _texts = new(StringComparer.Ordinal);
    private long _captures;
    private long _seams;

    public void Add(Guid user, string text)
    {
        _captures++;
        if (Seams.Find(text, labels) is not null)
        {
            _seams++;
        }

        var key = RealismFigures.NormaliseCapture(text);
        if (_texts.TryGetValue(key, out var entry))
        {
            entry.Count++;
            entry.Shared |= entry.User != user;
        }
        else
        {
            _texts[key] = new Entry { User = user, Count = 1 };
        }
    }

    /// <summary>The facts of the captures added, with the window's <paramref name="triggers"/> and their distinct descriptions.</summary>
    public WordFacts Facts(long triggers, long triggerDescriptions) =>
        new(_captures, _texts.Values.Where(e => e.Shared).Sum(e => (long)e.Count), _seams, triggers, triggerDescriptions);

    private sealed class Entry
    {
        public Guid User;
        public int Count;
        public bool Shared;
    }
}
