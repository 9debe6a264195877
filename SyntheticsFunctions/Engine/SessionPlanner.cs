namespace SyntheticsFunctions.Engine;

/// <summary>One row of a session's plan and the moment it becomes due.</summary>
public readonly record struct TimedRow(DateTimeOffset At, object Row);

/// <summary>A whole session, every row at its own moment, in time order.</summary>
public sealed record SessionPlan(IReadOnlyList<TimedRow> Rows, DateTimeOffset EndsAt);

/// <summary>
/// Plans a whole session from its own seed, as the seed's flow describes: 1-3 scenes, each
/// opened, its contract honoured (captures answering its prompt, a resistance check, a dwell time
/// skewed within the contract's limits; the check's level and strategy, as the
/// person's <see cref="Outcomes"/> give them), mindblock signals at the configured chance, completed;
/// occasionally a real-world trigger, only while the journey is in progress; at the
/// abandon rate it stops mid-scene, at the error rate the app logs an error. Pure: the same
/// state and catalog give the same plan, whichever run asks.
/// </summary>
public static class SessionPlanner
{
    /// <summary>Chance per session of a real-world trigger: after a completed scene, or during the scene that completes the journey.</summary>
    public const double RealWorldTriggerChance = 0.5;

    /// <summary>Median pause between two scenes of a session, in milliseconds, the shape of its tail and its bounds.</summary>
    private const double BetweenScenesMedianMs = 20_000;

    private const double BetweenScenesSigma = 1.0;

    private const double BetweenScenesMaxMs = 600_000;

    /// <summary>
    /// Chance per pause between scenes that the phone is put down for longer (a call, a meeting, the
    /// school run): a log-normal interruption of median <see cref="InterruptionMedianMinutes"/>,
    /// <see cref="InterruptionMinMinutes"/> to <see cref="InterruptionMaxMinutes"/>. It gives session
    /// length its long tail (p99 several times the median, about 1% of sessions over 30 minutes).
    /// </summary>
    public const double InterruptionChance = 0.025;

    private const double InterruptionMedianMinutes = 30;

    private const double InterruptionSigma = 0.6;

    private const double InterruptionMinMinutes = 8;

    private const double InterruptionMaxMinutes = 240;

    /// <summary>The spread (sigma of the log) of people's pace through a scene: a user's steps all take their pace times a draw of their own.</summary>
    public const double PaceSigma = 0.25;

    /// <summary>The spread (sigma of the log) of one step's time (open to a capture, a capture to the next, the check, the last step to completion).</summary>
    public const double StepSigma = 0.75;

    /// <summary>Where in the contract's dwell range a scene's steps add up to on average (most of them lower, a tail towards the maximum).</summary>
    private const double TypicalDwellShare = 0.37;

    /// <summary>How many times a scene's steps are drawn again when they add up to a dwell outside the contract, before they are scaled into it.</summary>
    private const int StepAttempts = 24;

