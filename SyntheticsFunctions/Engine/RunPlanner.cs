namespace SyntheticsFunctions.Engine;

/// <summary>Why a run wrote nothing without failing.</summary>
public enum RunSkip
{
    None,
    Paused,
    AnotherTickRunning,

    /// <summary>A backfill job is queued or running; its last chunk writes the cron row the next tick continues from.</summary>
    Backfill,
}

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    /// <summary>The every-minute timer: continues sessions in progress and starts new ones across its window.</summary>
    Cron,

    /// <summary>A manual run: starts its sessions far enough back that they end by now.</summary>
    Manual,
}

/// <summary>Everything a run decides from, as loaded by storage in the run's transaction (<paramref name="Installation"/>: the installation's seed and history start, which shape the day's volume; null is <see cref="Engine.Installation.Unknown"/>; <paramref name="Region"/>: where new users live, null is <see cref="RegionMix.Global"/>).</summary>
public sealed record RunInput(
    RunTrigger Trigger,
    Guid RunId,
    long Seed,
    DateTimeOffset Now,
    DateTimeOffset? LastCronWindowEnd,
    int CarryOver,
    EngineSettings Settings,
    Catalog Catalog,
    IReadOnlyList<SessionState> SessionsInProgress,
    IReadOnlyList<CandidateUser> Candidates,
    IReadOnlyList<TimezoneCount> Pool,
    int Target,
    int SignUpsAllowed = 0,
    PoolGrowth Growth = PoolGrowth.EngineProfiles,
    Installation? Installation = null,
    RegionMix? Region = null);

/// <summary>One session as a run starts it: its state, its whole plan, the user's state after it and, for a signup, the new user.</summary>
public sealed record StartedSession(SessionState Session, SessionPlan Plan, UserStateRow UserState, NewUser? SignUp);

/// <summary>What a run writes and the state it leaves for the next one (<paramref name="Missed"/>: people whose planned session passed hours ago, moved to a later day).</summary>
public sealed record RunOutput(
    ActivityBatch Batch,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int SessionsRequested,
    int SessionsStarted,
    int SessionsContinued,
    int CarryOver,
    IReadOnlyList<SessionState> SessionsToKeep,
    IReadOnlyList<Guid> SessionsEnded,
    DateTimeOffset IdleCutoff,
    IReadOnlyList<UserStateRow> UserStates,
    IReadOnlyList<NewUser> SignUps,
    DateTimeOffset? RetireChurnedBefore = null,
    PoolGrowth Growth = PoolGrowth.EngineProfiles,
    IReadOnlyList<Deferral>? Missed = null);

/// <summary>
/// Decides one run: which rows are due, how many sessions start and for whom. Pure: no I/O,
/// time comes in as <see cref="RunInput.Now"/>, chance from <see cref="RunInput.Seed"/>.
/// </summary>
public static class RunPlanner
{
    /// <summary>A late or skipped tick makes up at most this many minutes, so it neither loses nor floods.</summary>
    public const double MaxCatchUpMinutes = 10;

    /// <summary>At most this many people who missed their planned session (<see cref="PopulationModel.MaxWait"/>) are planned anew by one cron tick, claimed ahead of the ones who may start.</summary>
    public const int MaxMissedPerRun = 50;

    /// <summary>Sessions cut by max_per_run wait for later ticks, up to this many runs' worth.</summary>
    public const int CarryOverRuns = 2;

