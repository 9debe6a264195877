using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The realism check's SQL against hand-built rows whose figures are known exactly: a cohort of
/// 100 with known retention and funnel, 100 regulars with known session counts, one broken row
/// of each rule, and real users' rows (plain, and tagged synthetic) that the check must ignore.
/// Rows written by hand have their facts rebuilt from the tables (<c>synthetic_realism_rebuild_all</c>,
/// as an upgrade fills its history); the engine's writers keep theirs, and the last test holds the
/// two to the same facts.
/// </summary>
[LongRunning(175)]
public class RealismStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = Now.AddDays(-35);
    private static readonly JourneyDefinition Journey = DefaultCatalog.Catalog.Journeys[0];

    [Fact]
    public async Task The_check_reads_exactly_the_figures_of_hand_built_rows_and_ignores_real_users()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("DELETE FROM synthetic_user_state");
        await app.ExecuteAsync("DELETE FROM sim_users");
        var rows = new Rows();

        // The cohort: 100 sign up on window day 2. Day 1: the first 40; day 7: the first 20; day
        // 30: the first 10; day 31: the first 5. Each session opens the next scene of one journey;
        // the last 25 completed it on day 5.
        var cohort = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        var signup = From.AddDays(2);
        for (var i = 0; i < 100; i++)
        {
            var instance = rows.User(cohort[i], signup, signup, completedAt: i >= 75 ? signup.AddDays(5) : null);
            rows.Session(cohort[i], instance, signup.AddMinutes(i), 1);
            (int Day, int Upto)[] later = [(1, 40), (7, 20), (30, 10), (31, 5)];
            var order = 2;
            foreach (var (day, upto) in later.Where(l => i < l.Upto))
            {
                rows.Session(cohort[i], instance, signup.AddDays(day).AddHours(2), order++);
            }
        }

        // Three who completed it enrol in it again on day 10 (no sessions in it), and one who had
        // not completed it enrols again too: four re-enrolments (a journey enrolled in before).
        for (var i = 0; i < 3; i++)
        {
            rows.Instance(cohort[75 + i], From.AddDays(10), null);
        }

        rows.Instance(cohort[0], From.AddDays(10), null);

        // 100 regulars who signed up before the window: regular j has j % 4 + 1 sessions, on window days 10, 11, ...
        var regulars = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        for (var j = 0; j < 100; j++)
        {
            var instance = rows.User(regulars[j], From.AddDays(-20), From.AddDays(-20), null);
            for (var k = 0; k <= j % 4; k++)
            {
                rows.Session(regulars[j], instance, From.AddDays(10 + k).AddHours(12), 1 + k);
            }
        }

        await rows.WriteAsync(app);

        // One of each broken rule: a completed scene with no captures and a dwell past its limit;
        // a trigger after its journey completed (written in the signup session, days later); an
        // event before its journey started.
        await rows.CompletedSceneWithoutCapturesAsync(app, regulars[0], From.AddDays(10).AddHours(12));
        await rows.TriggerAfterCompletionAsync(app, cohort[99], signup.AddDays(6));
        await rows.EventBeforeStartAsync(app, cohort[98], signup.AddHours(-1));
        await rows.CapturesAsync(app, regulars[1], From.AddDays(10).AddHours(12), "I felt calm 3 times!", "i felt calm, 7 times", "Something else.");

        // Real users: plain, and tagged synthetic with a session id; none in sim_users.
        var real = await RealUserRows.InsertAsync(app, From.AddDays(12));
        var taggedReal = await RealUserRows.InsertAsync(app, From.AddDays(12), taggedSynthetic: true);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_scene_events (id, instance_id, user_id, event_type, event_payload, created_at)
            SELECT gen_random_uuid(), id, user_id, 'scene_opened', jsonb_build_object('synthetic', true, 'session_id', gen_random_uuid()), started_at
            FROM journey_instances WHERE user_id = ANY($1)
            """, new[] { real, taggedReal });
        await app.ExecuteAsync("SELECT synthetic_rebuild_rollups()");
        await app.ExecuteAsync("SELECT synthetic_realism_rebuild_all('-infinity')");

        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var facts = await store.ReadAsync(From, Now, await Settings(app), CancellationToken.None);
        var report = RealismFigures.Compute(facts);

        // Sessions: each written session once, the signup session of cohort 99 whole though its trigger came days later.
        Assert.Equal(rows.Sessions.Count, facts.Sessions.Count);
        Assert.DoesNotContain(facts.Sessions, s => s.User == real || s.User == taggedReal);
        Assert.Equal(2, facts.Sessions.Single(s => s.User == cohort[99]).Events);
        var events = rows.Sessions.Count + 1 + 1 + 1 + 3; // + the completed scene, the trigger, the early event, the captures' events
        AssertFigure(report, RealismFigures.EventsPerHour, events / (35 * 24.0), Verdicts.Fail, events);
        AssertFigure(report, RealismFigures.EventsPerSession, events / (double)rows.Sessions.Count, Verdicts.Fail, rows.Sessions.Count);
        // The cohort's profiles appear at signup (available_at); cohort i's first session i minutes
        // later: within 1 s, the first, and cohort 98, whose early event starts a session before it.
        AssertFigure(report, RealismFigures.FirstSessionWithin1s, 0.02, Verdicts.Pass, 100);

        // Every session opens a scene and stops in it, but the one whose scene was completed.
        AssertFigure(report, RealismFigures.AbandonRate, (rows.Sessions.Count - 1) / (double)rows.Sessions.Count, Verdicts.Fail, rows.Sessions.Count);

        // Retention of the cohort.
        AssertFigure(report, RealismFigures.D1, 0.40, Verdicts.Pass, 100);
        AssertFigure(report, RealismFigures.D7, 0.20, Verdicts.Pass, 100);
        AssertFigure(report, RealismFigures.D30, 0.10, Verdicts.Pass, 100);

        // Concentration over the last 28 days (window days 7-34): the oracle is the mean absolute difference.
        var late = rows.Sessions.Where(s => s.Start >= From.AddDays(7)).GroupBy(s => s.User).Select(g => (double)g.Count()).ToList();
        var gini = late.Sum(a => late.Sum(b => Math.Abs(a - b))) / (2.0 * late.Count * late.Sum());
        Assert.Equal(120, late.Count);
        AssertFigure(report, RealismFigures.Gini, gini, Verdicts.Fail, 120);
        AssertFigure(report, RealismFigures.Top10Share, 12 * 4 / late.Sum(), Verdicts.Fail, 120);
        AssertFigure(report, RealismFigures.SessionsOnActiveDay, 1, Verdicts.Pass, (long)late.Sum());

        // DAU/MAU over window days 27-34, each day's active users over the 28 days before it.
        var activeDays = rows.Sessions.GroupBy(s => s.User).ToDictionary(g => g.Key, g => g.Select(s => (int)Math.Floor((s.Start - From).TotalDays)).ToHashSet());
        var ratios = Enumerable.Range(27, 8).Select(d => activeDays.Count(u => u.Value.Contains(d)) / (double)activeDays.Count(u => u.Value.Any(x => x > d - 28 && x <= d))).ToList();
        Assert.Equal(ratios.Average(), report[RealismFigures.DauMau.Name].Value!.Value, 4);

        // Lapse and return: every regular's last day and 60 cohort users' only day begin a gap with no return; 10 return on day 32.
        AssertFigure(report, RealismFigures.ReturnAfterLapse, 10 / 200.0, Verdicts.Pass, 200);

        // Journeys: 100 enrolments at least 28 days old, 25 completed in 5 days; 4 of 104 re-enrolments; the funnel.
        AssertFigure(report, RealismFigures.JourneyCompletion, 0.25, Verdicts.Pass, 100);
        AssertFigure(report, RealismFigures.DaysToComplete, 5, Verdicts.Pass, 25);
        AssertFigure(report, RealismFigures.ReEnrolment, 4 / 104.0, Verdicts.Pass, 104);
        var drop12 = 1 - (65 / 100.0);
        var drop45 = 1 - (30 / 35.0);
        AssertFigure(report, RealismFigures.FunnelDrop, drop12 - drop45, Verdicts.Pass, 100);

        // The rules: one broken row each, found among the rows checked; the sampled captures, normalised.
        AssertFigure(report, RealismFigures.ContractViolations, 1, Verdicts.Fail, 1);
        AssertFigure(report, RealismFigures.TriggersOutsideJourney, 1, Verdicts.Fail, 1);
        AssertFigure(report, RealismFigures.RowsOutOfOrder, 1, Verdicts.Fail, events);
        AssertFigure(report, RealismFigures.DistinctCaptures, 2 * 10_000 / 3.0, Verdicts.NotEnoughData, 3);
        AssertFigure(report, RealismFigures.MaxSessionsInLocalDay, 1, Verdicts.Pass, 200);

        // The cohort chart: one weekly cohort of 100, 0.4 on day 1 (day 0 lacks the user whose session began an hour early).
        var curve = Assert.Single(report.Cohorts);
        Assert.Equal(100, curve.Users);
        Assert.Equal(0.99, curve.Retention[0]);
        Assert.Equal(0.4, curve.Retention[1]);
        Assert.Equal(0.1, curve.Retention[30]);
        Assert.Equal(200, report.SessionsPerUser.Sum(b => b.Users));

        // A second read says the same, and reading wrote nothing.
        var facts0 = await FactRowsAsync(app);
        var again = RealismFigures.Compute(await store.ReadAsync(From, Now, await Settings(app), CancellationToken.None));
        Assert.Equal(JsonSerializer.Serialize(report.Figures), JsonSerializer.Serialize(again.Figures));
        Assert.Equal(facts0, await FactRowsAsync(app));
    }

    [Fact]
    public async Task A_session_in_pieces_is_read_whole_with_its_signals_in_time_order()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("DELETE FROM synthetic_user_state");
        await app.ExecuteAsync("DELETE FROM sim_users");
        var rows = new Rows();
        var (early, late) = (Guid.NewGuid(), Guid.NewGuid());
        rows.Session(early, rows.User(early, From, From, null), From.AddDays(-1).AddMinutes(-5), 1);

        // A session from 14:50: two mindblock signals (intensity 8, then 5) and a resistance check of 6 after 15:00.
        var start = From.AddDays(3).AddHours(14).AddMinutes(50);
        rows.Session(late, rows.User(late, From, From, null), start, 2);
        await rows.WriteAsync(app);
        var session = rows.Sessions[1];
        var mindblock = Guid.NewGuid();
        await Rows.InsertEventAsync(app, session, EventTypes.MindblockSignal, start.AddMinutes(20), null, new { mindblock_id = mindblock, intensity = 8 });
        await Rows.InsertEventAsync(app, session, EventTypes.MindblockSignal, start.AddMinutes(25), null, new { mindblock_id = mindblock, intensity = 5 });
        await Rows.InsertEventAsync(app, session, EventTypes.ResistanceCheckCompleted, start.AddMinutes(26), null, new { resistance_level = 6 });
        await Rows.InsertEventAsync(app, rows.Sessions[0], EventTypes.ClientError, From.AddMinutes(1), null, new { });
        await app.ExecuteAsync("SELECT synthetic_realism_rebuild_all('-infinity')");

        // The late session in two pieces, as a live session spanning two ticks has them: the second carries the session's start.
        await app.ExecuteAsync(
            """
            INSERT INTO synthetic_realism_pieces
            SELECT session_id, user_id, instance_id, started_at, 3, false, 0, 0, 2, 0, 6, 1, 13, 2 FROM synthetic_realism_pieces WHERE session_id = $1
            """, session.Session);
        await app.ExecuteAsync(
            "UPDATE synthetic_realism_pieces SET events = 1, mindblock_signals = 0, resistance_sum = 0, resistance_count = 0, intensity_sum = 0, intensity_count = 0 WHERE session_id = $1 AND events = 4",
            session.Session);
        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();

        var facts = await store.ReadAsync(From, Now, await Settings(app), CancellationToken.None);

        var across = Assert.Single(facts.Sessions);
        Assert.Equal((late, start, 4, 2, 13.0, 2, 6.0, 1), (across.User, across.Start, across.Events, across.MindblockSignals, across.IntensitySum, across.IntensityCount, across.ResistanceSum, across.ResistanceCount));
        Assert.Equal([(mindblock, 8), (mindblock, 5)], across.Mindblocks!);
        Assert.Equal((session.Instance, 2), (across.Instance!.Value, across.LastSceneOrder));
        Assert.Equal(2, await app.CountAsync("SELECT count(*) FROM synthetic_realism_pieces WHERE session_id = $1", session.Session));

        // The session begun before the window is left out whole, though one of its events is in the window.
        Assert.DoesNotContain(facts.Sessions, s => s.User == early);
    }

    [Fact]
    public async Task The_writers_keep_the_facts_the_tables_give()
    {
        // A cap that holds the people the volume needs (about 16,000 at 2 a minute): at 2,000, volume
        // gives way to a session every few minutes, and whether one spans the live ticks is luck.
        var now = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 2, max_per_run = 5, mindblock_chance = 0.5 WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 2)).Job);
        Assert.Equal(SyntheticsFunctions.Storage.BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);

        // Then live ticks, a minute apart: the sessions the backfill handed over and new ones run over several ticks.
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        for (var tick = 0; tick < 20; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        Assert.True(await app.CountAsync("SELECT count(*) FROM (SELECT session_id FROM synthetic_realism_pieces GROUP BY 1 HAVING count(*) > 1) x") > 0);

        // The sessions still in progress keep their user's persona, which their plan depends on.
        Assert.True(await app.CountAsync("SELECT count(*) FROM synthetic_sessions") > 0);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions s JOIN synthetic_user_state us USING (profile_id) WHERE s.persona IS DISTINCT FROM us.persona"));
        await app.ExecuteAsync(
            """
            CREATE TABLE kept_sessions AS
            SELECT session_id, min(user_id::text) AS user_id, min(instance_id::text) AS instance_id, min(started_at) AS started_at, max(started_at) AS latest_start,
                   sum(events) AS events, bool_or(errored) AS errored, sum(scenes_opened) AS scenes_opened, sum(scenes_completed) AS scenes_completed,
                   sum(mindblock_signals) AS mindblock_signals, max(last_scene_order) AS last_scene_order, sum(resistance_sum) AS resistance_sum,
                   sum(resistance_count) AS resistance_count, sum(intensity_sum) AS intensity_sum, sum(intensity_count) AS intensity_count
            FROM synthetic_realism_pieces GROUP BY session_id;
            CREATE TABLE kept_signals AS SELECT * FROM synthetic_realism_signals;
            CREATE TABLE kept_checks AS
            SELECT sum(triggers) AS triggers, sum(triggers_outside) AS outside, sum(scenes_checked) AS scenes, sum(contract_violations) AS violations,
                   sum(rows_checked) AS rows, sum(rows_out_of_order) AS disorder, sum(cardinality(capture_texts)) AS texts
            FROM synthetic_realism_checks;
            """);

        await app.ExecuteAsync("SELECT synthetic_realism_rebuild_all('-infinity')");

        const string Rebuilt =
            """
            SELECT session_id, user_id::text, instance_id::text, started_at, started_at, events::numeric, errored, scenes_opened::numeric, scenes_completed::numeric,
                   mindblock_signals::numeric, last_scene_order, resistance_sum::numeric, resistance_count::numeric, intensity_sum::numeric, intensity_count::numeric
            FROM synthetic_realism_pieces
            """;
        Assert.True(await app.CountAsync("SELECT count(*) FROM kept_sessions") > 100);
        Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM ((SELECT * FROM kept_sessions EXCEPT {Rebuilt}) UNION ALL ({Rebuilt} EXCEPT SELECT * FROM kept_sessions)) d"));
        Assert.True(await app.CountAsync("SELECT count(*) FROM kept_signals") > 10);
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM ((SELECT * FROM kept_signals EXCEPT SELECT * FROM synthetic_realism_signals) UNION ALL (SELECT * FROM synthetic_realism_signals EXCEPT SELECT * FROM kept_signals)) d"));
        Assert.Equal(0, await app.CountAsync(
            """
            SELECT count(*) FROM kept_checks k,
                (SELECT sum(triggers) AS triggers, sum(triggers_outside) AS outside, sum(scenes_checked) AS scenes, sum(contract_violations) AS violations,
                        sum(rows_checked) AS rows, sum(rows_out_of_order) AS disorder FROM synthetic_realism_checks) r
            WHERE (k.triggers, k.outside, k.scenes, k.violations, k.rows, k.disorder) IS DISTINCT FROM (r.triggers, r.outside, r.scenes, r.violations, r.rows, r.disorder)
               OR k.rows <> (SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true')
               OR k.texts <> (SELECT count(*) FROM journey_scene_captures WHERE metadata->>'synthetic' = 'true')
            """));
    }

    [Fact]
    public async Task A_session_the_backfills_last_chunk_finishes_keeps_its_own_start()
    {
        // The window ends 20 seconds after a chunk boundary (chunks end on whole hours, 6 hours apart
        // from the start's hour): sessions begun in the chunk before run past the end, and the last
        // chunk writes their rows after it (at 4 a minute, a few sessions span those 20 seconds).
        var now = new DateTimeOffset(2026, 11, 2, 9, 0, 20, TimeSpan.Zero);
        // A pool cap that holds the people 4 a minute needs: at a smaller cap volume gives way, and which minutes keep their sessions is chance.
        var cap = (PopulationModel.PeopleNeeded(4) + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = cap }, now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 4, max_per_run = 10 WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 5)).Job);
        app.Time.Advance(TimeSpan.FromMinutes(5)); // the backfill runs on: its last chunk catches up to the present
        // As the backfill timer does, a pass the database cut short (a slow chunk on a loaded machine) is resumed by the next.
        var pass = await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        for (var resumed = 0; resumed < 3 && pass.State == SyntheticsFunctions.Storage.BackfillJob.Running; resumed++)
        {
            pass = await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        }

        Assert.Equal(SyntheticsFunctions.Storage.BackfillJob.Succeeded, pass.State);

        // Sessions in two pieces (one per chunk), each piece carrying the session's start: its first event.
        Assert.True(await app.CountAsync("SELECT count(*) FROM (SELECT session_id FROM synthetic_realism_pieces GROUP BY 1 HAVING count(*) > 1) x") > 0);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM (SELECT session_id FROM synthetic_realism_pieces GROUP BY 1 HAVING count(DISTINCT started_at) > 1) x"));
        Assert.Equal(0, await app.CountAsync(
            """
            SELECT count(*) FROM (SELECT session_id, min(started_at) AS started_at FROM synthetic_realism_pieces GROUP BY 1) p
            JOIN (SELECT event_payload->>'session_id' AS session_id, min(created_at) AS first_at FROM journey_scene_events
                  WHERE event_payload->>'synthetic' = 'true' GROUP BY 1) e ON e.session_id = p.session_id::text
            WHERE e.first_at <> p.started_at
            """));
    }

    [Fact]
    public async Task A_written_pieces_last_event_the_recorded_history_start_and_the_journeys_creation_are_read_back()
    {
        // A fresh install (its catalog dated a day back: the seeder dates it now, and a run's first
        // sessions begin in the minute before), a manual run, then live ticks a minute apart:
        // sessions run over several ticks, a piece per tick, each with its last event's time.
        // A cap that holds the people the default volume needs: at a smaller one, volume gives way.
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now: Now);
        var catalogCreated = Now.AddDays(-1);
        await app.ExecuteAsync("UPDATE journeys SET created_at = $1", catalogCreated.UtcDateTime);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        await app.RunAsync(RunTrigger.Manual, 30);
        for (var tick = 0; tick < 10; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        // Every piece the writers kept has its last event, and a session's latest is its last event in the tables.
        Assert.True(await app.CountAsync("SELECT count(*) FROM (SELECT session_id FROM synthetic_realism_pieces GROUP BY 1 HAVING count(*) > 1) x") > 0);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_realism_pieces WHERE last_event_at IS NULL"));
        Assert.Equal(0, await app.CountAsync(
            """
            SELECT count(*) FROM (SELECT session_id, max(last_event_at) AS last_at FROM synthetic_realism_pieces GROUP BY 1) p
            FULL JOIN (SELECT (event_payload->>'session_id')::uuid AS session_id, max(created_at) AS last_at FROM journey_scene_events
                       WHERE event_payload->>'synthetic' = 'true' GROUP BY 1) e ON e.session_id = p.session_id
            WHERE p.last_at IS DISTINCT FROM e.last_at
            """));

        // Pieces written before the column (null) leave a session's end to the others: one session
        // loses its latest piece's, another every piece's.
        var partly = await SessionIdAsync(app, "count(*) > 1");
        var unknown = await SessionIdAsync(app, $"session_id <> '{partly}'");
        var earlierPiece = await TimestampAsync(app, "SELECT last_event_at FROM synthetic_realism_pieces WHERE session_id = $1 ORDER BY last_event_at DESC OFFSET 1 LIMIT 1", partly);
        await app.ExecuteAsync(
            """
            UPDATE synthetic_realism_pieces SET last_event_at = NULL
            WHERE (session_id = $1 AND last_event_at = (SELECT max(last_event_at) FROM synthetic_realism_pieces WHERE session_id = $1)) OR session_id = $2
            """, partly, unknown);
        var ends = await EndsAsync(app);
        Assert.Null(ends[unknown].End);
        Assert.Equal(earlierPiece, ends[partly].End);
        Assert.True(earlierPiece < await TimestampAsync(app, "SELECT max(created_at) FROM journey_scene_events WHERE event_payload->>'session_id' = $1::text", partly));

        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var facts = await store.ReadAsync(Now.AddDays(-1), app.Time.GetUtcNow().AddMinutes(1), await Settings(app), CancellationToken.None);

        Assert.Equal(ends.Count, facts.Sessions.Count);
        Assert.Equal(
            ends.Values.Select(e => (e.User, e.Start, e.End)).Order(),
            facts.Sessions.Select(s => (s.User, s.Start, s.End)).Order());

        // Each enrolment carries its journey's created_at: the catalog's, before every enrolment.
        Assert.NotEmpty(facts.Enrolments!);
        Assert.All(facts.Enrolments!, e => Assert.Equal(catalogCreated, e.JourneyCreatedAt));
        var report = RealismFigures.Compute(facts);
        AssertFigure(report, RealismFigures.EnrolmentsBeforeJourneyCreated, 0, Verdicts.Pass, facts.Enrolments!.Count);

        // A journey dated after its enrolments: each of them counts.
        var late = facts.Enrolments![0].Journey;
        await app.ExecuteAsync("UPDATE journeys SET created_at = $1 WHERE id = $2", app.Time.GetUtcNow().AddDays(1).UtcDateTime, late);
        var after = RealismFigures.Compute(await store.ReadAsync(Now.AddDays(-1), app.Time.GetUtcNow().AddMinutes(1), await Settings(app), CancellationToken.None));
        AssertFigure(after, RealismFigures.EnrolmentsBeforeJourneyCreated, facts.Enrolments.Count(e => e.Journey == late), Verdicts.Fail, facts.Enrolments.Count);

        // The history start: the first cron run recorded its window's start (the manual run before it records none) ...
        Assert.Equal(Now, await store.HistoryStartAsync(CancellationToken.None));

        // ... and with nothing recorded (history_start null, as a release before the recording left it), the earliest piece's start.
        var earliest = ends.Values.Min(e => e.Start);
        await app.ExecuteAsync("UPDATE synthetic_installation SET history_start = NULL");
        Assert.Equal(earliest, await store.HistoryStartAsync(CancellationToken.None));

        // Recorded: read back as recorded, and the check's window begins there when it is later than the window asked for.
        var recorded = Now.AddDays(-3).AddMinutes(17).AddTicks(10); // a microsecond, as Postgres keeps it
        await app.ExecuteAsync("UPDATE synthetic_installation SET history_start = $1", recorded.UtcDateTime);
        Assert.Equal(recorded, await store.HistoryStartAsync(CancellationToken.None));
        var realism = app.Provider.GetRequiredService<SyntheticsFunctions.Service.IRealismService>();
        Assert.Equal(recorded, (await realism.CheckAsync(28, CancellationToken.None)).Report!.From);
        await app.ExecuteAsync("UPDATE synthetic_installation SET history_start = $1", Now.AddDays(-40).UtcDateTime);
        Assert.Equal(app.Time.GetUtcNow().AddDays(-28), (await realism.CheckAsync(28, CancellationToken.None)).Report!.From);

        // No row at all (a database the seeder has not reached): the earliest piece's start again.
        await app.ExecuteAsync("DELETE FROM synthetic_installation");
        Assert.Equal(earliest, await store.HistoryStartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_apps_journeys_without_created_at_give_enrolments_no_journey_creation()
    {
        // The schema contract does not require journeys.created_at of an app's own catalog.
        var database = await postgres.Server.CreateDatabaseAsync();
        var journey = Guid.NewGuid();
        var pooled = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await Db.ExecuteAsync(database,
            $"""
            CREATE TABLE profiles (id uuid PRIMARY KEY, display_name text NOT NULL);
            INSERT INTO profiles VALUES ('{pooled[0]}', 'Test one'), ('{pooled[1]}', 'Test two');
            CREATE TABLE journeys (id uuid PRIMARY KEY, slug text NOT NULL, title text NOT NULL, clinical_focus text NOT NULL);
            INSERT INTO journeys VALUES ('{journey}', 'app-journey', 'The app''s journey', 'stress');
            CREATE TABLE journey_scenes (id uuid PRIMARY KEY, journey_id uuid NOT NULL REFERENCES journeys, scene_order int NOT NULL, title text NOT NULL);
            INSERT INTO journey_scenes SELECT gen_random_uuid(), '{journey}', n, 'Scene ' || n FROM generate_series(1, 5) n;
            """);
        await using var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:PoolProfileIds"] = $"{pooled[0]}, {pooled[1]}" }, Now);
        Assert.Equal(2, (await app.RunAsync(RunTrigger.Manual, 5)).Result!.SessionsStarted);

        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var facts = await store.ReadAsync(Now.AddDays(-1), Now.AddMinutes(1), await Settings(app), CancellationToken.None);

        // Enrolments in the window: the run's new ones (a member mid-story at the first start continues theirs).
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_instances WHERE started_at >= $1", Now.AddDays(-1).UtcDateTime), facts.Enrolments!.Count);
        Assert.NotEmpty(facts.Enrolments);
        Assert.All(facts.Enrolments, e => Assert.Null(e.JourneyCreatedAt));
        var figure = RealismFigures.Compute(facts)[RealismFigures.EnrolmentsBeforeJourneyCreated.Name];
        Assert.Equal((Verdicts.NotEnoughData, 0L), (figure.Verdict, figure.N));
    }

    [Fact]
    public async Task The_equal_gap_share_reads_the_steps_of_the_windows_latest_scenes_of_sim_users()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        var rows = new Rows();
        var user = Guid.NewGuid();
        var instance = rows.User(user, From, From, completedAt: null);
        rows.Session(user, instance, From.AddDays(1), 1);
        await rows.WriteAsync(app);

        // 5,010 scenes opened a minute apart, k = 0 the oldest: the 10 oldest (outside the sample of
        // the latest 5,000) and every k % 100 == 50 evenly spaced (opened, capture at 10 s, check at
        // 20 s); every k % 100 == 99 only opened (left out); the rest at 0, 7 and 19 s, completed at
        // 31 s (not a step: were it one, its gap would equal the last). The newest scene of all is a
        // real user's, evenly spaced: not read, and not in the sample.
        var opened = From.AddDays(2);
        var events = new List<(Guid User, Guid Scene, string Type, DateTimeOffset At)>();
        for (var k = 0; k < 5_010; k++)
        {
            var scene = Guid.NewGuid();
            var at = opened.AddMinutes(k);
            double[] steps = k < 10 || k % 100 == 50 ? [0, 10, 20] : k % 100 == 99 ? [0] : [0, 7, 19];
            string[] types = [EventTypes.SceneOpened, EventTypes.CaptureSubmitted, EventTypes.ResistanceCheckCompleted];
            events.AddRange(steps.Select((x, i) => (user, scene, types[i], at.AddSeconds(x))));
            if (steps.Length == 3 && steps[1] == 7)
            {
                events.Add((user, scene, EventTypes.SceneCompleted, at.AddSeconds(31)));
            }
        }

        var real = Guid.NewGuid();
        var realScene = Guid.NewGuid();
        events.AddRange(new[] { 0.0, 10, 20 }.Select((x, i) => (real, realScene, i == 0 ? EventTypes.SceneOpened : EventTypes.CaptureSubmitted, opened.AddMinutes(5_010).AddSeconds(x))));
        await app.ExecuteAsync("INSERT INTO profiles (id, display_name, created_at) VALUES ($1, 'Real', $2)", real, From.UtcDateTime);
        var scenes = events.Where(e => e.Type == EventTypes.SceneOpened).ToList();
        await app.ExecuteAsync(
            """
            INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, created_at, metadata)
            SELECT s, $4, u, $5, 'in_progress', a, a, '{"synthetic": true}' FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS x(u, s, a)
            """,
            scenes.Select(e => e.User).ToArray(), scenes.Select(e => e.Scene).ToArray(), scenes.Select(e => e.At.UtcDateTime).ToArray(), instance, Journey.Scenes[0].Id);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_scene_events (id, instance_id, instance_scene_id, user_id, scene_id, event_type, event_payload, created_at)
            SELECT gen_random_uuid(), $5, s, u, $6, t, '{"synthetic": true}', a FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[]) AS x(u, s, t, a)
            """,
            events.Select(e => e.User).ToArray(), events.Select(e => e.Scene).ToArray(), events.Select(e => e.Type).ToArray(), events.Select(e => e.At.UtcDateTime).ToArray(),
            instance, Journey.Scenes[0].Id);

        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var facts = await store.ReadAsync(From, Now, await Settings(app), CancellationToken.None);

        Assert.Equal(4_950, facts.SceneSteps!.Count);
        Assert.All(facts.SceneSteps, steps => Assert.Equal(steps.Order(), steps));
        AssertFigure(RealismFigures.Compute(facts), RealismFigures.EqualGapShare, 50 / 4_950.0, Verdicts.Pass, 4_950);
    }

    // The first session (in id order) whose pieces satisfy the condition.
    [Fact]
    public async Task The_outcome_facts_are_aggregated_in_the_database_per_user_and_per_persona_and_choice()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("DELETE FROM synthetic_user_state");
        await app.ExecuteAsync("DELETE FROM sim_users");
        var rows = new Rows();

        // a and b sign up in the window; c before it, and the engine keeps no state of c (its pool entry's persona counts).
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var signup = From.AddDays(1);
        var instances = new[] { rows.User(a, signup, signup, null), rows.User(b, signup, signup, null), rows.User(c, From.AddDays(-20), From.AddDays(-20), null) };
        await rows.WriteAsync(app);
        await app.ExecuteAsync("UPDATE synthetic_user_state SET persona = 'anxious_achiever' WHERE profile_id = $1", b);
        await app.ExecuteAsync("DELETE FROM synthetic_user_state WHERE profile_id = $1", c);
        await app.ExecuteAsync("UPDATE synthetic_pool SET persona = 'night_owl' WHERE profile_id = $1", c);

        // a: 8 checks (8 7 7 6 5 5 4 3), urge_surfing; b: 9 (5 5 5 6 6 6 7 7 7), none; c: 3 in the
        // window and one before it, breathing_exercise. Signals: a noticed twice, b triggered three times.
        (Guid User, int[] Levels, string Strategy)[] checks =
            [(a, [8, 7, 7, 6, 5, 5, 4, 3], "urge_surfing"), (b, [5, 5, 5, 6, 6, 6, 7, 7, 7], "none"), (c, [9, 2, 2, 2], "breathing_exercise")];
        for (var u = 0; u < checks.Length; u++)
        {
            var (user, levels, strategy) = checks[u];
            var first = user == c ? From.AddHours(-1) : signup.AddDays(1);
            var times = levels.Select((_, k) => (k == 0 ? first : signup.AddDays(1)).AddHours(k).UtcDateTime).ToArray();
            await app.ExecuteAsync(
                """
                WITH s AS (
                    INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, created_at, metadata)
                    VALUES (gen_random_uuid(), $1, $2, $3, 'in_progress', $4, $4, '{"synthetic": true}') RETURNING id)
                INSERT INTO journey_resistance_checks (id, instance_id, instance_scene_id, user_id, scene_id, resistance_level, strategy, created_at, metadata)
                SELECT gen_random_uuid(), $1, s.id, $2, $3, x.level, $5, x.at, '{"synthetic": true}' FROM s, unnest($6::int[], $7::timestamptz[]) AS x(level, at)
                """, instances[u], user, Journey.Scenes[0].Id, From.AddDays(-20).UtcDateTime, strategy, levels, times);
        }

        foreach (var (user, count, signal) in new[] { (a, 2, "noticed"), (b, 3, "triggered") })
        {
            await app.ExecuteAsync(
                """
                INSERT INTO mindblock_events (id, user_id, mindblock_id, signal, intensity, created_at, metadata)
                SELECT gen_random_uuid(), $1, (SELECT id FROM mindblocks ORDER BY id LIMIT 1), $2, 5, $3 + k * interval '1 hour', '{"synthetic": true}' FROM generate_series(1, $4) k
                """, user, signal, signup.AddDays(2).UtcDateTime, count);
        }

        // A real user's check, tagged synthetic: never read.
        var real = await RealUserRows.InsertAsync(app, From.AddDays(12));
        await app.ExecuteAsync(
            """
            INSERT INTO journey_resistance_checks (id, instance_id, instance_scene_id, user_id, scene_id, resistance_level, strategy, created_at, metadata)
            SELECT gen_random_uuid(), i.id, s.id, i.user_id, s.scene_id, 9, 'none', i.started_at, '{"synthetic": true}'
            FROM journey_instances i JOIN journey_instance_scenes s ON s.instance_id = i.id WHERE i.user_id = $1 LIMIT 1
            """, real);

        await app.ExecuteAsync("SELECT synthetic_realism_rebuild_all('-infinity')");
        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var outcomes = (await store.ReadAsync(From, Now, await Settings(app), CancellationToken.None)).Outcomes!;

        // Only those who signed up in the window: the count, the first level, the means of the first and last three.
        Assert.Equal(
            [(a, "steady_habit_builder", signup, 8, 8, Math.Round(22 / 3.0, 9), 4.0), (b, "anxious_achiever", signup, 9, 5, 5.0, 7.0)],
            outcomes.CheckedUsers.OrderBy(u => u.Checks).Select(u => (u.User, u.Persona, u.SignupAt, u.Checks, u.FirstLevel, Math.Round(u.FirstMean, 9), u.LastMean)).ToList());
        Assert.Equal(
            [new PersonaChoice("anxious_achiever", "none", 9), new PersonaChoice("night_owl", "breathing_exercise", 3), new PersonaChoice("steady_habit_builder", "urge_surfing", 8)],
            outcomes.Strategies.OrderBy(s => s.Persona).ToList());
        Assert.Equal([new PersonaChoice("anxious_achiever", "triggered", 3), new PersonaChoice("steady_habit_builder", "noticed", 2)], outcomes.Signals.OrderBy(s => s.Persona).ToList());
    }

    private static async Task<Guid> SessionIdAsync(TestApp app, string having)
    {
        await using var command = app.DataSource.CreateCommand($"SELECT session_id FROM synthetic_realism_pieces GROUP BY 1 HAVING {having} ORDER BY 1 LIMIT 1");
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<DateTimeOffset> TimestampAsync(TestApp app, string sql, Guid session)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = session });
        return new DateTimeOffset((DateTime)(await command.ExecuteScalarAsync())!);
    }

    // Each session's user, start and end (the latest of its pieces' last events) as the table holds them.
    private static async Task<Dictionary<Guid, (Guid User, DateTimeOffset Start, DateTimeOffset? End)>> EndsAsync(TestApp app)
    {
        await using var command = app.DataSource.CreateCommand(
            "SELECT session_id, min(user_id::text)::uuid, min(started_at), max(last_event_at) FROM synthetic_realism_pieces GROUP BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var ends = new Dictionary<Guid, (Guid, DateTimeOffset, DateTimeOffset?)>();
        while (await reader.ReadAsync())
        {
            ends[reader.GetGuid(0)] = (reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
        }

        return ends;
    }

    private static async Task<(long Pieces, long Signals, long Checks)> FactRowsAsync(TestApp app) =>
        (await app.CountAsync("SELECT count(*) FROM synthetic_realism_pieces"), await app.CountAsync("SELECT count(*) FROM synthetic_realism_signals"),
         await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks"));

    private static Task<EngineSettings> Settings(TestApp app) => app.Provider.GetRequiredService<SyntheticsFunctions.Storage.SettingsStore>().ReadAsync(CancellationToken.None);

    private static void AssertFigure(RealismReport report, FigureDefinition definition, double value, string verdict, long n)
    {
        var figure = report[definition.Name];
        Assert.True(figure.Value is { } v && Math.Abs(v - value) < 1e-4, $"{definition.Name}: {figure.Value} where {value} was expected");
        Assert.True(figure.Verdict == verdict, $"{definition.Name}: {figure.Verdict} where {verdict} was expected ({figure.Note})");
        Assert.Equal(n, figure.N);
    }

    /// <summary>Hand-built sim users, instances and sessions (one scene_opened event each), written with one insert per table.</summary>
    private sealed class Rows
    {
        private readonly List<(Guid User, DateTimeOffset Signup)> _users = [];
        private readonly List<(Guid Id, Guid User, DateTimeOffset Started, DateTimeOffset? Completed)> _instances = [];

        public List<(Guid User, Guid Instance, Guid Session, DateTimeOffset Start, int Order)> Sessions { get; } = [];

        public Guid User(Guid user, DateTimeOffset signup, DateTimeOffset instanceStarted, DateTimeOffset? completedAt)
        {
            _users.Add((user, signup));
            return Instance(user, instanceStarted, completedAt);
        }

        public Guid Instance(Guid user, DateTimeOffset started, DateTimeOffset? completed)
        {
            var id = Guid.NewGuid();
            _instances.Add((id, user, started, completed));
            return id;
        }

        public void Session(Guid user, Guid instance, DateTimeOffset start, int order) => Sessions.Add((user, instance, Guid.NewGuid(), start, order));

        public async Task WriteAsync(TestApp app)
        {
            await app.ExecuteAsync(
                """
                INSERT INTO profiles (id, display_name, created_at, metadata) SELECT u, 'Sim', s, '{"synthetic": true}' FROM unnest($1::uuid[], $2::timestamptz[]) AS x(u, s)
                """, _users.Select(u => u.User).ToArray(), _users.Select(u => u.Signup.UtcDateTime).ToArray());
            await app.ExecuteAsync(
                """
                INSERT INTO sim_users (profile_id, persona, timezone, created_at) SELECT u, 'steady_habit_builder', 'UTC', s FROM unnest($1::uuid[], $2::timestamptz[]) AS x(u, s)
                """, _users.Select(u => u.User).ToArray(), _users.Select(u => u.Signup.UtcDateTime).ToArray());
            // The engine's own record of each member, as its runs keep it.
            await app.ExecuteAsync(
                """
                INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at) SELECT u, 'steady_habit_builder', 'UTC', s, s FROM unnest($1::uuid[], $2::timestamptz[]) AS x(u, s)
                """, _users.Select(u => u.User).ToArray(), _users.Select(u => u.Signup.UtcDateTime).ToArray());
            await app.ExecuteAsync(
                """
                INSERT INTO synthetic_user_state (profile_id, signup_at, persona, engagement, chronotype_shift_hours, lifecycle, sessions_that_day, sessions)
                SELECT u, s, 'steady_habit_builder', 1, 0, 'active', 0, 0 FROM unnest($1::uuid[], $2::timestamptz[]) AS x(u, s);
                """, _users.Select(u => u.User).ToArray(), _users.Select(u => u.Signup.UtcDateTime).ToArray());
            await app.ExecuteAsync(
                """
                INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, completed_at, created_at, metadata)
                SELECT i, u, $5, CASE WHEN c IS NULL THEN 'active' ELSE 'completed' END, 1, s, coalesce(c, s), c, s, '{"synthetic": true}'
                FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS x(i, u, s, c)
                """,
                _instances.Select(i => i.Id).ToArray(), _instances.Select(i => i.User).ToArray(), _instances.Select(i => i.Started.UtcDateTime).ToArray(),
                _instances.Select(i => (DateTime?)i.Completed?.UtcDateTime).ToArray(), Journey.Id);
            await app.ExecuteAsync(
                """
                INSERT INTO journey_scene_events (id, instance_id, user_id, scene_id, event_type, event_payload, created_at)
                SELECT gen_random_uuid(), i, u, sc, 'scene_opened', jsonb_build_object('synthetic', true, 'session_id', s), t
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::uuid[]) AS x(u, i, s, t, sc)
                """,
                Sessions.Select(s => s.User).ToArray(), Sessions.Select(s => s.Instance).ToArray(), Sessions.Select(s => s.Session).ToArray(),
                Sessions.Select(s => s.Start.UtcDateTime).ToArray(), Sessions.Select(s => Journey.Scenes[s.Order - 1].Id).ToArray());
        }

        public async Task CompletedSceneWithoutCapturesAsync(TestApp app, Guid user, DateTimeOffset opened)
        {
            var session = Sessions.First(s => s.User == user);
            var sceneRow = Guid.NewGuid();
            await app.ExecuteAsync(
                """
                INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, completed_at, created_at, metadata)
                VALUES ($1, $2, $3, $4, 'completed', $5, $6, $5, '{"synthetic": true}')
                """, sceneRow, session.Instance, user, Journey.Scenes[0].Id, opened.UtcDateTime, opened.AddSeconds(200).UtcDateTime);
            await InsertEventAsync(app, session, "scene_completed", opened.AddSeconds(200), sceneRow, new { });
        }

        public async Task TriggerAfterCompletionAsync(TestApp app, Guid user, DateTimeOffset at)
        {
            var session = Sessions.First(s => s.User == user);
            var trigger = Guid.NewGuid();
            await app.ExecuteAsync(
                """
                INSERT INTO journey_real_world_triggers (id, instance_id, user_id, trigger_type, description, created_at, metadata)
                VALUES ($1, $2, $3, 'work_stress', 'Deadline', $4, '{"synthetic": true}')
                """, trigger, session.Instance, user, at.UtcDateTime);
            await InsertEventAsync(app, session, "real_world_trigger", at, null, new { trigger_id = trigger });
        }

        public Task EventBeforeStartAsync(TestApp app, Guid user, DateTimeOffset at) =>
            InsertEventAsync(app, Sessions.First(s => s.User == user), "client_error", at, null, new { });

        public async Task CapturesAsync(TestApp app, Guid user, DateTimeOffset at, params string[] texts)
        {
            var session = Sessions.First(s => s.User == user);
            var sceneRow = Guid.NewGuid();
            await app.ExecuteAsync(
                """
                INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, created_at, metadata)
                VALUES ($1, $2, $3, $4, 'in_progress', $5, $5, '{"synthetic": true}')
                """, sceneRow, session.Instance, user, Journey.Scenes[0].Id, at.UtcDateTime);
            for (var i = 0; i < texts.Length; i++)
            {
                var capture = Guid.NewGuid();
                await app.ExecuteAsync(
                    """
                    INSERT INTO journey_scene_captures (id, instance_id, instance_scene_id, user_id, scene_id, prompt, response, created_at, metadata)
                    VALUES ($1, $2, $3, $4, $5, 'Prompt', $6, $7, '{"synthetic": true}')
                    """, capture, session.Instance, sceneRow, user, Journey.Scenes[0].Id, texts[i], at.AddSeconds(i + 1).UtcDateTime);
                await InsertEventAsync(app, session, "capture_submitted", at.AddSeconds(i + 1), sceneRow, new { capture_id = capture });
            }
        }

        public static Task InsertEventAsync(TestApp app, (Guid User, Guid Instance, Guid Session, DateTimeOffset Start, int Order) session, string type, DateTimeOffset at, Guid? sceneRow, object details)
        {
            var payload = JsonSerializer.SerializeToElement(details).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
            payload["synthetic"] = true;
            payload["session_id"] = session.Session;
            return app.ExecuteAsync(
                """
                INSERT INTO journey_scene_events (id, instance_id, instance_scene_id, user_id, scene_id, event_type, event_payload, created_at)
                VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::jsonb, $7)
                """,
                session.Instance, sceneRow is { } id ? id : DBNull.Value, session.User, sceneRow is null ? DBNull.Value : Journey.Scenes[0].Id, type,
                JsonSerializer.Serialize(payload), at.UtcDateTime);
        }
    }
}
