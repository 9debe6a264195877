namespace SyntheticsFunctions.Engine;

/// <summary>A sim user as the engine's pool keeps them: the persona and time zone they sign up with, and the earliest moment a row of theirs may carry.</summary>
public sealed record PoolMember(Guid ProfileId, string Persona, string Timezone, DateTimeOffset? AvailableAt);

/// <summary>
/// Plays the population model over time without writing anything: each step draws how many
/// sessions start (the cron tick's Poisson draw over the pool's local-hour curve), lets
/// <see cref="PopulationModel.Pick"/> choose who starts them and who signs up, and plans what each
/// does next. A fresh install uses it to start from a steady state (tenures spread as if
/// <see cref="WarmUpDays"/> had run); the tests use it to measure retention over weeks. New people
/// live in a zone of <paramref name="region"/> (null: <see cref="RegionMix.Global"/>).
/// </summary>
public sealed class PopulationPlayer(double sessionsPerMin, Random random, int maxUsers = int.MaxValue, RegionMix? region = null)
{
    private readonly RegionMix _region = region ?? RegionMix.Global;

    /// <summary>How long a fresh install's population has notionally been running.</summary>
    public const int WarmUpDays = 365;

    private readonly PriorityQueue<UserState, (DateTimeOffset, Guid)> _planned = new();
    private readonly IReadOnlyList<TimezoneCount> _pool = (region ?? RegionMix.Global).SignupPool;

    /// <summary>Every session started, when <see cref="RecordSessions"/> is on: (user, start, progress at the start).</summary>
    public List<(Guid User, DateTimeOffset At, double Progress)> Sessions { get; } = [];

    public bool RecordSessions { get; init; }

    /// <summary>
    /// Churned people whose last session is before this are forgotten (dropped from <see cref="Users"/>)
    /// when they leave: they never play again, so nothing the player does later depends on them. Null
    /// keeps everyone; <see cref="DateTimeOffset.MaxValue"/> keeps only the living. A warm-up whose
    /// caller reads only the living (or the recently churned) keeps its memory to them, not to a year
    /// of everyone it created.
    /// </summary>
    public DateTimeOffset? ForgetChurnedBefore { get; init; }

    /// <summary>Every user's latest state (without those forgotten, <see cref="ForgetChurnedBefore"/>).</summary>
    public Dictionary<Guid, UserState> Users { get; } = [];

    // Everyone who ever signed up, forgotten or not: the cap counts them all.
    private int _signedUp;

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

            var (starting, signUps) = PopulationModel.Pick(claimed, now, draw, _signedUp < maxUsers, random, fillIn);
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
                _signedUp++;
                Start(PopulationModel.SignUp(Uuid7.Create(at, random), _region.SignupTimezone(at, random), at, random), now, step);
            }
        }
    }

    /// <summary>A fresh install's history: <see cref="WarmUpDays"/> at the steady signup share, ending at <paramref name="now"/>.</summary>
    public void WarmUp(DateTimeOffset now, TimeSpan step) =>
        Play(now.AddDays(-WarmUpDays), TimeSpan.FromDays(WarmUpDays), step, fillIn: false);

    /// <summary>How late the most overdue planned session is at <paramref name="now"/> (zero when none is overdue).</summary>
    public TimeSpan Backlog(DateTimeOffset now) =>
        _planned.TryPeek(out _, out var key) && key.Item1 < now ? now - key.Item1 : TimeSpan.Zero;

    /// <summary>
    /// The steady state on a pool the engine cannot grow, as of <paramref name="now"/>: the
    /// people a warm-up at <paramref name="sessionsPerMin"/> holds in the pool (the living and
    /// the churned not yet retired), sampled down to the members and given to them in signup
    /// order (the earliest profiles sign up first, never before their profile existed). Members
    /// left over have not signed up yet; they join later as signups. Each state keeps the time
    /// zone its plan was drawn in, which becomes the member's.
    /// </summary>
    public static IReadOnlyList<UserState> SteadyStateOn(
        IReadOnlyList<PoolMember> members, DateTimeOffset now, double sessionsPerMin, int retainDays, Random random, RegionMix? region = null)
    {
        if (members.Count == 0)
        {
            return [];
        }

        var retiredBefore = now.AddDays(-retainDays);
        var player = new PopulationPlayer(Math.Max(sessionsPerMin, 0.1), random, region: region) { ForgetChurnedBefore = retiredBefore };
        player.WarmUp(now, TimeSpan.FromMinutes(10));
        var present = player.Users.Values
            .Where(u => u.Lifecycle != Lifecycle.Churned || u.LastSessionAt >= retiredBefore)
            .OrderBy(u => u.ProfileId)
            .ToList();
        var sample = present.OrderBy(_ => random.Next()).Take(members.Count).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId).ToList();
        var byAvailability = members.OrderBy(m => m.AvailableAt ?? DateTimeOffset.MinValue).ThenBy(m => m.ProfileId).ToList();
        var states = new List<UserState>();
        for (var i = 0; i < sample.Count; i++)
        {
            var member = byAvailability[i];
            if (member.AvailableAt is not { } available || available < sample[i].SignupAt)
            {
                states.Add(sample[i] with { ProfileId = member.ProfileId });
            }
        }

        return states;
    }

    /// <summary>
    /// A fresh install's people mid-story: each one still there whose last session is recent
    /// enough that the journey would not have been abandoned (<paramref name="idleAbandonDays"/>)
    /// is part-way through a journey playable then, its instance started before their last session
    /// (a scene a day or two), its current scene past the first, its last activity their last
    /// session. No row is written for the scenes before: the history starts mid-story, as a
    /// backfill's pre-roll leaves it. Tagged with <paramref name="runId"/> (no run row: nothing ran).
    /// </summary>
    public static IReadOnlyList<InstanceRow> MidStory(
        IReadOnlyList<UserState> people, Catalog catalog, int idleAbandonDays, DateTimeOffset now, Guid runId, Random random)
    {
        var rows = new List<InstanceRow>();
        foreach (var user in people)
        {
            if (user.Lifecycle == Lifecycle.Churned || user.LastSessionAt is not { } last || last < now.AddDays(-idleAbandonDays) || last > now)
            {
                continue;
            }

            var playable = catalog.PlayableAt(last);
            if (playable.Count == 0)
            {
                continue;
            }

            var journey = Sampling.Pick(random, playable);
            var index = journey.Scenes.Count < 2 ? 0 : 1 + random.Next(journey.Scenes.Count - 1);
            var started = last - TimeSpan.FromDays(index * (1 + random.NextDouble()));
            // Never before the person signed up, nor before the journey existed (playable at their last session: created by then).
            var earliest = journey.CreatedAt is { } created && created > user.SignupAt ? created : user.SignupAt;
            started = Microseconds.Truncate(started < earliest ? earliest : started);
            rows.Add(new InstanceRow(
                Uuid7.Create(started, random), user.ProfileId, journey.Id, InstanceStatus.Active, journey.Scenes[index].Order,
                started, Microseconds.Truncate(last), null, Tagging.Json(runId, Uuid7.Create(started, random), ("journey_slug", journey.Slug))));
        }

        return rows;
    }

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
        if (next.Lifecycle == Lifecycle.Churned && ForgetChurnedBefore is { } forget && next.LastSessionAt < forget)
        {
            Users.Remove(user.ProfileId);
            return;
        }

        Users[user.ProfileId] = next;
        if (next.NextSessionAt is { } when)
        {
            _planned.Enqueue(next, (when, next.ProfileId));
        }
    }
}
