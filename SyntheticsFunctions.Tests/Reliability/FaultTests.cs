using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Tests.Functions;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Reliability;

/// <summary>The engine under faults, on the suite's real Postgres: overlapping sessions, killed connections, an ambiguous commit.</summary>
[LongRunning(120)]
public class FaultTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    /// <summary>Every row a session writes carries its session id; a session's span is its first row to its last.</summary>
    internal const string OverlappingSessions =
        """
        WITH tagged AS (
            SELECT user_id, event_payload->>'session_id' AS session_id, created_at FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true'
            UNION ALL SELECT user_id, metadata->>'session_id', created_at FROM journey_scene_captures
            UNION ALL SELECT user_id, metadata->>'session_id', created_at FROM journey_resistance_checks
            UNION ALL SELECT user_id, metadata->>'session_id', created_at FROM journey_real_world_triggers
            UNION ALL SELECT user_id, metadata->>'session_id', created_at FROM mindblock_events),
        sessions AS (SELECT user_id, session_id, min(created_at) AS first_at, max(created_at) AS last_at FROM tagged GROUP BY 1, 2)
        SELECT count(*) FROM sessions a JOIN sessions b
          ON a.user_id = b.user_id AND a.session_id < b.session_id AND a.first_at <= b.last_at AND b.first_at <= a.last_at
        """;

    [Fact]
    public async Task Cron_ticks_and_parallel_manual_runs_never_overlap_one_users_sessions()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "40" });
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 30, max_per_run = 10 WHERE id = 1");

        var outcomes = new List<RunOutcome>();
        for (var round = 0; round < 30; round++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(round % 3 == 0 ? 70 : 20));
            outcomes.AddRange(await Task.WhenAll(
                app.RunAsync(RunTrigger.Cron), app.RunAsync(RunTrigger.Manual, 4), app.RunAsync(RunTrigger.Manual, 4), app.RunAsync(RunTrigger.Manual, 3)));
        }

        var sessions = await app.CountAsync("SELECT count(DISTINCT event_payload->>'session_id') FROM journey_scene_events");
        var overlaps = await app.CountAsync(OverlappingSessions);
        output.WriteLine($"{outcomes.Count} runs, {sessions} sessions, {overlaps} overlapping pairs");

        Assert.All(outcomes, o => Assert.True(o.Status is RunStatus.Succeeded or RunStatus.Skipped, $"{o.Status} {o.Error}"));
        Assert.True(sessions > 150, $"only {sessions} sessions: the test would prove little");
        Assert.Equal(0, overlaps);

        // The runs add to the same rollup rows (an hour and metric, a minute and event type) in key
        // order, so they wait on each other but never deadlock. A deadlock is retried and would
        // only show here: the server counts it once every connection of the app has closed.
        await app.DisposeAsync();
        await Eventually.Until(
            async () => await Db.ScalarAsync(database, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'SyntheticsFunctions'") == 0,
            TimeSpan.FromSeconds(30));
        Assert.Equal(0, await Db.ScalarAsync(database, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"));
    }

    /// <summary>Rows of cron runs (matched by run id) dated outside their run's window (window_start, window_end].</summary>
    internal const string CronRowsOutsideTheirTick =
        """
        WITH tagged AS (
            SELECT (event_payload->>'run_id')::uuid AS run_id, created_at FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true'
            UNION ALL SELECT (metadata->>'run_id')::uuid, created_at FROM journey_scene_captures
            UNION ALL SELECT (metadata->>'run_id')::uuid, created_at FROM journey_resistance_checks
            UNION ALL SELECT (metadata->>'run_id')::uuid, created_at FROM journey_real_world_triggers
            UNION ALL SELECT (metadata->>'run_id')::uuid, created_at FROM mindblock_events)
        SELECT count(*) FROM tagged t JOIN synthetic_runs r ON r.id = t.run_id
        WHERE r.trigger = 'cron' AND NOT (t.created_at > r.window_start AND t.created_at <= r.window_end)
        """;

    [Fact]
    public async Task Every_cron_ticks_rows_fall_in_its_window_with_manual_runs_between_ticks_on_a_lagging_clock_and_killed_connections()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var cron = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "400" });
        await cron.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 6, max_per_run = 10 WHERE id = 1");

        // Manual runs from another instance whose clock is 20 s behind: each one comes after a tick
        // has committed, yet reads a time before that tick's end.
        await using var manual = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "400", ["Synthetics:Seed"] = "99" },
            now: TestApp.DefaultNow.AddSeconds(-20));
        var admin = new NpgsqlConnectionStringBuilder(database) { ApplicationName = "fault-test-killer", Pooling = false }.ConnectionString;
        var outcomes = new List<RunOutcome>();
        var kills = 0;
        for (var tick = 1; tick <= 200; tick++)
        {
            if (tick % 40 == 20)
            {
                // Five times, every pooled connection of the app is terminated: the tick's first command fails and is retried.
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'SyntheticsFunctions'", connection);
                kills += (int)(long)(await kill.ExecuteScalarAsync())! > 0 ? 1 : 0;
            }

            cron.Time.Advance(TimeSpan.FromMinutes(1));
            manual.Time.Advance(TimeSpan.FromMinutes(1));
            outcomes.Add(await cron.RunAsync(RunTrigger.Cron));
            outcomes.Add(await manual.RunAsync(RunTrigger.Manual, 3));
        }

        var cronRows = await cron.CountAsync("SELECT count(*) FROM journey_scene_events e JOIN synthetic_runs r ON r.id = (e.event_payload->>'run_id')::uuid WHERE r.trigger = 'cron'");
        var continued = outcomes.Where(o => o.Result is not null).Sum(o => o.Result!.SessionsContinued);
        output.WriteLine($"{kills} kills, {outcomes.Count(o => o.Status == RunStatus.Succeeded)} runs succeeded, {cronRows} cron events, {continued} sessions continued");

        Assert.Equal(5, kills);
        Assert.All(outcomes, o => Assert.Equal(RunStatus.Succeeded, o.Status));
        Assert.True(cronRows > 1000 && continued > 200, "the ticks continued few sessions: the test would prove little");
        Assert.Equal(0, await cron.CountAsync(CronRowsOutsideTheirTick));
        Assert.Equal(0, await cron.CountAsync(OverlappingSessions));
    }

    [Fact]
    public async Task Connections_terminated_mid_run_leave_every_run_recorded_once_with_its_counts_equal_to_its_rows()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database);
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 60, max_per_run = 20 WHERE id = 1");
        var killed = 0;
        using var stop = new CancellationTokenSource();
        var killer = Task.Run(async () =>
        {
            var admin = new NpgsqlConnectionStringBuilder(database) { ApplicationName = "fault-test-killer", Pooling = false }.ConnectionString;
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                await using var connection = new NpgsqlConnection(admin);
                await connection.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'SyntheticsFunctions' AND state <> 'idle'",
                    connection);
                killed += (int)(long)(await kill.ExecuteScalarAsync())!;
                await Task.Delay(random.Next(20, 120));
            }
        });

        var outcomes = new List<RunOutcome>();
        for (var i = 0; i < 40; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(30));
            outcomes.AddRange(await Task.WhenAll(app.RunAsync(RunTrigger.Cron), app.RunAsync(RunTrigger.Manual, 5)));
        }

        await stop.CancelAsync();
        await killer;
        var pending = app.Provider.GetRequiredService<PendingFailures>().Count;
        app.Time.Advance(TimeSpan.FromSeconds(30));
        var last = await app.RunAsync(RunTrigger.Manual, 1); // writes the failures that waited in memory first
        outcomes.Add(last);

        var attempted = outcomes.Count(o => o.Status != RunStatus.Skipped);
        var retried = app.Logs.Entries.Count(e => e.Message.Contains("with 1 retries") || e.Message.Contains("with 2 retries") || e.Message.Contains("with 3 retries"));
        var succeeded = outcomes.Where(o => o.Status == RunStatus.Succeeded).ToList();
        var failed = outcomes.Where(o => o.Status == RunStatus.Failed).ToList();
        var recorded = await app.CountAsync("SELECT count(*) FROM synthetic_runs");
        output.WriteLine($"{killed} connections terminated; runs attempted {attempted}, succeeded {succeeded.Count} ({retried} after a retry), failed {failed.Count}, recorded {recorded}; {pending} failures waited in memory");

        Assert.True(killed >= 10, $"only {killed} connections terminated: the test would prove little");
        Assert.True(succeeded.Count >= 10 && failed.Count + retried >= 5, $"{succeeded.Count} succeeded, {failed.Count} failed, {retried} retried: the faults did not bite");
        Assert.Equal(RunStatus.Succeeded, last.Status);
        Assert.Equal(attempted, succeeded.Count + failed.Count);
        Assert.Equal(attempted, recorded);
        foreach (var run in succeeded)
        {
            Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'succeeded'", run.RunId));
            Assert.Equal(
                (long)run.Result!.RowsPerTable[Tables.JourneySceneEvents],
                await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", run.RunId.ToString()));
            Assert.Equal(
                await app.CountAsync("SELECT (rows_written->>'journey_scene_events')::bigint FROM synthetic_runs WHERE id = $1", run.RunId),
                await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", run.RunId.ToString()));
        }

        foreach (var run in failed)
        {
            Assert.Equal(1, await app.CountAsync(
                "SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'failed' AND failure_category = $2 AND correlation_id = $3",
                run.RunId, run.Category!, run.CorrelationId!));
            Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", run.RunId.ToString()));
        }

        Assert.Equal(0, await app.CountAsync(OverlappingSessions));
    }

    [Fact]
    public async Task An_ambiguous_commit_is_retried_into_one_run_reported_succeeded_with_its_committed_counts()
    {
        var direct = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var proxy = new CommitDroppingProxy(new NpgsqlConnectionStringBuilder(direct).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(direct) { Port = proxy.Port }.ConnectionString;
        await using var app = await TestApp.CreateAsync(throughProxy);

        proxy.ArmOnce();
        var outcome = await app.RunAsync(RunTrigger.Manual, 6);

        Assert.Equal(1, proxy.Dropped);
        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.True(outcome.Result!.AlreadyCommitted);
        Assert.Equal(6, outcome.Result.SessionsStarted);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'succeeded'", outcome.RunId));
        Assert.Equal(
            (long)outcome.Result.RowsPerTable[Tables.JourneySceneEvents],
            await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", outcome.RunId.ToString()));
        Assert.Equal(
            await app.CountAsync("SELECT sum(value::bigint) FROM synthetic_runs, jsonb_each_text(rows_written)"),
            (long)outcome.Result.TotalRows);
        Assert.Single(app.Logs.Entries, e => e.Message.Contains("had committed before its connection dropped"));
        Assert.DoesNotContain(app.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Failures_that_cannot_be_recorded_wait_in_a_bounded_queue_oldest_dropped_first()
    {
        var queue = new PendingFailures();
        var request = (int i) => new RunRequest(RunTrigger.Cron, new Guid(i, 0, 0, new byte[8]), i, DateTimeOffset.UnixEpoch, 0);

        RunFailure? dropped = null;
        for (var i = 1; i <= PendingFailures.Capacity + 2; i++)
        {
            dropped = queue.Add(new RunFailure(request(i), FailureCategories.DatabaseUnavailable, "c" + i, "down", 1, 0)) ?? dropped;
        }

        var kept = queue.Snapshot();
        Assert.Equal(PendingFailures.Capacity, kept.Count);
        Assert.Equal(request(3).RunId, kept[0].Request.RunId);
        Assert.Equal(request(2).RunId, dropped!.Request.RunId);
        queue.Remove(kept.Take(10).ToList());
        Assert.Equal(PendingFailures.Capacity - 10, queue.Count);
    }
}

/// <summary>A cluster of its own, so stopping it disturbs no other test.</summary>
public sealed class OwnClusterFixture : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync() => Postgres = await PostgresServer.StartAsync(ownCluster: true);

    public async Task DisposeAsync() => await Postgres.DisposeAsync();
}

/// <summary>The server stopped and started under a running app.</summary>
public class ServerRestartTests(OwnClusterFixture cluster, ITestOutputHelper output) : IClassFixture<OwnClusterFixture>
{
    [Fact]
    public async Task While_the_server_is_down_every_caller_gets_the_fixed_503_and_the_first_cron_after_it_is_back_succeeds()
    {
        var database = await cluster.Postgres.CreateDatabaseAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database) { Timeout = 3 }.ConnectionString;
        await using var app = await TestApp.CreateAsync(connectionString);
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);

        await cluster.Postgres.StopClusterAsync();
        RunOutcome failedTick;
        try
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            failedTick = await app.RunAsync(RunTrigger.Cron);
            var runNow = await CallAsync(new RunFunction(app.Runs).ManualRun, "POST");
            var health = await CallAsync(new HealthFunctions(app.Status).Health, "GET");

            Assert.Equal(RunStatus.Failed, failedTick.Status);
            Assert.Equal(FailureCategories.DatabaseUnavailable, failedTick.Category);
            Assert.Equal(1, app.Provider.GetRequiredService<PendingFailures>().Snapshot().Count(f => f.Request.RunId == failedTick.RunId));
            Assert.Equal(503, runNow.Status);
            Assert.Equal("application/problem+json", runNow.ContentType);
            Assert.Equal("The database is unreachable.", runNow.Body.GetProperty("title").GetString());
            Assert.False(runNow.Body.TryGetProperty("detail", out _));
            Assert.False(string.IsNullOrEmpty(runNow.Body.GetProperty("correlation_id").GetString()));
            Assert.Equal(503, health.Status);
            Assert.Equal("The database is unreachable.", health.Body.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, health.Body.GetProperty("enabled").ValueKind);
            Assert.DoesNotContain("127.0.0.1", health.Body.GetRawText());
            Assert.DoesNotContain(cluster.Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), runNow.Body.GetRawText() + health.Body.GetRawText());
        }
        finally
        {
            await cluster.Postgres.StartClusterAsync();
        }

        var accepting = Stopwatch.StartNew();
        RunOutcome tick;
        do
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            tick = await app.RunAsync(RunTrigger.Cron);
        }
        while (tick.Status != RunStatus.Succeeded && accepting.Elapsed < TimeSpan.FromSeconds(60));

        output.WriteLine($"first succeeded cron run {accepting.Elapsed.TotalMilliseconds:F0} ms after the server accepted connections again");
        Assert.Equal(RunStatus.Succeeded, tick.Status);
        Assert.Equal(1, await app.CountAsync(
            "SELECT count(*) FROM synthetic_runs WHERE id = $1 AND status = 'failed' AND failure_category = 'database_unavailable'", failedTick.RunId));
        Assert.Equal(0, app.Provider.GetRequiredService<PendingFailures>().Count);
    }

    private static async Task<(int Status, string? ContentType, JsonElement Body)> CallAsync(Func<HttpRequest, CancellationToken, Task<IResult>> function, string method)
    {
        var context = RunFunctionTests.HttpContextFor(method, "");
        var (status, contentType, body) = await RunFunctionTests.ExecuteAsync(await function(context.Request, CancellationToken.None), context);
        return (status, contentType, body.RootElement.Clone());
    }
}