    /// <param name="session">The session to plan: its seed gives every draw.</param>
    /// <param name="catalog">The journeys, scenes and mindblocks.</param>
    /// <param name="runId">The run whose tag the rows carry.</param>
    /// <param name="stateOnly">
    /// For a plan only its state is read from (<see cref="InstanceRow"/>, <see cref="MindblockStatusRow"/>
    /// and the times: a backfill's pre-roll): the other rows get no texts and no tags. Every draw is
    /// made as in a full plan, so the state, the ids and the times are the same.
    /// </param>
    public static SessionPlan Plan(SessionState session, Catalog catalog, Guid runId, bool stateOnly = false)
    {
        var journey = catalog.FindJourney(session.JourneyId)
            ?? throw new InvalidOperationException($"Journey {session.JourneyId} of session {session.SessionId} is not in the catalog.");
        var random = new Random(SeedOf(session.Seed));
        var rows = new List<TimedRow>();
        var user = session.ProfileId;
        var instanceId = session.InstanceId;
        var tags = new Tagging.SessionTags(runId, session.SessionId);
        string Tag(params (string, object?)[] details) => tags.Json(details);
        string RowTag(params (string, object?)[] details) => stateOnly ? "" : tags.Json(details);

        var startIndex = journey.IndexOfOrder(session.StartSceneOrder);
        // A practice session replays completed scenes only, and never moves the journey on.
        var practice = session.Practice;
        var practisingCompleted = session.PracticeUntilOrder == int.MaxValue;
        var endIndex = practice && !practisingCompleted ? journey.IndexOfOrder(session.PracticeUntilOrder!.Value) : journey.Scenes.Count;
        // Practice keeps a session's 1-3 scenes, going round the completed ones where they are fewer.
        var sceneCount = practice ? 1 + random.Next(3) : Math.Min(1 + random.Next(3), endIndex - startIndex);
        var abandonAt = AbandonAt(journey, practice ? i => (startIndex + i) % endIndex : i => startIndex + i, sceneCount, session.Rates.AbandonRate, random);

        // Someone who gives up on a journey they just started gives up in its first scene: the
        // funnel loses most at the start.
        abandonAt = session.NewInstance ? Math.Min(abandonAt, 0) : abandonAt;
        var errorAt = random.NextDouble() < session.Rates.ErrorRate ? random.Next(Math.Max(sceneCount, 1)) : -1;
        var triggerAt = random.NextDouble() < RealWorldTriggerChance ? random.Next(Math.Max(sceneCount, 1)) : -1;

        var pace = Pace(user);
        var voice = Voice.Of(user);
        var t = session.StartedAt;
        var instance = new InstanceRow(
            instanceId, user, journey.Id, InstanceStatus.Active, session.StartSceneOrder,
            session.InstanceStartedAt, t, null, Tag(("journey_slug", journey.Slug)));
        if (session.NewInstance)
        {
            rows.Add(new TimedRow(t, instance));
        }

        for (var i = 0; i < sceneCount; i++)
        {
            var scene = journey.Scenes[practice ? (startIndex + i) % endIndex : startIndex + i];
            var contract = scene.Contract;
            if (i > 0)
            {
                // The pause between scenes: mostly a few seconds, now and then the phone put down for minutes.
                t = t.AddMilliseconds(Math.Round(Sampling.LogNormalClipped(random, BetweenScenesMedianMs, BetweenScenesSigma, 3_000, BetweenScenesMaxMs)));
                if (random.NextDouble() < InterruptionChance)
                {
                    // Now and then much longer: the session goes on after the interruption.
                    t = t.AddMinutes(Math.Round(Sampling.LogNormalClipped(random, InterruptionMedianMinutes, InterruptionSigma, InterruptionMinMinutes, InterruptionMaxMinutes), 3));
                }
            }

            var opened = t;
            var instanceSceneId = Uuid7.Create(opened, random);
            var sceneRow = new InstanceSceneRow(instanceSceneId, instanceId, user, scene.Id, SceneStatus.InProgress, opened, null, RowTag());
            if (!practisingCompleted)
            {
                // Practice on a journey in progress keeps it where it is, and keeps it active.
                instance = instance with { Status = InstanceStatus.Active, CurrentSceneOrder = practice ? session.PracticeUntilOrder!.Value : scene.Order, LastActivityAt = opened };
                rows.Add(new TimedRow(opened, instance));
            }

            rows.Add(new TimedRow(opened, sceneRow));
            rows.Add(new TimedRow(opened, Event(EventTypes.SceneOpened, opened, scene, instanceSceneId, ("scene_title", scene.Title))));

            // Each step (the captures, the check, the last to completion) takes the user's pace times
            // a draw of its own; together they stay within the contract's dwell.
            var gaps = StepGaps(random, pace, contract);
            var dwell = TimeSpan.FromTicks(gaps.Sum());
            var completed = opened + dwell;
            var isLast = !practice && startIndex + i == journey.Scenes.Count - 1;
            var steps = new List<TimedRow>();
            var stepAt = opened;
            for (var c = 0; c < contract.RequiredCaptures; c++)
            {
                var at = stepAt = stepAt.AddTicks(gaps[c]);
                // One of the scene's prompts; a scene without a capture_prompt is answered with what the user noticed.
                var prompt = contract.Prompts is { Count: > 0 } prompts ? Sampling.Pick(random, prompts) : contract.CapturePrompt ?? SceneContract.ObservationPrompt(scene.Title);
                // The words draw from a generator of their own: however long the answer, the session's other draws stay where they were.
                var words = random.Next();
                var response = stateOnly ? "" : Content.Capture(new Random(words), contract.CapturePrompt is null ? null : prompt, journey.ClinicalFocus, voice);
                var capture = new CaptureRow(Uuid7.Create(at, random), instanceId, instanceSceneId, user, scene.Id, prompt, response, at, RowTag(("capture_index", c + 1)));
                steps.Add(new TimedRow(at, capture));
                steps.Add(new TimedRow(at, Event(EventTypes.CaptureSubmitted, at, scene, instanceSceneId, ("capture_id", capture.Id))));
            }

            if (contract.RequiresResistanceCheck)
            {
                var at = stepAt.AddTicks(gaps[contract.RequiredCaptures]);
                var level = Outcomes.ResistanceLevel(session, random);
                var check = new ResistanceCheckRow(Uuid7.Create(at, random), instanceId, instanceSceneId, user, scene.Id, level, Outcomes.Strategy(session, random), at, RowTag());
                steps.Add(new TimedRow(at, check));
                steps.Add(new TimedRow(at, Event(EventTypes.ResistanceCheckCompleted, at, scene, instanceSceneId, ("check_id", check.Id), ("resistance_level", level))));
            }

            if (catalog.Mindblocks.Count > 0 && random.NextDouble() < session.Rates.MindblockChance)
            {
                var at = opened + (dwell * Sampling.Between(random, 0.1, 0.9));
                var mindblock = PickMindblock(catalog, journey, random);
                var intensity = Outcomes.Intensity(session, random);
                var signal = Outcomes.Signal(session, random);
                var mbEvent = new MindblockEventRow(Uuid7.Create(at, random), user, mindblock.Id, instanceId, signal, intensity, at, RowTag(("scene_id", scene.Id), ("status", Content.MindblockStatusFor(intensity))));
                steps.Add(new TimedRow(at, mbEvent));
                steps.Add(new TimedRow(at, new MindblockStatusRow(Uuid7.Create(at, random), user, mindblock.Id, Content.MindblockStatusFor(intensity), intensity, 1, at, Tag())));
                steps.Add(new TimedRow(at, Event(EventTypes.MindblockSignal, at, scene, instanceSceneId, ("mindblock_id", mindblock.Id), ("signal", signal), ("intensity", intensity))));
            }

            if (i == errorAt)
            {
                var at = opened + (dwell * Sampling.Between(random, 0.2, 0.8));
                var (code, message) = Sampling.Pick(random, Content.ClientErrors);
                steps.Add(new TimedRow(at, Event(EventTypes.ClientError, at, scene, instanceSceneId, ("code", code), ("message", message))));
            }

            if (i == triggerAt && isLast)
            {
                // This scene completes the journey: the trigger is reported during it, while the journey is in progress.
                AddTrigger(steps, opened + (dwell * Sampling.Between(random, 0.1, 0.9)));
            }

            // A stable sort keeps same-moment rows in the order written above (a row before its event).
            steps = [.. steps.OrderBy(s => s.At)];

            if (i == abandonAt)
            {
                var at = opened + (dwell * Sampling.Between(random, 0.3, 0.8));
                rows.AddRange(steps.Where(s => s.At < at));
                rows.Add(new TimedRow(at, sceneRow with { Status = SceneStatus.Abandoned }));
                if (!practisingCompleted)
                {
                    // Giving up mid-scene gives up the journey; a journey already completed stays completed.
                    rows.Add(new TimedRow(at, instance with { Status = InstanceStatus.Abandoned, LastActivityAt = at }));
                    rows.Add(new TimedRow(at, Event(EventTypes.JourneyAbandoned, at, scene, instanceSceneId, ("reason", "left_mid_scene"))));
                }

                return new SessionPlan(rows, at);
            }

            rows.AddRange(steps);
            rows.Add(new TimedRow(completed, sceneRow with { Status = SceneStatus.Completed, CompletedAt = completed }));
            rows.Add(new TimedRow(completed, Event(EventTypes.SceneCompleted, completed, scene, instanceSceneId, ("dwell_seconds", Math.Round(dwell.TotalSeconds, 1)))));
            if (!practisingCompleted)
            {
                instance = practice
                    ? instance with { LastActivityAt = completed }
                    : isLast
                        ? instance with { Status = InstanceStatus.Completed, LastActivityAt = completed, CompletedAt = completed }
                        : instance with { CurrentSceneOrder = journey.Scenes[startIndex + i + 1].Order, LastActivityAt = completed };
                rows.Add(new TimedRow(completed, instance));
            }

            t = completed;

            if (i == triggerAt && !isLast && !practisingCompleted)
            {
                // Between scenes, the journey still in progress (never after its completion or abandonment).
                t = t.AddMilliseconds(random.Next(1_000, 30_000));
                AddTrigger(rows, t);

                // Reporting it is activity on the journey: were it never touched again, the idle
                // rule would abandon it as of this moment, not before the trigger.
                instance = instance with { LastActivityAt = t };
                rows.Add(new TimedRow(t, instance));
            }
        }

        return new SessionPlan(rows, t);

        void AddTrigger(List<TimedRow> into, DateTimeOffset at)
        {
            var words = random.Next();
            var (type, description) = stateOnly ? ("", "") : Content.Trigger(new Random(words));
            var trigger = new RealWorldTriggerRow(Uuid7.Create(at, random), instanceId, user, type, description, at, RowTag());
            into.Add(new TimedRow(at, trigger));
            into.Add(new TimedRow(at, new SceneEventRow(Uuid7.Create(at, random), instanceId, null, user, null, EventTypes.RealWorldTrigger, RowTag(("trigger_id", trigger.Id), ("trigger_type", type)), at)));
        }

        SceneEventRow Event(string type, DateTimeOffset at, SceneDefinition scene, Guid instanceSceneId, params (string, object?)[] details) =>
            new(Uuid7.Create(at, random), instanceId, instanceSceneId, user, scene.Id, type, RowTag(details), at);
    }