    public static RunOutput Plan(RunInput input)
    {
        var random = new Random(SessionPlanner.SeedOf(input.Seed));
        var now = input.Now;
        var batch = new ActivityBatch();
        var collector = new BatchCollector(batch);
        var keep = new List<SessionState>();
        var ended = new List<Guid>();

        var windowStart = input.Trigger == RunTrigger.Cron
            ? WindowStartFor(input.LastCronWindowEnd, now)
            : now;

        foreach (var session in input.SessionsInProgress)
        {
            var plan = SessionPlanner.Plan(session, input.Catalog, input.RunId);
            collector.AddDue(plan, session.WrittenUntil, now);
            if (plan.EndsAt <= now)
            {
                ended.Add(session.ProfileId);
            }
            else
            {
                keep.Add(session with { WrittenUntil = now, EndsAt = plan.EndsAt });
            }
        }

        int requested, capped, carry;
        if (input.Trigger == RunTrigger.Cron)
        {
            // An empty pool that may grow starts with the people who sign up: their hours count.
            var pool = input.Pool.Count == 0 && input.SignUpsAllowed > 0 ? (input.Region ?? RegionMix.Global).SignupPool : input.Pool;
            (requested, capped, carry) = DrawSessions(input.Settings, input.Installation ?? Installation.Unknown, pool, windowStart, now, input.CarryOver, random);
        }
        else
        {
            requested = input.Target;
            capped = input.Target;
            carry = input.CarryOver;
        }

        // Storage claimed the candidates in order of each one's next planned session (the
        // population model's), so the first ones are the ones due. Where fewer are due than
        // start, new users sign up for the rest (while the pool may grow); otherwise the next
        // planned are brought forward: volume wins. A manual run takes its target as claimed.
        var playable = input.Catalog.PlayableAt(windowStart);
        var chosen = new List<(CandidateUser User, UserState State)>();
        var signUps = new List<NewUser>();
        var joining = new HashSet<Guid>();
        var missed = new List<Deferral>();
        if (playable.Count > 0)
        {
            if (input.Trigger == RunTrigger.Cron)
            {
                // Members who have not signed up yet are not due: they are the people who may join.
                var known = input.Candidates.Where(c => c.State is not null).Select(c => (c, c.State!)).ToList();
                var unsigned = input.Candidates.Where(c => c.State is null).ToList();
                chosen.AddRange(Choose(
                    known, now, windowStart, capped, input.SignUpsAllowed, joining, random, unsigned, bringForward: input.Growth != PoolGrowth.Fixed && input.SignUpsAllowed > 0,
                    missed, ActivityDays.Of(input.Settings, input.Installation ?? Installation.Unknown), input.Region));
            }
            else
            {
                chosen.AddRange(input.Candidates.Select(c => (c, c.State ?? Newcomer(c, windowStart, random))).Take(capped));
            }
        }

        var idleCutoff = now.AddDays(-input.Settings.IdleAbandonDays);
        var userStates = new List<UserStateRow>();
        foreach (var (user, state) in chosen)
        {
            var started = Start(input, user, state, joining.Contains(user.ProfileId), playable, windowStart, idleCutoff, random);
            if (started.SignUp is { } signUp)
            {
                signUps.Add(signUp);
            }

            userStates.Add(started.UserState);
            collector.AddDue(started.Plan, DateTimeOffset.MinValue, now);
            if (started.Plan.EndsAt > now)
            {
                keep.Add(started.Session with { WrittenUntil = now, EndsAt = started.Plan.EndsAt });
            }
        }

        return new RunOutput(
            batch, windowStart, now, requested, chosen.Count, input.SessionsInProgress.Count, carry,
            keep, ended, idleCutoff, userStates, signUps, PopulationModel.RetireBefore(now, input.Settings.RetainDays, input.Growth), input.Growth, missed);
    }

    /// <summary>
    /// A cron tick's draw over (<paramref name="windowStart"/>, <paramref name="now"/>]: a Poisson
    /// draw over the pool's local-hour curve and its days (the installation's day factor of each
    /// local date, holidays, the growth trend: <see cref="ActivityDays"/>) plus what earlier ticks
    /// carried over, capped by max_per_run, the excess carried (bounded). The backfill draws each
    /// simulated tick the same way.
    /// </summary>
    public static (int Requested, int Capped, int CarryOver) DrawSessions(
        EngineSettings settings, Installation installation, IReadOnlyList<TimezoneCount> pool, DateTimeOffset windowStart, DateTimeOffset now, int carryOver, Random random)
    {
        var minutes = (now - windowStart).TotalMinutes;
        var mean = settings.SessionsPerMin * minutes * ActivityCurve.ForPool(pool, now, ActivityDays.Of(settings, installation));
        var requested = Sampling.Poisson(mean, random) + carryOver;
        var capped = Math.Min(requested, settings.MaxPerRun);
        return (requested, capped, Math.Min(requested - capped, settings.MaxPerRun * CarryOverRuns));
    }

