using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

public class RunTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Manual_run_writes_all_eight_activity_tables_with_consistent_keys()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        // The fresh install's people are mid-story (an instance each, none of its scenes written): set aside, so every row is this run's.
        await app.ExecuteAsync("DELETE FROM journey_instances");

        var outcome = await app.RunAsync(RunTrigger.Manual, 40);

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.Equal(40, outcome.Result!.SessionsStarted);
        foreach (var table in Tables.Activity)
        {
            var stored = await app.CountAsync($"SELECT count(*) FROM {table}");
            Assert.True(stored > 0, $"{table} has no rows");
            Assert.Equal(outcome.Result.RowsPerTable[table], stored);
        }

        // Every row belongs to a sim user and its instance belongs to the same user.
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events e JOIN journey_instances i ON i.id = e.instance_id WHERE i.user_id <> e.user_id"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_captures c JOIN journey_instance_scenes s ON s.id = c.instance_scene_id WHERE s.user_id <> c.user_id OR s.instance_id <> c.instance_id"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events e WHERE e.user_id NOT IN (SELECT profile_id FROM sim_users)"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' IS DISTINCT FROM 'true' OR event_payload->>'run_id' <> $1", outcome.RunId.ToString()));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_instances WHERE metadata->>'synthetic' IS DISTINCT FROM 'true'"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at > $1", app.Time.GetUtcNow().UtcDateTime));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'succeeded' AND sessions_requested = 40 AND sessions_started = 40", outcome.RunId));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions"));
    }

    [Fact]
    public async Task Manual_run_works_while_paused_and_cron_tick_does_nothing()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");

        var cron = await app.RunAsync(RunTrigger.Cron);
        var manual = await app.RunAsync(RunTrigger.Manual, 3);

        Assert.Equal(RunStatus.Skipped, cron.Status);
        Assert.Equal(RunSkip.Paused, cron.Result!.Skipped);
        Assert.Equal(RunStatus.Succeeded, manual.Status);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs"));
        Assert.Equal(3, await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_scene_events"));
    }

    [Fact]
    public async Task Cron_ticks_write_only_rows_of_their_own_window_and_continue_sessions()
    {
        var start = new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(),
            new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "50" },
            now: start);
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 5, max_per_run = 8 WHERE id = 1");
        // The 50 people of the steady state are due over the half hour, whoever the draw of the population made due then.
        await app.ExecuteAsync(
            "UPDATE synthetic_user_state SET next_session_at = $1 + make_interval(mins => abs(hashtext(profile_id::text)) % 30), lifecycle = 'active' WHERE lifecycle <> 'churned'",
            start.UtcDateTime);

        var previous = start;
        var continued = 0;
        var started = 0;
        for (var tick = 1; tick <= 30; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            var outcome = await app.RunAsync(RunTrigger.Cron);
            Assert.Equal(RunStatus.Succeeded, outcome.Status);
            continued += outcome.Result!.SessionsContinued;
            started += outcome.Result.SessionsStarted;
            var now = app.Time.GetUtcNow();

            // Every row this tick wrote is in (previous tick, now].
            var outside = await app.CountAsync(
                "SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1 AND NOT (created_at > $2 AND created_at <= $3)",
                outcome.RunId.ToString(), previous.UtcDateTime, now.UtcDateTime);
            Assert.Equal(0, outside);
            previous = now;
        }

        Assert.True(continued > 0, $"no session continued over a later tick ({started} started)");
        Assert.Equal(30, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE trigger = 'cron' AND status = 'succeeded'"));

        // Ordered within each instance: events never go back in time against their scene's opening.
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM journey_scene_events e JOIN journey_instance_scenes s ON s.id = e.instance_scene_id WHERE e.created_at < s.opened_at"));
        // Contracts honoured: a completed scene has exactly the captures its contract requires.
        Assert.Equal(0, await app.CountAsync(
            """
            SELECT count(*) FROM journey_instance_scenes s
            JOIN scene_contracts c ON c.scene_id = s.scene_id
            WHERE s.status = 'completed'
              AND (SELECT count(*) FROM journey_scene_captures x WHERE x.instance_scene_id = s.id) <> c.required_captures
            """));
        Assert.Equal(0, await app.CountAsync(
            """
            SELECT count(*) FROM journey_instance_scenes s
            JOIN scene_contracts c ON c.scene_id = s.scene_id
            WHERE s.status = 'completed' AND c.requires_resistance_check
              AND NOT EXISTS (SELECT 1 FROM journey_resistance_checks x WHERE x.instance_scene_id = s.id)
            """));
    }

    [Fact]
    public async Task Two_runs_started_at_once_never_move_the_same_user()
    {
        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(),
            new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "50" });
        // Each run holds its transaction (and its claimed users) open for a second while writing,
        // so the two claims certainly overlap in time.
        await app.ExecuteAsync(
            """
            CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$;
            CREATE TRIGGER slow_write AFTER INSERT ON journey_scene_events FOR EACH STATEMENT EXECUTE FUNCTION slow_write();
            """);

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => app.RunAsync(RunTrigger.Manual, 20))));

        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.Equal(40, runs.Sum(r => r.Result!.SessionsStarted));
        var movedTwice = await app.CountAsync(
            """
            SELECT count(*) FROM (
                SELECT user_id FROM journey_scene_events GROUP BY user_id HAVING count(DISTINCT event_payload->>'run_id') > 1) twice
            """);
        Assert.Equal(0, movedTwice);
        Assert.Equal(40, await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_scene_events"));
    }

    [Fact]
    public async Task A_run_that_fails_mid_way_leaves_no_activity_row_and_records_its_failure()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        // The fresh install's mid-story journeys, which the failed run must leave exactly as they were.
        const string Instances = "SELECT coalesce(string_agg(id || ' ' || status || ' ' || current_scene_order || ' ' || last_activity_at, ',' ORDER BY id), '') FROM journey_instances";
        var instances = await Db.TextAsync(app.ConnectionString, Instances);
        await app.ExecuteAsync(
            """
            CREATE FUNCTION refuse_capture() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'capture storage is full'; END $$;
            CREATE TRIGGER refuse_capture BEFORE INSERT ON journey_scene_captures FOR EACH ROW EXECUTE FUNCTION refuse_capture();
            """);

        var outcome = await app.RunAsync(RunTrigger.Manual, 10);

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Contains("capture storage is full", outcome.Error);
        foreach (var table in Tables.Activity)
        {
            if (table != Tables.JourneyInstances)
            {
                Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM {table}"));
            }
        }

        Assert.Equal(instances, await Db.TextAsync(app.ConnectionString, Instances));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions"));
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'failed' AND error LIKE '%capture storage is full%' AND retries = 0", outcome.RunId));
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains(outcome.RunId.ToString()));
    }

    [Fact]
    public async Task A_transient_failure_reruns_the_whole_run_and_records_the_retry()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.ExecuteAsync(
            """
            CREATE TABLE fail_once (done boolean NOT NULL);
            CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM fail_once) THEN
                    -- Commits nothing (the run rolls back), so record it outside: a sequence is not transactional.
                    PERFORM nextval('fail_once_seq');
                    IF currval('fail_once_seq') = 1 THEN
                        RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
                    END IF;
                END IF;
                RETURN NEW;
            END $$;
            CREATE SEQUENCE fail_once_seq;
            CREATE TRIGGER fail_once BEFORE INSERT ON journey_scene_events FOR EACH STATEMENT EXECUTE FUNCTION fail_once();
            """);

        var outcome = await app.RunAsync(RunTrigger.Manual, 5);

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.Equal(1, await app.CountAsync("SELECT retries FROM synthetic_runs WHERE id = $1", outcome.RunId));
        Assert.Equal(outcome.Result!.RowsPerTable[Tables.JourneySceneEvents], await app.CountAsync("SELECT count(*) FROM journey_scene_events"));
    }

    [Fact]
    public async Task Real_users_with_active_instances_events_and_mindblock_status_are_never_touched()
    {
        var now = TestApp.DefaultNow;
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: now);
        var real = await RealUserRows.InsertAsync(app, now.AddDays(-90));
        var realTagged = await RealUserRows.InsertAsync(app, now.AddDays(-90), taggedSynthetic: true);
        var before = await RealUserRows.SnapshotAsync(app, real, realTagged);

        await app.RunAsync(RunTrigger.Manual, 50);
        for (var i = 0; i < 15; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        Assert.Equal(before, await RealUserRows.SnapshotAsync(app, real, realTagged));
        Assert.Equal(2, await app.CountAsync("SELECT count(*) FROM journey_instances WHERE user_id = ANY($1) AND status = 'active'", new[] { real, realTagged }));
    }

    [Fact]
    public async Task Idle_sim_instances_past_the_limit_become_abandoned()
    {
        var now = TestApp.DefaultNow;
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: now.AddDays(-10));
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        await app.RunAsync(RunTrigger.Manual, 10);
        // Active: the first run's and the fresh install's mid-story journeys; all of them go idle over the next 10 days.
        var active = await Db.TextAsync(app.ConnectionString, "SELECT string_agg(id::text, ',') FROM journey_instances WHERE status = 'active'");
        var ids = active.Split(',').Select(Guid.Parse).ToArray();
        var abandonedMidScene = await app.CountAsync("SELECT count(*) FROM journey_instances WHERE status = 'abandoned'");
        Assert.True(ids.Length > 10, "the first run left no active instance to go idle");
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");

        app.Time.SetUtcNow(now);
        var tick = await app.RunAsync(RunTrigger.Cron);

        Assert.Equal(RunStatus.Succeeded, tick.Status);
        Assert.Equal(ids.Length, await app.CountAsync(
            "SELECT count(*) FROM journey_instances WHERE id = ANY($1) AND status = 'abandoned' AND last_activity_at < $2", ids, now.AddDays(-7).UtcDateTime));
        Assert.Equal(ids.Length + abandonedMidScene, await app.CountAsync(
            "SELECT count(*) FROM journey_instances WHERE status = 'abandoned' AND last_activity_at < $1", now.AddDays(-7).UtcDateTime));
    }

    [Fact]
    public async Task Same_seed_and_inputs_write_the_same_rows()
    {
        var at = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        string[] dumps = new string[2];
        for (var i = 0; i < 2; i++)
        {
            await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: at);
            // The pool's keys come from the seeding clock; pin them to compare runs.
            await app.RunAsync(RunTrigger.Manual, 10);
            dumps[i] = string.Join("\n", await Task.WhenAll(
                app.CountAsync("SELECT count(*) FROM journey_scene_events").ContinueWith(t => t.Result.ToString()),
                Dump(app, "SELECT string_agg(id::text || event_type || created_at::text || event_payload::text, ',' ORDER BY id) FROM journey_scene_events")));
        }

        Assert.Equal(dumps[0], dumps[1]);
    }

    private static async Task<string> Dump(TestApp app, string sql)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString() ?? "";
    }
}
