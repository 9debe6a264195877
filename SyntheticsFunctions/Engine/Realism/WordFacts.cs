namespace SyntheticsFunctions.Engine.Realism;

/// <summary>
/// What the word figures read: the window's captures, how many of them have a text (normalised by
/// <see cref="RealismFigures.NormaliseCapture"/>) another user also wrote, how many have a seam
/// (<see cref="Seams.Find"/>), and the window's real-world triggers with their distinct descriptions.
/// <see cref="ReusedCaptures"/> is counted on the sample <see cref="Of"/> describes.
/// </summary>
public sealed record WordFacts(long Captures, long ReusedCaptures, long CaptureSeams, long Triggers, long TriggerDescriptions)
{
    /// <summary>Up to this many captures, every one is looked at for reuse; above it, a sample of about this many (<see cref="ReuseSampleEvery"/>).</summary>
    public const long ReuseSample = 100_000;

    /// <summary>
    /// Reuse is looked at on the captures whose text key (<see cref="CaptureFact.KeyOf"/>) has its
    /// low bits zero: every one when the window has at most <see cref="ReuseSample"/> captures, else
    /// 1 in the smallest power of two that leaves at most that many. A text's copies are all in the
    /// sample or all out of it, so the share reused in the sample estimates the window's without bias.
    /// </summary>
    public static long ReuseSampleEvery(long captures)
    {
        var every = 1L;
        while (captures > ReuseSample * every)
        {
            every *= 2;
        }

        return every;
    }

    /// <summary>Whether a text key is in the sample of 1 in <paramref name="every"/> (a power of two).</summary>
    public static bool Sampled(long key, long every) => (key & (every - 1)) == 0;

    /// <summary>
    /// The facts from the window's counts and its reuse sample: <paramref name="sampled"/> captures
    /// in the sample, <paramref name="sampledReused"/> of them with a text another user also wrote;
    /// the reused count scaled to all captures (exact when the sample is all of them).
    /// </summary>
    public static WordFacts Of(long captures, long seams, long sampled, long sampledReused, long triggers, long triggerDescriptions) =>
        new(
            captures,
            sampled == captures ? sampledReused : sampled > 0 ? (long)Math.Round(sampledReused * (double)captures / sampled) : 0,
            seams,
            triggers,
            triggerDescriptions);
}

/// <summary>
/// One capture as the word figures need it, computed by its writer from the text: whose, when, a
/// 64-bit key of its normalised text (<see cref="KeyOf"/>) and whether it has a seam.
/// </summary>
public sealed record CaptureFact(Guid CaptureId, Guid UserId, DateTimeOffset CreatedAt, long TextKey, bool Seam)
{
    /// <summary>The facts of <paramref name="captures"/>, each text normalised and looked at for seams once, against the catalog's <paramref name="labels"/>.</summary>
    public static List<CaptureFact> Of(IReadOnlyList<CaptureRow> captures, IReadOnlyList<string> labels) =>
        [.. captures.Select(c => new CaptureFact(c.Id, c.UserId, c.CreatedAt, KeyOf(c.Response), Seams.Find(c.Response, labels) is not null))];

    /// <summary>
    /// The key of a text: FNV-1a (64 bits) of its normalised form's UTF-16 code units, then
    /// MurmurHash3's finaliser so the low bits the sample looks at are mixed. The same in every process
    /// and release; two distinct texts share a key with odds of about 1 in 2^64 per pair.
    /// </summary>
    public static long KeyOf(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in RealismFigures.NormaliseCapture(text))
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return unchecked((long)hash);
    }
}

/// <summary>
/// Counts captures as they are read, whichever path reads them (the store's rows without facts, the
/// engine-only run's rows, the writers' <see cref="CaptureFact"/>s): each text keyed
/// (<see cref="CaptureFact.KeyOf"/>) and looked at for seams once, against the catalog's
/// <paramref name="labels"/>. Holds one entry per distinct key, never the rows; reuse is counted on
/// the sample <see cref="WordFacts.ReuseSampleEvery"/> gives for the count added.
/// </summary>
public sealed class CaptureTally(IReadOnlyList<string> labels)
{
    private readonly Dictionary<long, Entry> _texts = [];
    private long _captures;
    private long _seams;

    public void Add(Guid user, string text) => Add(user, CaptureFact.KeyOf(text), Seams.Find(text, labels) is not null);

    /// <summary>Adds a capture its writer keyed and looked at for seams.</summary>
    public void Add(Guid user, long key, bool seam)
    {
        _captures++;
        if (seam)
        {
            _seams++;
        }

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
    public WordFacts Facts(long triggers, long triggerDescriptions)
    {
        var every = WordFacts.ReuseSampleEvery(_captures);
        long sampled = 0, reused = 0;
        foreach (var (key, entry) in _texts)
        {
            if (WordFacts.Sampled(key, every))
            {
                sampled += entry.Count;
                reused += entry.Shared ? entry.Count : 0;
            }
        }

        return WordFacts.Of(_captures, _seams, sampled, reused, triggers, triggerDescriptions);
    }

    private sealed class Entry
    {
        public Guid User;
        public int Count;
        public bool Shared;
    }
}