    /// <summary>
    /// Which of a session's <paramref name="sceneCount"/> scenes (the i-th is the journey's scene
    /// <paramref name="indexOf"/>(i)) it gives up in, or -1: it gives up at the abandon rate times the
    /// mean hazard of its scenes (<see cref="JourneyDifficulty.Hazard"/>), in a scene drawn by hazard.
    /// </summary>
    private static int AbandonAt(JourneyDefinition journey, Func<int, int> indexOf, int sceneCount, double abandonRate, Random random)
    {
        if (sceneCount <= 0)
        {
            return random.NextDouble() < abandonRate ? 0 : -1;
        }

        Span<double> hazards = stackalloc double[sceneCount];
        var total = 0.0;
        for (var i = 0; i < sceneCount; i++)
        {
            total += hazards[i] = JourneyDifficulty.Hazard(journey, indexOf(i));
        }

        if (random.NextDouble() >= abandonRate * total / sceneCount)
        {
            return -1;
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < sceneCount; i++)
        {
            target -= hazards[i];
            if (target < 0)
            {
                return i;
            }
        }

        return sceneCount - 1;
    }

    /// <summary>Mindblocks that share the journey's clinical focus come up more often.</summary>
    private static MindblockDefinition PickMindblock(Catalog catalog, JourneyDefinition journey, Random random)
    {
        var sameFocus = catalog.Mindblocks.Where(m => m.ClinicalFocus == journey.ClinicalFocus).ToList();
        return sameFocus.Count > 0 && random.NextDouble() < 0.7
            ? Sampling.Pick(random, sameFocus)
            : Sampling.Pick(random, catalog.Mindblocks);
    }

