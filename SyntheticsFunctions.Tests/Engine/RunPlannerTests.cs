using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

public class RunPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 18, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Same_inputs_and_seed_give_the_same_rows()
    {
        var first = Plan(RunTrigger.Manual, target: 20, seed: 5);
        var second = Plan(RunTrigger.Manual, target: 20, seed: 5);
        var other = Plan(RunTrigger.Manual, target: 20, seed: 6);

        Assert.Equal(Flatten(first), Flatten(second));
        Assert.NotEqual(Flatten(first), Flatten(other));
    }

    [Fact]
    public void A_manual_run_writes_whole_sessions_that_end_by_now()
    {
        var output = Plan(RunTrigger.Manual, target: 30, seed: 9);

        Assert.Equal(30, output.SessionsStarted);
        Assert.Empty(output.SessionsToKeep);
        Assert.All(output.Batch.Events, e => Assert.True(e.CreatedAt <= Now));
        Assert.Equal(30, output.Batch.Events.Where(e => e.EventType == EventTypes.SceneOpened).Select(e => e.UserId).Distinct().Count());
    }

    [Fact]
    public void A_cron_tick_writes_only_rows_inside_its_window_and_keeps_the_rest_for_later()
    {
        var last = Now.AddMinutes(-1);
        var output = Plan(RunTrigger.Cron, seed: 3, lastCron: last, settings: EngineSettings.Defaults with { SessionsPerMin = 30, MaxPerRun = 40 });

        Assert.True(output.SessionsStarted > 0);
        Assert.Equal(last, output.WindowStart);
        Assert.All(output.Batch.Events, e => Assert.InRange(e.CreatedAt, last.AddTicks(1), Now));
        Assert.NotEmpty(output.SessionsToKeep);
        Assert.All(output.SessionsToKeep, s => Assert.True(s.EndsAt > Now && s.WrittenUntil == Now));
    }

    [Fact]
    public void A_continued_session_writes_exactly_the_rows_it_had_not_written()
    {
        var start = Plan(RunTrigger.Cron, seed: 11, lastCron: Now.AddMinutes(-1), settings: EngineSettings.Defaults with { SessionsPerMin = 20, MaxPerRun = 20 });
        var session = start.SessionsToKeep[0];
        var whole = SessionPlanner.Plan(session, DefaultCatalog.Catalog, Guid.Empty).Rows.Count(r => r.Row is SceneEventRow);
        var written = start.Batch.Events.Count(e => e.UserId == session.ProfileId);

        var later = session.EndsAt.AddSeconds(1);
        var rest = RunPlanner.Plan(Input(RunTrigger.Cron, seed: 12, now: later, lastCron: Now, sessions: [session], candidates: []));

        Assert.Equal(whole, written + rest.Batch.Events.Count);
        Assert.Equal([session.ProfileId], rest.SessionsEnded);
        Assert.All(rest.Batch.Events, e => Assert.True(e.CreatedAt > Now));
    }

    [Theory]
    [InlineData(null, -1)]
    [InlineData(-3, -3)]
    [InlineData(-45, -10)]
    public void The_window_starts_at_the_last_cron_run_bounded_to_ten_minutes(int? lastMinutesAgo, int expectedMinutesAgo)
    {
        var start = RunPlanner.WindowStartFor(lastMinutesAgo is null ? null : Now.AddMinutes(lastMinutesAgo.Value), Now);

        Assert.Equal(Now.AddMinutes(expectedMinutesAgo), start);
    }

    [Fact]
    public void Sessions_cut_by_max_per_run_are_carried_over_and_bounded()
    {
        var settings = EngineSettings.Defaults with { SessionsPerMin = 120, MaxPerRun = 5 };

        var output = Plan(RunTrigger.Cron, seed: 2, lastCron: Now.AddMinutes(-10), settings: settings);

        Assert.Equal(5, output.SessionsStarted);
        Assert.True(output.SessionsRequested > 5);
        Assert.Equal(5 * RunPlanner.CarryOverRuns, output.CarryOver);
    }

    [Fact]
    public void A_run_starts_no_more_sessions_than_there_are_free_users_and_records_what_was_requested()
    {
        var output = RunPlanner.Plan(Input(RunTrigger.Manual, seed: 1, target: 10, candidates: Candidates(3)));

        Assert.Equal(10, output.SessionsRequested);
        Assert.Equal(3, output.SessionsStarted);
    }

    [Fact]
    public void Every_row_is_tagged_synthetic_with_the_run_id()
    {
        var runId = Guid.NewGuid();
        var output = RunPlanner.Plan(Input(RunTrigger.Manual, seed: 4, target: 40) with { RunId = runId });
        var b = output.Batch;
        var payloads = b.Events.Select(e => e.Payload)
            .Concat(b.Instances.Select(r => r.Metadata)).Concat(b.InstanceScenes.Select(r => r.Metadata))
            .Concat(b.Captures.Select(r => r.Metadata)).Concat(b.ResistanceChecks.Select(r => r.Metadata))
            .Concat(b.RealWorldTriggers.Select(r => r.Metadata)).Concat(b.MindblockEvents.Select(r => r.Metadata))
            .Concat(b.MindblockStatuses.Select(r => r.Metadata)).ToList();

        Assert.All(payloads, p =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(p);
            Assert.True(json.RootElement.GetProperty("synthetic").GetBoolean());
            Assert.Equal(runId, json.RootElement.GetProperty("run_id").GetGuid());
        });
        Assert.All(b.Events, e => Assert.Contains(e.EventType, EventTypes.All));
    }

    [Fact]
    public void Events_never_go_back_in_time_within_an_instance()
    {
        var output = Plan(RunTrigger.Manual, target: 50, seed: 8);

        foreach (var instance in output.Batch.Events.GroupBy(e => e.InstanceId))
        {
            var times = instance.Select(e => e.CreatedAt).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Fact]
    public void Rates_over_many_sessions_match_the_settings()
    {
        var settings = EngineSettings.Defaults;
        var sessions = 0;
        int abandoned = 0, errors = 0, scenes = 0, mindblocks = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var output = Plan(RunTrigger.Manual, target: 40, seed: seed, settings: settings);
            sessions += output.SessionsStarted;
            abandoned += output.Batch.Events.Count(e => e.EventType == EventTypes.JourneyAbandoned);
            errors += output.Batch.Events.Count(e => e.EventType == EventTypes.ClientError);
            scenes += output.Batch.Events.Count(e => e.EventType == EventTypes.SceneOpened);
            mindblocks += output.Batch.Events.Count(e => e.EventType == EventTypes.MindblockSignal);
        }

        // 12,000 sessions: three standard errors are well inside these bounds.
        Assert.InRange(abandoned / (double)sessions, 0.07, 0.09);
        Assert.InRange(errors / (double)sessions, 0.025, 0.035);
        Assert.InRange(mindblocks / (double)scenes, 0.43, 0.47);
        Assert.InRange(scenes / (double)sessions, 1.7, 2.1);
    }

    [Fact]
    public void An_idle_instance_is_not_continued_and_a_new_journey_starts()
    {
        var journey = DefaultCatalog.Catalog.Journeys[0];
        var idle = new ActiveInstance(Guid.NewGuid(), journey.Id, 2, Now.AddDays(-30), Now.AddDays(-8));
        var user = new CandidateUser(Guid.NewGuid(), "Europe/London", idle);

        var output = RunPlanner.Plan(Input(RunTrigger.Manual, seed: 1, target: 1, candidates: [user]));

        Assert.DoesNotContain(output.Batch.Events, e => e.InstanceId == idle.Id);
        Assert.Single(output.Batch.Instances.Select(i => i.Id).Distinct());
    }

    [Fact]
    public void Busy_local_hours_weigh_more_than_the_night()
    {
        var evening = new DateTime(2026, 3, 4, 20, 0, 0);
        var night = new DateTime(2026, 3, 4, 3, 0, 0);

        Assert.True(ActivityCurve.At(evening) > 5 * ActivityCurve.At(night));
        Assert.Equal(1.0, ActivityCurve.HourlyWeights.Average(), 9);
        Assert.Equal(1.0, ActivityCurve.WeekdayWeights.Average(), 9);
    }

    [Fact]
    public void A_user_the_model_meets_for_the_first_time_signs_up_with_their_first_session()
    {
        var output = RunPlanner.Plan(Input(RunTrigger.Cron, seed: 4, lastCron: Now.AddMinutes(-1), candidates: Candidates(60), settings: EngineSettings.Defaults with { SessionsPerMin = 6, MaxPerRun = 10 }));
        var firstOpened = output.Batch.Events.Where(e => e.EventType == EventTypes.SceneOpened).GroupBy(e => e.UserId).ToDictionary(g => g.Key, g => g.Min(e => e.CreatedAt));

        Assert.NotEmpty(output.UserStates);
        Assert.All(output.UserStates, row =>
        {
            Assert.Equal(firstOpened[row.State.ProfileId], row.State.SignupAt);
            Assert.Equal(1, row.State.Sessions);
            Assert.NotEqual(Lifecycle.Active, row.State.Lifecycle);
        });
    }

    [Fact]
    public void A_journey_that_moved_on_today_is_practised_and_one_already_enrolled_in_is_not_started_again()
    {
        var catalog = DefaultCatalog.Catalog;
        var journey = catalog.Playable[0];
        var active = new ActiveInstance(Guid.NewGuid(), journey.Id, journey.Scenes[2].Order, Now.AddHours(-3), Now.AddHours(-2));
        var practising = new CandidateUser(Guid.NewGuid(), "Europe/London", active, Now.AddHours(-2), EnrolledJourneys: [journey.Id]);
        var yesterday = active with { LastActivityAt = Now.AddDays(-1) };
        var advancing = new CandidateUser(Guid.NewGuid(), "Europe/London", yesterday, Now.AddDays(-1));
        var everything = new CandidateUser(Guid.NewGuid(), "Europe/London", null, Now.AddDays(-1), CompletedJourneys: [journey.Id], EnrolledJourneys: [.. catalog.Playable.Select(j => j.Id)], LastCompleted: active with { LastActivityAt = Now.AddDays(-1) });

        var output = RunPlanner.Plan(Input(RunTrigger.Manual, seed: 2, target: 3, candidates: [practising, advancing, everything]));
        var sessions = output.Batch.InstanceScenes.GroupBy(s => s.UserId).ToDictionary(g => g.Key, g => g.Select(s => journey.Scenes.ToList().FindIndex(x => x.Id == s.SceneId)).ToList());

        // Practice replays completed scenes (before scene index 2) and leaves the journey where it was, active.
        Assert.All(sessions[practising.ProfileId], index => Assert.InRange(index, 0, 1));
        Assert.All(output.Batch.Instances.Where(i => i.UserId == practising.ProfileId), i => Assert.Equal((active.Id, journey.Scenes[2].Order), (i.Id, i.CurrentSceneOrder)));
        Assert.DoesNotContain(output.Batch.Instances, i => i.UserId == practising.ProfileId && i.Status == InstanceStatus.Completed);

        // The journey moved on yesterday: today it moves on from scene index 2.
        Assert.Equal(2, sessions[advancing.ProfileId][0]);
        Assert.Contains(output.Batch.Instances, i => i.UserId == advancing.ProfileId && i.Id == active.Id);

        // Every journey enrolled in: they practise the one completed last, and start none.
        Assert.DoesNotContain(output.Batch.Instances, i => i.UserId == everything.ProfileId && i.Status != InstanceStatus.Abandoned);
        Assert.All(output.Batch.InstanceScenes.Where(s => s.UserId == everything.ProfileId), s => Assert.Equal(active.Id, s.InstanceId));
    }

    [Fact]
    public void Someone_who_missed_their_planned_session_by_more_than_the_wait_comes_back_on_a_later_day_at_an_hour_of_their_own()
    {
        // Three people planned 3 hours, 31 minutes and 10 minutes ago (Europe/London, 18:30 UTC is 18:30 local), claimed in that order.
        var random = new Random(7);
        UserState Planned(TimeSpan ago) =>
            PopulationModel.SignUp(Uuid7.Create(Now, random), "Europe/London", Now.AddDays(-20), random) with { Lifecycle = Lifecycle.Active, NextSessionAt = Now - ago, LastSessionAt = Now.AddDays(-2), Sessions = 6 };
        var states = new[] { Planned(TimeSpan.FromHours(3)), Planned(TimeSpan.FromMinutes(31)), Planned(TimeSpan.FromMinutes(10)) };
        var candidates = states.Select(s => new CandidateUser(s.ProfileId, s.Timezone, null, Now.AddDays(-2), s)).ToList();

        var input = Input(RunTrigger.Cron, seed: 3, lastCron: Now.AddMinutes(-1), candidates: candidates, settings: EngineSettings.Defaults with { SessionsPerMin = 120, MaxPerRun = 3 });
        var output = RunPlanner.Plan(input with { SignUpsAllowed = 10 });

        // The two more than 30 minutes late do not start: each is planned anew on a later local day; the one 10 minutes late starts.
        Assert.Equal([states[0].ProfileId, states[1].ProfileId], output.Missed!.Select(m => m.ProfileId));
        Assert.All(output.Missed!.Zip(states), pair =>
        {
            Assert.Equal(pair.Second.NextSessionAt, pair.First.Was);
            Assert.True(DateOnly.FromDateTime(pair.First.Next.UtcDateTime) > DateOnly.FromDateTime(Now.UtcDateTime), $"{pair.First.Next:O} is not on a later day");
        });
        Assert.Contains(output.UserStates, u => u.State.ProfileId == states[2].ProfileId && u.State.Sessions == 7);
        Assert.DoesNotContain(output.UserStates, u => u.State.ProfileId == states[0].ProfileId || u.State.ProfileId == states[1].ProfileId);

        // Where nobody may join (a full pool after a pause), nobody else can take their place: the latest of them fill the draw, late.
        var full = RunPlanner.Plan(input);
        Assert.Empty(full.Missed!);
        Assert.Equal(states.Select(s => s.ProfileId).Order(), full.UserStates.Select(u => u.State.ProfileId).Order());
    }

    private static RunOutput Plan(RunTrigger trigger, int target = 5, int seed = 1, DateTimeOffset? lastCron = null, EngineSettings? settings = null) =>
        RunPlanner.Plan(Input(trigger, seed, target: target, lastCron: lastCron, settings: settings));

    private static RunInput Input(
        RunTrigger trigger, int seed, int target = 5, DateTimeOffset? now = null, DateTimeOffset? lastCron = null,
        EngineSettings? settings = null, IReadOnlyList<SessionState>? sessions = null, IReadOnlyList<CandidateUser>? candidates = null) =>
        new(trigger, Guid.Parse("00000000-0000-7000-8000-000000000001"), seed, now ?? Now, lastCron, 0, settings ?? EngineSettings.Defaults,
            DefaultCatalog.Catalog, sessions ?? [], candidates ?? Candidates(60), [new TimezoneCount("Europe/London", 60)], target);

    private static List<CandidateUser> Candidates(int count)
    {
        var random = new Random(100);
        return [.. Enumerable.Range(0, count).Select(_ => new CandidateUser(Uuid7.Create(Now, random), "Europe/London", null))];
    }

    private static string Flatten(RunOutput output) =>
        string.Join("\n", output.Batch.Events.Select(e => $"{e.Id} {e.EventType} {e.CreatedAt:O} {e.Payload}"));
}
