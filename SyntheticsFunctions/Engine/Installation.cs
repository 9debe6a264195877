namespace SyntheticsFunctions.Engine;

/// <summary>
/// What the engine knows about this installation (<c>synthetic_installation</c>): its seed, from
/// which the activity factor of each day is drawn (<see cref="ActivityDays"/>), and where the
/// synthetic history begins (null until anything is written), from which the growth trend counts.
/// </summary>
public sealed record Installation(long Seed, DateTimeOffset? HistoryStart)
{
    /// <summary>Before the seeder wrote the row (an older schema, or a read before the first start): no seed, so every day's factor is 1.</summary>
    public static Installation Unknown { get; } = new(0, null) { HasSeed = false };

    /// <summary>Whether <see cref="Seed"/> was read from the row; false only for <see cref="Unknown"/> (and what is made from it with <c>with</c>).</summary>
    public bool HasSeed { get; init; } = true;
}