    /// <summary>
    /// A user's pace through scenes (1 the typical person, above 1 slower): log-normal with sigma
    /// <see cref="PaceSigma"/>, drawn from a stable hash of their id, so every session of theirs,
    /// planned again from <c>synthetic_sessions</c> in any later run, has the same.
    /// </summary>
    public static double Pace(Guid profileId)
    {
        // FNV-1a over the id's bytes: the same on every runtime and process (unlike string.GetHashCode).
        var hash = 14695981039346656037UL;
        foreach (var b in profileId.ToByteArray())
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return Sampling.LogNormal(new Random(SeedOf(unchecked((long)hash))), 1, PaceSigma);
    }

    /// <summary>
    /// The ticks each step of a scene takes: opening to the first capture, capture to capture, to
    /// the check, and the last step to completion (the last gap). Each is <paramref name="pace"/>
    /// times a log-normal draw of its own (median such that the steps add up to about
    /// <see cref="TypicalDwellShare"/> of the way through the contract's dwell range); steps adding
    /// up to a dwell outside the contract, or two consecutive steps within a millisecond of each
    /// other, are drawn again, and after <see cref="StepAttempts"/> tries scaled into the range.
    /// </summary>
    internal static long[] StepGaps(Random random, double pace, SceneContract contract)
    {
        var count = contract.RequiredCaptures + (contract.RequiresResistanceCheck ? 1 : 0) + 1;
        double min = contract.MinDwellSeconds, max = contract.MaxDwellSeconds;
        var typical = min + (TypicalDwellShare * (max - min));
        var median = typical / count / Math.Exp(StepSigma * StepSigma / 2);
        var seconds = new double[count];
        var ticks = new long[count];
        long lowest = (long)(min * TimeSpan.TicksPerSecond), highest = (long)(max * TimeSpan.TicksPerSecond);
        for (var attempt = 1; ; attempt++)
        {
            for (var k = 0; k < count; k++)
            {
                seconds[k] = pace * Sampling.LogNormal(random, median, StepSigma);
            }

            var total = seconds.Sum();
            var scaled = (total < min || total > max) && attempt >= StepAttempts;
            if (scaled)
            {
                // Scaled into the range: the steps keep their proportions.
                var scale = Math.Clamp(total, min, max) / total;
                for (var k = 0; k < count; k++)
                {
                    seconds[k] *= scale;
                }
            }

            var sum = 0L;
            var distinct = true;
            for (var k = 0; k < count; k++)
            {
                ticks[k] = (long)Math.Round(seconds[k] * TimeSpan.TicksPerSecond);
                if (scaled && k == count - 1)
                {
                    // The last step takes up the rounding: the scaled dwell lands within the range to the tick.
                    ticks[k] = Math.Clamp(sum + ticks[k], lowest, highest) - sum;
                }

                sum += ticks[k];
                distinct &= k == 0 || Math.Abs(ticks[k] - ticks[k - 1]) > TimeSpan.TicksPerMillisecond;
            }

            if (sum >= lowest && sum <= highest && distinct)
            {
                return ticks;
            }
        }
    }

    internal static int SeedOf(long seed) => unchecked((int)(seed ^ (seed >>> 32)));
}
