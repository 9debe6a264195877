namespace SyntheticsFunctions.Engine;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    /// <summary>The every-minute timer: continues sessions in progress and starts new ones across its window.</summary>
    Cron,

    /// <summary>A manual run: starts its sessions far enough back that they end by now.</summary>
    Manual,
}

/// <summary>Everything a run decides from, as loaded by storage in the run's transaction.</summary>
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
    int Target);

/// <summary>What a run writes and the state it leaves for the next one.</summary>
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
    IReadOnlyList<UserSessionEnd> SessionEnds);

/// <summary>
/// Decides one run: which rows are due, how many sessions start and for whom. Pure: no I/O,
/// time comes in as <see cref="RunInput.Now"/>, chance from <see cref="RunInput.Seed"/>.
/// </summary>
public static class RunPlanner
{
    /// <summary>A late or skipped tick makes up at most this many minutes, so it neither loses nor floods.</summary>
    public const double MaxCatchUpMinutes = 10;

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
            var minutes = (now - windowStart).TotalMinutes;
            var mean = input.Settings.SessionsPerMin * minutes * ActivityCurve.ForPool(input.Pool, now);
            requested = Sampling.Poisson(mean, random) + input.CarryOver;
            capped = Math.Min(requested, input.Settings.MaxPerRun);
            carry = Math.Min(requested - capped, input.Settings.MaxPerRun * CarryOverRuns);
        }
        else
        {
            requested = input.Target;
            capped = input.Target;
            carry = input.CarryOver;
        }

        // Storage claimed the candidates in order of a pick weighted by each user's own
        // local-hour multiplier (ActivityCurve), so the first ones are the ones to start.
        var playable = input.Catalog.Playable;
        var chosen = playable.Count == 0 ? [] : input.Candidates.Take(capped).ToList();
        var idleCutoff = now.AddDays(-input.Settings.IdleAbandonDays);

        var ends = new List<UserSessionEnd>();
        foreach (var user in chosen)
        {
            var session = StartSession(input, user, playable, windowStart, idleCutoff, random);
            var plan = SessionPlanner.Plan(session, input.Catalog, input.RunId);
            ends.Add(new UserSessionEnd(user.ProfileId, plan.EndsAt));
            collector.AddDue(plan, DateTimeOffset.MinValue, now);
            if (plan.EndsAt > now)
            {
                keep.Add(session with { WrittenUntil = now, EndsAt = plan.EndsAt });
            }
        }

        return new RunOutput(
            batch, windowStart, now, requested, chosen.Count, input.SessionsInProgress.Count, carry,
            keep, ended, idleCutoff, ends);
    }

    /// <summary>(last cron run, now], bounded to <see cref="MaxCatchUpMinutes"/>; a first run covers one minute.</summary>
    public static DateTimeOffset WindowStartFor(DateTimeOffset? lastCronWindowEnd, DateTimeOffset now)
    {
        var earliest = now.AddMinutes(-MaxCatchUpMinutes);
        var start = lastCronWindowEnd ?? now.AddMinutes(-1);
        return start < earliest ? earliest : start > now ? now : start;
    }

    private static SessionState StartSession(
        RunInput input, CandidateUser user, IReadOnlyList<JourneyDefinition> playable,
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

        if (!continues)
        {
            journey = Sampling.Pick(random, playable);
        }

        var draft = new SessionState(
            user.ProfileId, sessionId, seed, now,
            continues ? current!.Id : Uuid7.Create(now, random),
            journey!.Id,
            continues ? current!.CurrentSceneOrder : journey.Scenes[0].Order,
            NewInstance: !continues,
            InstanceStartedAt: now,
            input.Settings.Rates,
            WrittenUntil: DateTimeOffset.MinValue,
            EndsAt: now);

        DateTimeOffset start;
        if (input.Trigger == RunTrigger.Cron)
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
        if (continues && start <= current!.LastActivityAt)
        {
            start = current.LastActivityAt.AddMilliseconds(1);
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

        return draft with
        {
            StartedAt = start,
            InstanceStartedAt = continues ? current!.StartedAt : start,
            InstanceId = continues ? current!.Id : Uuid7.Create(start, random),
        };
    }
}
