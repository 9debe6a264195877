namespace SyntheticsFunctions.Engine;

/// <summary>
/// What the engine knows about this installation (<c>synthetic_installation</c>): its seed, from
/// which the activity factor of each day is drawn, and where the synthetic history begins (null
/// until anything is written).
/// </summary>
public sealed record Installation(long Seed, DateTimeOffset? HistoryStart)
{
    /// <summary>Before the seeder wrote the row (an older schema, or a read before the first start).</summary>
    public static Installation Unknown { get; } = new(0, null);
}