    /// <summary>
    /// Who starts a cron tick's <paramref name="capped"/> sessions, from the users claimed in the
    /// order of their next planned session: the model's pick, then signups for the rest: first
    /// pool members who have not signed up yet (<paramref name="unsigned"/>, from the moment
    /// their profile exists), then new people (at most <paramref name="signUpsAllowed"/>, added to
    /// <paramref name="joining"/>). With <paramref name="bringForward"/>, where fewer may join than
    /// are missing, the next planned come forward: volume wins. Without it (a pool the engine
    /// cannot grow), volume gives way: nobody's session is moved earlier than their own plan.
    /// With <paramref name="missed"/>, claimed people more than <see cref="PopulationModel.MaxWait"/>
    /// late do not start: they come back on a later day (<see cref="PopulationModel.Missed"/>,
    /// thinned by <paramref name="days"/>), added to it; unless nobody may join and too few are due
    /// on time, when the latest of them fill the draw. New people live in a zone of
    /// <paramref name="region"/> (null: <see cref="RegionMix.Global"/>).
    /// </summary>
    public static List<(CandidateUser User, UserState State)> Choose(
        IReadOnlyList<(CandidateUser User, UserState State)> claimed, DateTimeOffset now, DateTimeOffset windowStart, int capped, int signUpsAllowed,
        ISet<Guid> joining, Random random, IReadOnlyList<CandidateUser>? unsigned = null, bool bringForward = true,
        ICollection<Deferral>? missed = null, ActivityDays? days = null, RegionMix? region = null)
    {
        // A member whose profile someone else created starts after their onboarding delay.
        var members = unsigned?.Where(u => u.AvailableAt is not { } at || at + PopulationModel.OnboardingDelay(u.ProfileId) <= now).ToList() ?? [];
        if (missed is not null)
        {
            // Claimed in the order of their plans: the missed are a prefix. Where nobody may join
            // and too few are due on time (a full pool after a pause), the latest of them still
            // start, late: volume wins over the hour where nobody else can take their place.
            var late = claimed.TakeWhile(c => c.State.NextSessionAt < now - PopulationModel.MaxWait).ToList();
            var onTime = claimed.Skip(late.Count).Count(c => c.State.NextSessionAt <= now);
            var serve = signUpsAllowed > 0 || members.Count > 0 ? 0 : Math.Clamp(capped - onTime, 0, late.Count);
            foreach (var (_, state) in late.Take(late.Count - serve))
            {
                missed.Add(new Deferral(state.ProfileId, state.NextSessionAt!.Value, PopulationModel.Missed(state, now, random, days)));
            }

            claimed = [.. claimed.Skip(late.Count - serve)];
        }

        var chosen = new List<(CandidateUser User, UserState State)>();
        var (starting, missing) = PopulationModel.Pick([.. claimed.Select(c => c.State)], now, capped, signUpsAllowed > 0 || members.Count > 0, random, bringForward: bringForward);
        chosen.AddRange(claimed.Take(starting.Count));
        var fromPool = Math.Min(missing, members.Count);
        for (var i = 0; i < fromPool; i++)
        {
            chosen.Add((members[i], Newcomer(members[i], windowStart, random)));
        }

        for (var i = 0; i < Math.Min(missing - fromPool, signUpsAllowed); i++)
        {
            // Their first session is where the draw puts it; they signed up an onboarding delay before.
            var persona = Sampling.Pick(random, PopulationModel.Personas).Name;
            var first = Microseconds.Truncate(windowStart + ((now - windowStart) * random.NextDouble()));
            var signupAt = Microseconds.Truncate(first - PopulationModel.OnboardingDelay(random));
            var user = new NewUser(Uuid7.Create(signupAt, random), persona, (region ?? RegionMix.Global).SignupTimezone(now, random), signupAt);
            joining.Add(user.ProfileId);
            chosen.Add((new CandidateUser(user.ProfileId, user.Timezone, null), PopulationModel.SignUp(user.ProfileId, user.Timezone, signupAt, random, persona) with { NextSessionAt = first }));
        }

        if (bringForward)
        {
            chosen.AddRange(claimed.Skip(starting.Count).Take(capped - chosen.Count));
        }

        return chosen;
    }

