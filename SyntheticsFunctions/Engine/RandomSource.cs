namespace SyntheticsFunctions.Engine;

/// <summary>
/// The app's one seeded source of run seeds. Each run gets its own seed from here and is
/// reproducible from that seed alone (it is recorded on the run row).
/// </summary>
public sealed class RandomSource(int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    public long NextSeed()
    {
        lock (_lock)
        {
            return _random.NextInt64();
        }
    }

    public int Next(int maxValue)
    {
        lock (_lock)
        {
            return _random.Next(maxValue);
        }
    }
}
