using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// Plays the population model minute by minute with the engine's own code: the Poisson draw of
/// sessions per minute (as the cron tick makes it), <see cref="PopulationModel.Pick"/> for who
/// starts them and who signs up, <see cref="PopulationModel.AfterSession"/> for what each does
/// next. Records each session's user and start, which is what retention figures rest on.
/// </summary>
internal sealed class PopulationSimulator
{
    private static readonly string[] Timezones =
    [
        "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
        "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
    ];

    private readonly Random _random;
    private readonly double _sessionsPerMin;
    private readonly PriorityQueue<UserState, (DateTimeOffset, Guid)> _planned = new();
    private readonly List<TimezoneCount> _pool = [.. Timezones.Select(z => new TimezoneCount(z, 1))];

    public PopulationSimulator(double sessionsPerMin, int seed)
    {
        _random = new Random(seed);
        _sessionsPerMin = sessionsPerMin;
    }

    public List<(Guid User, DateTimeOffset At)> Sessions { get; } = [];

    public Dictionary<Guid, UserState> Users { get; } = [];

    public void Run(DateTimeOffset start, int days)
    {
        for (var minute = 0; minute < days * 1440; minute++)
        {
            var now = start.AddMinutes(minute + 1);
            var draw = Sampling.Poisson(_sessionsPerMin * ActivityCurve.ForPool(_pool, now), _random);
            if (draw == 0)
            {
                continue;
            }

            var (starting, signUps) = PopulationModel.Pick(Due(now, draw), now, draw, canSignUp: true);
            foreach (var user in starting)
            {
                Start(user, now);
            }

            for (var i = 0; i < signUps; i++)
            {
                var user = PopulationModel.SignUp(Uuid7.Create(now, _random), Sampling.Pick(_random, Timezones), now, _random);
                Start(user, now);
            }
        }
    }

    /// <summary>The due users, earliest first, at most <paramref name="draw"/>: the queue's head, taken off it.</summary>
    private List<UserState> Due(DateTimeOffset now, int draw)
    {
        var due = new List<UserState>();
        while (due.Count < draw && _planned.TryPeek(out var user, out var key) && key.Item1 <= now)
        {
            _planned.Dequeue();
            due.Add(user);
        }

        return due;
    }

    private void Start(UserState user, DateTimeOffset now)
    {
        var at = now.AddSeconds(-_random.NextDouble() * 60);
        Sessions.Add((user.ProfileId, at));
        var next = PopulationModel.AfterSession(user, at, _random);
        Users[user.ProfileId] = next;
        if (next.NextSessionAt is { } when)
        {
            _planned.Enqueue(next, (when, next.ProfileId));
        }
    }
}
