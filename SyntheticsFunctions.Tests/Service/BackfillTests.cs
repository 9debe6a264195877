using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Service;

/// <summary>
/// The backfill against a real Postgres, at the light preset over two days: history spread over
/// the window through the bulk path, the hand-over to the live engine with no gap or overlap,
/// the same rows from the same seed in one job or with a crash in between, cancel and refusals.
/// </summary>
[LongRunning(470)]
public class BackfillTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // Ticks below the microsecond on purpose: the hand-over must not depend on them.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 30, 14, 37, 12, TimeSpan.Zero).AddTicks(3_456_789);

    private static readonly DateTimeOffset Present = Microseconds.Truncate(Now);

    private static readonly TimeSpan NoBudgetLimit = TimeSpan.FromHours(1);

    [Fact]
    public async Task Two_days_are_written_hour_by_hour_and_the_next_cron_tick_continues_where_the_backfill_ended()
    {
        await using var app = await LightPausedAppAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        var start = await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 7);
        var pass = await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None);
        var job = (await app.Backfill.GetAsync(start.Job!.Job.Id, CancellationToken.None))!;

        Assert.Equal(BackfillJob.Succeeded, pass.State);
        Assert.Equal(BackfillJob.Succeeded, job.Job.State);
        Assert.Equal(100, job.Percent);
        Assert.Equal(Present, job.Job.Cursor);
        Assert.Equal(Present, job.Job.WindowEnd);
        Assert.Equal(Present.AddDays(-2), job.Job.WindowStart);
        Assert.Equal(9, job.Job.Chunks); // 14:37 two days ago to 20:00, then 6-hour chunks to 12:00 today, then to 14:37
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at > $1 OR created_at <= $2", Present.UtcDateTime, Present.AddDays(-2).UtcDateTime));
        Assert.InRange(await app.CountAsync("SELECT count(DISTINCT date_trunc('hour', created_at)) FROM journey_scene_events"), 47, 49);

        // The job's counts are the distinct rows it left in each table: upserted rows (journeys
        // continued, statuses changed) once each, however many chunks wrote them.
        foreach (var table in Tables.Activity)
        {
            Assert.Equal(job.Job.Rows[table], await app.CountAsync($"SELECT count(*) FROM {table}"));
        }


        // One journal row per simulated hour, whose sessions are the sessions in the rows, and the cron row at the present.
        Assert.Equal(49, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE trigger = 'backfill'"));
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT event_payload->>'session_id') FROM journey_scene_events"),
            await app.CountAsync("SELECT sum(sessions_started) FROM synthetic_runs WHERE trigger = 'backfill'"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE trigger = 'cron' AND window_end = $1", Present.UtcDateTime));
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM journey_scene_events e WHERE NOT (e.event_payload ? 'synthetic' AND e.event_payload ? 'session_id') OR (e.event_payload->>'run_id')::uuid NOT IN (SELECT id FROM synthetic_runs)"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions WHERE written_until <> $1 OR ends_at <= $1", Present.UtcDateTime));
        await AssertRollupsMatchTablesAsync(app);

        // The live engine takes over: its first window starts at the backfill's end, it continues
        // the sessions in progress (a row written twice would violate a key and fail the run).
        var inProgress = await app.CountAsync("SELECT count(*) FROM synthetic_sessions");
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var tick = await app.RunAsync(RunTrigger.Cron);

        Assert.Equal(RunStatus.Succeeded, tick.Status);
        Assert.Equal(inProgress, tick.Result!.SessionsContinued);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE id = $1 AND window_start = $2", tick.RunId, Present.UtcDateTime));
        await AssertRollupsMatchTablesAsync(app);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_rows_in_one_job_or_with_a_rolled_back_chunk_and_a_lost_commit_in_between()
    {
        var direct = await postgres.Server.CreateMigratedDatabaseAsync();
        await using (var app = await LightPausedAppAsync(direct))
        {
            await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 11);
            Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None)).State);
        }

        var crashed = await postgres.Server.CreateMigratedDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(crashed) { Options = "-c lock_timeout=200" };
        await using (var app = await LightPausedAppAsync(builder.ConnectionString))
        {
            await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 11);
            Assert.Equal(2, (await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 2)).Chunks);

            // Mid-chunk: its rows are copied, then the users' state waits on a lock and times out; the chunk rolls back.
            await using var blocker = new NpgsqlConnection(crashed);
            await blocker.OpenAsync();
            await using var lockTransaction = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE synthetic_user_state IN SHARE MODE", blocker, lockTransaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            var aborted = await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 1);
            await lockTransaction.RollbackAsync();

            Assert.Equal(0, aborted.Chunks);
            Assert.Equal(BackfillJob.Running, aborted.State);
        }

        // A restarted process (a new app, nothing in memory) whose next commit is lost on the way back.
        await using (var proxy = new CommitDroppingProxy(new NpgsqlConnectionStringBuilder(crashed).Port))
        await using (var app = await LightPausedAppAsync(new NpgsqlConnectionStringBuilder(crashed) { Port = proxy.Port }.ConnectionString))
        {
            proxy.ArmOnce();
            var lost = await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 1);

            Assert.Equal(1, proxy.Dropped);
            Assert.Equal(0, lost.Chunks);
            Assert.Equal(3, await Db.ScalarAsync(crashed, "SELECT chunks FROM synthetic_backfills"));

            // The next passes replay to the cursor: the committed chunk is not written twice.
            var passes = 0;
            while ((await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None)).State != BackfillJob.Succeeded)
            {
                Assert.True(++passes < 3, "the backfill did not finish");
            }
        }

        foreach (var table in RowSetTables)
        {
            Assert.True(await RowSetAsync(direct, table) == await RowSetAsync(crashed, table), $"{table} differs");
        }

        Assert.True(await Db.ScalarAsync(direct, "SELECT count(*) FROM journey_scene_events") > 1_000);
    }

    [Fact]
    public async Task A_pass_planning_ahead_writes_the_rows_of_one_chunk_per_pass_and_a_refused_chunk_drops_the_chunk_planned_after_it()
    {
        // One chunk per pass: nothing is ever planned ahead, planning and writing take turns.
        var sequential = await postgres.Server.CreateMigratedDatabaseAsync();
        await using (var app = await LightPausedAppAsync(sequential))
        {
            await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 13);
            var passes = 0;
            while ((await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 1)).State != BackfillJob.Succeeded)
            {
                Assert.True(++passes < 20, "the backfill did not finish");
            }

            Assert.Equal(8, passes);
        }

        // Whole passes: each chunk is written while the next is planned. The third chunk (02:00 to
        // 08:00 yesterday) is refused once, while the fourth is planned: that plan is dropped.
        var pipelined = await postgres.Server.CreateMigratedDatabaseAsync();
        var thirdFrom = new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);
        await using (var app = await LightPausedAppAsync(pipelined))
        {
            var id = (await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 13)).Job!.Job.Id;
            await Db.ExecuteAsync(pipelined,
                """
                CREATE FUNCTION refuse_late_events() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.created_at >= '2026-11-29 03:00:00+00' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER refuse_late_events BEFORE INSERT ON journey_scene_events FOR EACH ROW EXECUTE FUNCTION refuse_late_events();
                """);

            var refused = await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None);
            var job = (await app.Backfill.GetAsync(id, CancellationToken.None))!.Job;

            Assert.Equal(new BackfillPass(id, 2, BackfillJob.Running), refused);
            Assert.Equal(2, job.Chunks);
            Assert.Equal(thirdFrom, job.Cursor);
            Assert.Equal(1, job.FailedAttempts);
            Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at >= $1", thirdFrom.AddHours(1).UtcDateTime));

            await Db.ExecuteAsync(pipelined, "DROP TRIGGER refuse_late_events ON journey_scene_events");
            Assert.Equal(new BackfillPass(id, 7, BackfillJob.Succeeded), await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None));
        }

        foreach (var table in RowSetTables)
        {
            Assert.True(await RowSetAsync(sequential, table) == await RowSetAsync(pipelined, table), $"{table} differs");
        }

        Assert.True(await Db.ScalarAsync(sequential, "SELECT count(*) FROM journey_scene_events") > 1_000);
    }

    [Fact]
    public async Task A_chunk_that_fails_five_times_in_a_row_fails_the_job_with_its_error_and_the_cron_resumes()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var app = await LightPausedAppAsync(database);
        var start = await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 7);

        // The database refuses every chunk (as an owner's trigger might), and keeps refusing.
        await Db.ExecuteAsync(database,
            """
            CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_events BEFORE INSERT ON journey_scene_events FOR EACH ROW EXECUTE FUNCTION refuse_events();
            """);
        var states = new List<string?>();
        for (var pass = 1; pass <= BackfillService.MaxFailedAttempts; pass++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            states.Add((await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None)).State);
            var now = (await app.Backfill.GetAsync(start.Job!.Job.Id, CancellationToken.None))!.Job;
            Assert.Equal(pass, now.FailedAttempts);
        }

        var job = (await app.Backfill.GetAsync(start.Job!.Job.Id, CancellationToken.None))!.Job;
        Assert.Equal([.. Enumerable.Repeat(BackfillJob.Running, BackfillService.MaxFailedAttempts - 1), BackfillJob.Failed], states);
        Assert.Equal(BackfillJob.Failed, job.State);
        Assert.Equal(0, job.Chunks);
        Assert.Equal($"The chunk from {job.WindowStart:O} failed 5 times in a row: P0001: refused by the test", job.Error);
        Assert.Equal(job.Error, SyntheticsFunctions.Functions.BackfillFunctions.View((await app.Backfill.GetAsync(job.Id, CancellationToken.None))!).Error);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events"));

        // Nothing more is tried, and the cron runs again.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new BackfillPass(null, 0, null), await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None));
        await Db.ExecuteAsync(database, "DROP TRIGGER refuse_events ON journey_scene_events; DROP FUNCTION refuse_events()");
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var tick = await app.RunAsync(RunTrigger.Cron);
        Assert.Equal(RunStatus.Succeeded, tick.Status);
    }

    [Fact]
    public async Task A_success_between_failures_starts_the_count_again()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var app = await LightPausedAppAsync(database);
        var start = await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 7);
        const string Refuse =
            """
            CREATE OR REPLACE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse_events BEFORE INSERT ON journey_scene_events FOR EACH ROW EXECUTE FUNCTION refuse_events();
            """;

        await Db.ExecuteAsync(database, Refuse);
        for (var pass = 0; pass < BackfillService.MaxFailedAttempts - 1; pass++)
        {
            await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None);
        }

        await Db.ExecuteAsync(database, "DROP TRIGGER refuse_events ON journey_scene_events");
        await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 1);
        var afterSuccess = (await app.Backfill.GetAsync(start.Job!.Job.Id, CancellationToken.None))!.Job;

        Assert.Equal(1, afterSuccess.Chunks);
        Assert.Equal(0, afterSuccess.FailedAttempts);
        Assert.Null(afterSuccess.Error);
        Assert.Equal(BackfillJob.Running, afterSuccess.State);
    }

    [Fact]
    public async Task Cancel_keeps_whole_chunks_and_refusals_answer_why()
    {
        await using var app = await LightPausedAppAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        var first = await app.Backfill.StartAsync(3, purgeFirst: true, CancellationToken.None, seed: 5);
        var second = await app.Backfill.StartAsync(1, purgeFirst: true, CancellationToken.None);
        var tooLong = await app.Backfill.StartAsync(46, purgeFirst: true, CancellationToken.None);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        var skipped = await app.RunAsync(RunTrigger.Cron);
        await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None, maxChunks: 1);
        var cancelling = await app.Backfill.CancelAsync(first.Job!.Job.Id, CancellationToken.None);
        var pass = await app.Backfill.RunAsync(NoBudgetLimit, CancellationToken.None);
        var job = (await app.Backfill.GetAsync(first.Job.Job.Id, CancellationToken.None))!.Job;
        var whileRunning = await app.Backfill.StartAsync(1, purgeFirst: false, CancellationToken.None);

        Assert.Equal(BackfillRefusal.AnotherRunning, second.Refusal);
        Assert.Null(tooLong.Job);
        Assert.Equal(45, tooLong.RetainDays);
        Assert.Equal(RunSkip.Backfill, skipped.Result!.Skipped);
        Assert.True(cancelling!.Job.CancelRequested);
        Assert.Equal(BackfillJob.Cancelled, pass.State);
        Assert.Equal(BackfillJob.Cancelled, job.State);
        Assert.Equal(1, job.Chunks);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero), job.Cursor);
        Assert.Equal(job.Cursor, Sql(await Db.TextAsync(app.ConnectionString, "SELECT max(window_end) FROM synthetic_runs WHERE trigger = 'backfill'")));
        Assert.Equal(job.Rows[Tables.JourneySceneEvents], await app.CountAsync("SELECT count(*) FROM journey_scene_events"));
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT event_payload->>'session_id') FROM journey_scene_events"),
            await app.CountAsync("SELECT sum(sessions_started) FROM synthetic_runs WHERE trigger = 'backfill'"));
        Assert.Equal(BackfillRefusal.EngineRunning, whileRunning.Refusal);
        await AssertRollupsMatchTablesAsync(app);
    }

    private static readonly string[] RowSetTables =
    [
        .. Tables.Activity, "profiles", "sim_users", "synthetic_user_state", "synthetic_sessions",
    ];

    /// <summary>A digest of a table's rows in key order, the <c>run_id</c> tag left out.</summary>
    private static Task<string> RowSetAsync(string connectionString, string table)
    {
        var tag = SyntheticsFunctions.Storage.Declarations.ActivityTables.Activity.FirstOrDefault(t => t.Name == table)?.TagColumn;
        var row = tag is null ? "to_jsonb(t)" : $"(to_jsonb(t) - '{tag}') || jsonb_build_object('{tag}', t.{tag} - 'run_id')";
        var key = table switch { "sim_users" or "synthetic_user_state" or "synthetic_sessions" => "profile_id", _ => "id" };
        return Db.TextAsync(connectionString, $"SELECT count(*) || ':' || coalesce(md5(string_agg(({row})::text, ',' ORDER BY t.{key})), '') FROM {table} t");
    }

    private static DateTimeOffset Sql(string timestamp) => DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Paused, at the light preset, with a pool cap that holds the people it needs (at a smaller cap, volume gives way).</summary>
    private static async Task<TestApp> LightPausedAppAsync(string connectionString)
    {
        var cap = PopulationModel.PeopleNeeded(1) + 1000;
        var app = await TestApp.CreateAsync(connectionString, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture) }, now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 1, max_per_run = 3 WHERE id = 1");
        return app;
    }

    private static async Task AssertRollupsMatchTablesAsync(TestApp app)
    {
        const string Minutes = "SELECT coalesce(string_agg(minute::text || event_type || '=' || events, ',' ORDER BY minute, event_type), '') FROM synthetic_event_minutes WHERE events <> 0";
        const string Hours = "SELECT coalesce(string_agg(hour::text || metric || '=' || count, ',' ORDER BY hour, metric), '') FROM synthetic_activity_hours WHERE count <> 0";
        var kept = (await Db.TextAsync(app.ConnectionString, Minutes), await Db.TextAsync(app.ConnectionString, Hours));

        await app.ExecuteAsync("SELECT synthetic_rebuild_rollups()");
        var counted = (await Db.TextAsync(app.ConnectionString, Minutes), await Db.TextAsync(app.ConnectionString, Hours));

        Assert.True(kept.Item1.Length > 0, "no rollup rows");
        Assert.True(kept == counted, "rollups differ from the tables");
    }
}
