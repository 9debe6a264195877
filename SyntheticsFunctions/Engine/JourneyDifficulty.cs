using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// How hard a journey is to keep going with, scene by scene: each scene's hazard multiplies the
/// abandon rate of a session that plays it (<see cref="SessionPlanner"/>). A journey's hazard is its
/// difficulty (the default catalog's own for its journeys, <see cref="FromId"/> for any other) times
/// a shape with one harder scene, its "wall" (<see cref="WallOf"/>), at <see cref="WallWeight"/>
/// times the others, the shape's mean over the journey's scenes 1. Pure and deterministic: the same
/// journey id always gives the same hazards.
/// </summary>
public static class JourneyDifficulty
{
    /// <summary>The easiest and hardest difficulty <see cref="FromId"/> gives.</summary>
    public const double MinDifficulty = 0.6;

    public const double MaxDifficulty = 1.5;

    /// <summary>How much likelier a session gives up in a journey's wall scene than in its others.</summary>
    public const double WallWeight = 2.5;

    private static readonly ConcurrentDictionary<(Guid Id, int Scenes), (double Difficulty, int Wall)> Cache = new();

    /// <summary>The journey's difficulty: the default catalog's for its journeys, otherwise <see cref="FromId"/>.</summary>
    public static double Of(JourneyDefinition journey) => Known(journey).Difficulty;

    /// <summary>
    /// The hazard of the scene at <paramref name="index"/> (0-based) of <paramref name="journey"/>:
    /// difficulty × (the wall's <see cref="WallWeight"/> or 1) / the mean of those weights over its scenes.
    /// </summary>
    public static double Hazard(JourneyDefinition journey, int index)
    {
        var (difficulty, wall) = Known(journey);
        var scenes = journey.Scenes.Count;
        if (scenes < 2)
        {
            return difficulty;
        }

        var mean = (scenes - 1 + WallWeight) / scenes;
        return difficulty * (index == wall ? WallWeight : 1) / mean;
    }

    /// <summary>
    /// A difficulty from a journey's id alone (an app's own catalog): u = the first 8 bytes of
    /// SHA-256 of the id's lower-case hyphenated text ("D" format, UTF-8), read little-endian as an
    /// unsigned 64-bit integer, over 2^64; difficulty = <see cref="MinDifficulty"/> + u × (<see cref="MaxDifficulty"/> - <see cref="MinDifficulty"/>).
    /// </summary>
    public static double FromId(Guid id)
    {
        var u = BitConverter.ToUInt64(Hash(id), 0) / Math.Pow(2, 64);
        return MinDifficulty + (u * (MaxDifficulty - MinDifficulty));
    }

    /// <summary>
    /// The 0-based index of a journey's wall scene, from its id: never the first (which already loses
    /// most, to people giving up on what they just started): 1 + (byte 8 of the same hash mod (scenes - 1)).
    /// </summary>
    public static int WallOf(Guid id, int scenes) => scenes < 2 ? 0 : 1 + (Hash(id)[8] % (scenes - 1));

    private static (double Difficulty, int Wall) Known(JourneyDefinition journey) =>
        Cache.GetOrAdd((journey.Id, journey.Scenes.Count), key => (DefaultCatalog.DifficultyOf(key.Id) ?? FromId(key.Id), WallOf(key.Id, key.Scenes)));

    private static byte[] Hash(Guid id) => SHA256.HashData(Encoding.UTF8.GetBytes(id.ToString("D")));
}