    /// <summary>
    /// Starts one chosen user's session: its state, its whole plan (planned once), the user's state
    /// after it (the model's next session) and, for a signup, the new user. With
    /// <paramref name="stateOnly"/> the plan's rows other than state have no texts or tags (see
    /// <see cref="SessionPlanner.Plan"/>); everything else is the same.
    /// </summary>
    public static StartedSession Start(
        RunInput input, CandidateUser user, UserState state, bool signsUp, IReadOnlyList<JourneyDefinition> playable,
        DateTimeOffset windowStart, DateTimeOffset idleCutoff, Random random, bool stateOnly = false)
    {
        var session = StartSession(input, user, state, signsUp, playable, windowStart, idleCutoff, random);
        var plan = SessionPlanner.Plan(session, input.Catalog, input.RunId, stateOnly);
        var before = state;
        NewUser? signUp = null;
        if (signsUp)
        {
            // A signup: they joined an onboarding delay before this, their first session (Choose).
            signUp = new NewUser(user.ProfileId, state.Traits.Persona, user.Timezone, state.SignupAt);
        }
        else if (user.State is null)
        {
            // A sim user the model meets for the first time (a given pool, or one enlisted
            // before the model): their first synthetic session is their signup. They come due
            // one draw at a time, so a pool's signups are staggered over its first ticks.
            before = state with { SignupAt = session.StartedAt, Lifecycle = Lifecycle.New };
        }

        return new StartedSession(session, plan, new UserStateRow(PopulationModel.AfterSession(before, session.StartedAt, random, ActivityDays.Of(input.Settings, input.Installation ?? Installation.Unknown)), plan.EndsAt), signUp);
    }

    /// <summary>
    /// The journey someone enrols in next: one they have never enrolled in, three times likelier
    /// where its clinical focus is that of one of their active mindblocks. Null when they have
    /// enrolled in every journey (they practise instead, or re-enrol when they completed none).
    /// </summary>
    internal static JourneyDefinition? NextJourney(CandidateUser user, IReadOnlyList<JourneyDefinition> playable, Random random)
    {
        var enrolled = user.EnrolledJourneys ?? user.CompletedJourneys ?? [];
        var open = playable.Where(j => !enrolled.Contains(j.Id)).ToList();
        return open.Count == 0 ? null : WeightedByFocus(user, open, random);
    }

    /// <summary>Where every journey has been tried and none completed: again, one not completed if any.</summary>
    private static JourneyDefinition ReEnrolment(CandidateUser user, IReadOnlyList<JourneyDefinition> playable, Random random)
    {
        var completed = user.CompletedJourneys ?? [];
        var open = playable.Where(j => !completed.Contains(j.Id)).ToList();
        return WeightedByFocus(user, open.Count > 0 ? open : playable, random);
    }

