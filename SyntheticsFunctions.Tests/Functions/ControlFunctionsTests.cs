using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Functions;

public class ControlFunctionsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Status_reports_settings_last_run_and_counts_in_the_seeds_windows()
    {
        var now = TestApp.DefaultNow;
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: now.AddHours(-3));
        await app.RunAsync(RunTrigger.Manual, 10); // three hours old: in the 24-hour window only
        app.Time.SetUtcNow(now);
        var tick = await app.RunAsync(RunTrigger.Cron);
        await RealUserRows.InsertAsync(app, now.AddMinutes(-1)); // real rows never count

        var (status, _, body) = await CallAsync(app, f => f.Status, "GET", null);

        var root = body.RootElement;
        Assert.Equal(200, status);
        Assert.True(root.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, root.GetProperty("settings").GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(tick.RunId, root.GetProperty("last_run").GetProperty("id").GetGuid());
        Assert.Equal("cron", root.GetProperty("last_run").GetProperty("trigger").GetString());
        Assert.Equal(tick.Result!.TotalRows, root.GetProperty("last_run").GetProperty("rows").GetInt64());
        Assert.Equal(
            await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at > $1 AND event_payload->>'synthetic' = 'true'", now.AddMinutes(-5).UtcDateTime),
            root.GetProperty("events_last_5_minutes").GetInt64());
        Assert.Equal(
            await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE user_id IN (SELECT profile_id FROM sim_users)"),
            root.GetProperty("events_last_24_hours").GetInt64());
        Assert.Equal(
            root.GetProperty("events_last_24_hours").GetInt64(),
            root.GetProperty("events_by_type_24_hours").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM synthetic_sessions"), root.GetProperty("sessions_in_progress").GetInt64());
        // The living: who left in the manual run retired at the cron tick.
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL"), root.GetProperty("pool_size").GetInt64());
        Assert.Equal(200 - await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE lifecycle = 'churned'"), root.GetProperty("pool_size").GetInt64());
        Assert.Equal(
            await app.CountAsync("SELECT count(*) FROM journey_instances ji JOIN sim_users su ON su.profile_id = ji.user_id WHERE ji.status = 'active'"),
            root.GetProperty("active_journeys").GetInt64());
    }

    [Fact]
    public async Task Status_reports_the_pools_activity_multiplier_and_the_expected_events_per_minute_now()
    {
        // Monday 12:00 UTC, every sim user in UTC: hour 12's 1.30 / 0.93 × Monday's 1.05 / (6.9 / 7).
        // The pool may grow to the people 10 sessions a minute need, so volume does not give way.
        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "100000" }, new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        await app.ExecuteAsync("UPDATE synthetic_pool SET timezone = 'UTC'");

        var (_, _, running) = await CallAsync(app, f => f.Status, "GET", null);
        await CallAsync(app, f => f.Settings, "POST", """{"sessions_per_min": 10, "max_per_run": 12}""");
        var (_, _, capped) = await CallAsync(app, f => f.Status, "GET", null);
        await CallAsync(app, f => f.Toggle, "POST", """{"enabled": false}""");
        var (_, _, paused) = await CallAsync(app, f => f.Status, "GET", null);

        Assert.Equal(1.489, running.RootElement.GetProperty("activity_multiplier").GetDouble());
        Assert.Equal(29.8, running.RootElement.GetProperty("expected_events_per_minute").GetDouble()); // 2 × 1.489 × 10.0
        Assert.Equal(120.0, capped.RootElement.GetProperty("expected_events_per_minute").GetDouble()); // max_per_run 12 × 10.0
        Assert.Equal(1.489, paused.RootElement.GetProperty("activity_multiplier").GetDouble());
        Assert.Equal(0, paused.RootElement.GetProperty("expected_events_per_minute").GetDouble());
    }

    [Fact]
    public async Task Status_answers_503_when_the_database_is_unreachable()
    {
        var unreachable = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=postgres;Database=none;Timeout=2";
        await using var app = await TestApp.CreateAsync(unreachable, ensureSchema: false);

        var (status, contentType, body) = await CallAsync(app, f => f.Status, "GET", null);

        Assert.Equal(503, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("The database is unreachable.", body.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Toggle_pauses_and_records_the_change_in_the_history()
    {
        var at = new DateTimeOffset(2026, 5, 1, 12, 30, 15, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: at);

        var (status, _, body) = await CallAsync(app, f => f.Toggle, "POST", """{"enabled": false}""");
        var (_, _, history) = await CallAsync(app, f => f.SettingsHistory, "GET", null);

        Assert.Equal(200, status);
        Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_settings WHERE NOT enabled"));
        var change = Assert.Single(history.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal("api", change.GetProperty("source").GetString());
        Assert.True(change.GetProperty("old").GetProperty("enabled").GetBoolean());
        Assert.False(change.GetProperty("new").GetProperty("enabled").GetBoolean());
        Assert.Equal(at, change.GetProperty("changed_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Settings_apply_the_seeds_curl_body_as_a_partial_update()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        var (status, _, body) = await CallAsync(app, f => f.Settings, "POST", """{"sessions_per_min": 5, "max_per_run": 8}""");

        Assert.Equal(200, status);
        Assert.Equal(5, body.RootElement.GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(8, body.RootElement.GetProperty("max_per_run").GetInt32());
        Assert.Equal(0.03, body.RootElement.GetProperty("error_rate").GetDouble());
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_settings WHERE sessions_per_min = 5 AND max_per_run = 8 AND error_rate = 0.03 AND enabled"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_settings_history WHERE source = 'api'"));
    }

    [Fact]
    public async Task The_settings_history_catches_the_seeds_direct_sql_update()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 10, max_per_run = 15 WHERE id = 1;");
        var (_, _, history) = await CallAsync(app, f => f.SettingsHistory, "GET", null);

        var change = Assert.Single(history.RootElement.GetProperty("changes").EnumerateArray());
        Assert.Equal("sql:postgres", change.GetProperty("source").GetString());
        Assert.Equal(2, change.GetProperty("old").GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(10, change.GetProperty("new").GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(15, change.GetProperty("new").GetProperty("max_per_run").GetInt32());
    }

    [Theory]
    [InlineData(null, null, 5)]
    [InlineData("""{"target": 3}""", null, 3)]
    [InlineData(null, "?target=4", 4)]
    [InlineData("""{"target": 6}""", "?target=6", 6)]
    public async Task Run_now_starts_the_target_from_the_body_or_the_query(string? json, string? query, int sessions)
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        var (status, _, body) = await CallAsync(app, f => f.RunNow, "POST", json, query);

        Assert.Equal(200, status);
        Assert.Equal(sessions, body.RootElement.GetProperty("sessions_started").GetInt32());
        Assert.Equal(sessions, await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_scene_events"));
    }

    [Fact]
    public async Task A_dry_run_returns_the_rows_it_would_write_and_writes_nothing()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var before = await Task.WhenAll(Tables.Activity.Select(t => app.CountAsync($"SELECT count(*) FROM {t}")));

        var (status, _, body) = await CallAsync(app, f => f.RunNow, "POST", """{"target": 8, "dry_run": true}""");

        Assert.Equal(200, status);
        Assert.True(body.RootElement.GetProperty("dry_run").GetBoolean());
        Assert.Equal(8, body.RootElement.GetProperty("sessions_started").GetInt32());
        Assert.True(body.RootElement.GetProperty("rows").GetProperty("journey_scene_events").GetInt32() > 0);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_runs"));
        Assert.Equal(before, await Task.WhenAll(Tables.Activity.Select(t => app.CountAsync($"SELECT count(*) FROM {t}"))));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_a_large_one_413()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());

        var (wrongType, type1, _) = await CallAsync(app, f => f.Toggle, "POST", """{"enabled": false}""", contentType: "text/plain");
        var (tooLarge, type2, _) = await CallAsync(app, f => f.Settings, "POST", "{\"x\": \"" + new string('a', JsonRequest.MaxBytes) + "\"}");

        Assert.Equal(415, wrongType);
        Assert.Equal(413, tooLarge);
        Assert.Equal("application/problem+json", type1);
        Assert.Equal("application/problem+json", type2);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_settings_history"));
    }

    private static async Task<(int Status, string? ContentType, JsonDocument Body)> CallAsync(
        TestApp app, Func<ControlFunctions, Func<HttpRequest, CancellationToken, Task<IResult>>> function,
        string method, string? json, string? query = null, string contentType = "application/json")
    {
        var context = RunFunctionTests.HttpContextFor(method, query ?? "", json, contentType);
        var result = await function(new ControlFunctions(app.Status, app.Settings, app.Runs))(context.Request, CancellationToken.None);
        return await RunFunctionTests.ExecuteAsync(result, context);
    }
}
