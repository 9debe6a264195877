namespace SyntheticsFunctions.Engine;

/// <summary>
/// Plays the population model over time without writing anything: each step draws how many
/// sessions start (the cron tick's Poisson draw over the pool's local-hour curve), lets
/// <see cref="PopulationModel.Pick"/> choose who starts them and who signs up, and plans what each
/// does next. A fresh install uses it to start from a steady state (tenures spread as if
/// <see cref="WarmUpDays"/> had run); the tests use it to measure retention over weeks.
/// </summary>
public sealed class PopulationPlayer(double sessionsPerMin, Random random, int maxUsers = int.MaxValue)
{
    /// <summary>How long a fresh install's population has notionally been running.</summary>
    public const int WarmUpDays = 365;

    private readonly PriorityQueue<UserState, (DateTimeOffset, Guid)> _planned = new();
    private readonly List<TimezoneCount> _pool = [.. PopulationModel.Timezones.GroupBy(z => z).Select(g => new TimezoneCount(g.Key, g.Count()))];

    /// <summary>Every session started, when <see cref="RecordSessions"/> is on: (user, start, progress at the start).</summary>
    public List<(Guid User, DateTimeOffset At, double Progress)> Sessions { get; } = [];

    public bool RecordSessions { get; init; }

    /// <summary>Every user's latest state.</summary>
    public Dictionary<Guid, UserState> Users { get; } = [];

    /// <summary>
    /// Plays from <paramref name="start"/> for <paramref name="duration"/>, in steps of
    /// <paramref name="step"/>. With <paramref name="fillIn"/> off, people join only at the steady
    /// share and draws nobody is due for go unused: how a warm-up builds the population towards
    /// its equilibrium without the overshoot of filling an empty app at once.
    /// </summary>
    public void Play(DateTimeOffset start, TimeSpan duration, TimeSpan step, bool fillIn = true)
    {
        for (var now = start + step; now <= start + duration; now += step)
        {
            var draw = Sampling.Poisson(sessionsPerMin * step.TotalMinutes * ActivityCurve.ForPool(_pool, now), random);
            if (draw == 0)
            {
                continue;
            }

            // The head of the plan, earliest first: the due, and with fillIn the next planned too.
            var claimed = new List<UserState>();
            while (claimed.Count < draw && _planned.TryPeek(out var user, out var key) && (fillIn || key.Item1 <= now))
            {
                _planned.Dequeue();
                claimed.Add(user);
            }

            var (starting, signUps) = PopulationModel.Pick(claimed, now, draw, Users.Count < maxUsers, random, fillIn);
            foreach (var user in starting)
            {
                Start(user, now, step);
            }

            foreach (var user in claimed.Skip(starting.Count))
            {
                _planned.Enqueue(user, (user.NextSessionAt!.Value, user.ProfileId));
            }

            for (var i = 0; i < signUps; i++)
            {
                var at = now - (step * random.NextDouble());
                Start(PopulationModel.SignUp(Uuid7.Create(at, random), PopulationModel.SignupTimezone(at, random), at, random), now, step);
            }
        }
    }

    /// <summary>A fresh install's history: <see cref="WarmUpDays"/> at the steady signup share, ending at <paramref name="now"/>.</summary>
    public void WarmUp(DateTimeOffset now, TimeSpan step) =>
        Play(now.AddDays(-WarmUpDays), TimeSpan.FromDays(WarmUpDays), step, fillIn: false);

    /// <summary>How late the most overdue planned session is at <paramref name="now"/> (zero when none is overdue).</summary>
    public TimeSpan Backlog(DateTimeOffset now) =>
        _planned.TryPeek(out _, out var key) && key.Item1 < now ? now - key.Item1 : TimeSpan.Zero;

    /// <summary>The users still there at the end (not churned), as a fresh install creates them.</summary>
    public IReadOnlyList<UserState> Alive() => [.. Users.Values.Where(u => u.Lifecycle != Lifecycle.Churned).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId)];

    private void Start(UserState user, DateTimeOffset now, TimeSpan step)
    {
        var at = user.Sessions == 0 ? user.SignupAt : now - (step * random.NextDouble());
        if (RecordSessions)
        {
            Sessions.Add((user.ProfileId, at, user.Progress));
        }

        var next = PopulationModel.AfterSession(user, at, random);
        Users[user.ProfileId] = next;
        if (next.NextSessionAt is { } when)
        {
            _planned.Enqueue(next, (when, next.ProfileId));
        }
    }
}