    private static JourneyDefinition WeightedByFocus(CandidateUser user, IReadOnlyList<JourneyDefinition> open, Random random)
    {
        var focus = user.MindblockFocus ?? [];
        var weights = open.Select(j => focus.Contains(j.ClinicalFocus) ? 3.0 : 1.0).ToList();
        var target = random.NextDouble() * weights.Sum();
        for (var i = 0; i < open.Count; i++)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return open[i];
            }
        }

        return open[^1];
    }

    /// <summary>A pool member the population model has no state for yet: traits drawn now; their first session is their signup.</summary>
    private static UserState Newcomer(CandidateUser user, DateTimeOffset at, Random random) =>
        PopulationModel.SignUp(user.ProfileId, user.Timezone, at, random, user.Persona);

    /// <summary>(last cron run, now], bounded to <see cref="MaxCatchUpMinutes"/>; a first run covers one minute.</summary>
    public static DateTimeOffset WindowStartFor(DateTimeOffset? lastCronWindowEnd, DateTimeOffset now)
    {
        var earliest = now.AddMinutes(-MaxCatchUpMinutes);
        var start = lastCronWindowEnd ?? now.AddMinutes(-1);
        return start < earliest ? earliest : start > now ? now : start;
    }

    private static SessionState StartSession(
        RunInput input, CandidateUser user, UserState state, bool signsUp, IReadOnlyList<JourneyDefinition> playable,
        DateTimeOffset windowStart, DateTimeOffset idleCutoff, Random random)
    {
        var now = input.Now;
        var seed = random.NextInt64();
        var sessionId = Uuid7.Create(now, random);
        var current = user.Instance;
        var journey = current is null ? null : input.Catalog.FindJourney(current.JourneyId);
        var continues = current is not null && journey is not null
            && current.LastActivityAt >= idleCutoff
            && journey.IndexOfOrder(current.CurrentSceneOrder) < journey.Scenes.Count;

        // Journeys take days: one that already moved on today (the user's local day) is only
        // practised for the rest of it, its completed scenes replayed.
        int? practiceUntil = null;
        var practised = current;
        if (continues)
        {
            var zone = Zones.Find(user.Timezone);
            var index = journey!.IndexOfOrder(current!.CurrentSceneOrder);
            if (index > 0 && Zones.LocalDay(current.LastActivityAt, zone) == Zones.LocalDay(now, zone))
            {
                practiceUntil = current.CurrentSceneOrder;
            }
        }
        else
        {
            journey = NextJourney(user, playable, random);
            if (journey is null && user.LastCompleted is { } done && input.Catalog.FindJourney(done.JourneyId) is { } completed)
            {
                // Every journey tried: they practise the one they completed last.
                journey = completed;
                practised = done;
                practiceUntil = int.MaxValue;
            }

            journey ??= ReEnrolment(user, playable, random);
        }

        var practice = practiceUntil is not null;
        var reuse = continues || practice;
        var startOrder = reuse ? current?.CurrentSceneOrder ?? journey.Scenes[0].Order : journey.Scenes[0].Order;
        if (practice)
        {
            var until = practiceUntil == int.MaxValue ? journey.Scenes.Count : journey.IndexOfOrder(practiceUntil!.Value);
            startOrder = journey.Scenes[random.Next(until)].Order;
        }

        var draft = new SessionState(
            user.ProfileId, sessionId, seed, now,
            reuse ? practised!.Id : Uuid7.Create(now, random),
            journey.Id,
            startOrder,
            NewInstance: !reuse,
            InstanceStartedAt: now,
            input.Settings.Rates,
            WrittenUntil: DateTimeOffset.MinValue,
            EndsAt: now,
            Progress: state.Progress,
            PracticeUntilOrder: practiceUntil,
            Persona: state.Traits.Persona);

        DateTimeOffset start;
        if (signsUp && state.NextSessionAt is { } first)
        {
            // A signup's first session: planned with their signup (Choose).
            start = first;
        }
        else if (input.Trigger == RunTrigger.Cron)
        {
            start = windowStart + ((now - windowStart) * random.NextDouble());
        }
        else
        {
            // Planned once at "now" to learn its length (offsets do not depend on the start),
            // then moved back so the whole session has happened by now.
            var duration = SessionPlanner.Plan(draft, input.Catalog, input.RunId).EndsAt - now;
            start = now - duration - TimeSpan.FromMilliseconds(random.Next(1_000, 60_000));
        }

        // Never before the instance's last activity: rows stay ordered within an instance.
        if (reuse && start <= practised!.LastActivityAt)
        {
            start = practised.LastActivityAt.AddMilliseconds(1);
        }

        // Never before the person existed in the journey app (their profile's created_at); a
        // first session, not before their onboarding delay after it.
        var earliest = user.AvailableAt is not { } available ? (DateTimeOffset?)null
            : user.State is null ? available + PopulationModel.OnboardingDelay(user.ProfileId) : available.AddMilliseconds(1);
        if (earliest is { } notBefore && start < notBefore)
        {
            start = notBefore;
        }

        // Never before the user's last session ended: one person, one session at a time.
        if (user.LastSessionEndsAt is { } lastEnd && start <= lastEnd)
        {
            start = lastEnd.AddMilliseconds(1);
        }

        if (start > now)
        {
            start = now;
        }

        // Stored and read back to plan the rest of the session: kept to what Postgres keeps.
        start = Microseconds.Truncate(start);
        return draft with
        {
            SessionId = Uuid7.At(sessionId, start),
            StartedAt = start,
            InstanceStartedAt = reuse ? practised!.StartedAt : start,
            InstanceId = reuse ? practised!.Id : Uuid7.Create(start, random),
        };
    }
}
