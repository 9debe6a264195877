using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Functions;

public class PoolFunctionsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Sim_users_pages_through_the_pool_with_sessions_and_journeys()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.RunAsync(RunTrigger.Manual, 10);

        var (status, _, first) = await CallAsync(app, (f, r, c) => f.SimUsers(r, c), "GET", null, "?page=1&page_size=80");
        var (_, _, last) = await CallAsync(app, (f, r, c) => f.SimUsers(r, c), "GET", null, "?page=3&page_size=80");
        var (_, _, beyond) = await CallAsync(app, (f, r, c) => f.SimUsers(r, c), "GET", null, "?page=4&page_size=80");

        Assert.Equal(200, status);
        Assert.Equal(200, first.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(80, first.RootElement.GetProperty("users").GetArrayLength());
        Assert.Equal(40, last.RootElement.GetProperty("users").GetArrayLength());
        Assert.Equal(0, beyond.RootElement.GetProperty("users").GetArrayLength());
        var all = first.RootElement.GetProperty("users").EnumerateArray()
            .Concat((await CallAsync(app, (f, r, c) => f.SimUsers(r, c), "GET", null, "?page=2&page_size=80")).Body.RootElement.GetProperty("users").EnumerateArray())
            .Concat(last.RootElement.GetProperty("users").EnumerateArray()).ToList();
        Assert.Equal(200, all.Select(u => u.GetProperty("profile_id").GetGuid()).Distinct().Count());
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_instances WHERE status = 'active'"),
            all.Count(u => u.GetProperty("active_journey").ValueKind == JsonValueKind.Object));
        // Those who have a journey: the run's ten and the fresh install's people mid-story.
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_instances"),
            all.Count(u => u.GetProperty("last_activity_at").ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task Shrinking_the_pool_retires_users_and_keeps_their_history_and_growing_adds_them_back_first()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var first = await app.RunAsync(RunTrigger.Manual, 50);
        var events = await app.CountAsync("SELECT count(*) FROM journey_scene_events");

        var living = await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL");

        var (status, _, shrunk) = await CallAsync(app, (f, r, c) => f.ResizePool(r, c), "POST", """{"pool_size": 150}""");
        // Runs until someone leaves (retired at the next run: the cap counts the living); who left does not come back when the pool grows.
        var active = 150L;
        for (var run = 0; run < 20 && active >= 150; run++)
        {
            await app.RunAsync(RunTrigger.Manual, 50);
            active = await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL");
        }

        var shrunkAway = await app.CountAsync(
            "SELECT count(*) FROM synthetic_pool pm WHERE pm.retired_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id AND us.lifecycle = 'churned')");
        Assert.True(active < 150, "someone left in the runs after the shrink and retired");
        var (_, _, grown) = await CallAsync(app, (f, r, c) => f.ResizePool(r, c), "POST", """{"pool_size": 230}""");

        Assert.Equal(200, status);
        Assert.Equal(living - 150, shrunk.RootElement.GetProperty("retired").GetInt64());
        Assert.Equal(150, shrunk.RootElement.GetProperty("pool_size").GetInt64());
        Assert.Equal(events, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", first.RunId.ToString()));
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM journey_scene_events e JOIN synthetic_pool su ON su.profile_id = e.user_id JOIN synthetic_user_state us ON us.profile_id = su.profile_id WHERE su.retired_at IS NOT NULL AND us.lifecycle <> 'churned' AND e.event_payload->>'run_id' <> $1",
            first.RunId.ToString()));
        Assert.Equal(shrunkAway, grown.RootElement.GetProperty("reactivated").GetInt64());
        Assert.Equal(230 - active - shrunkAway, grown.RootElement.GetProperty("added").GetInt64());
        Assert.Equal(230, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL"));
    }

    [Fact]
    public async Task Activity_counts_each_hour_as_the_tables_do()
    {
        var now = new DateTimeOffset(2026, 6, 1, 12, 30, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: now.AddHours(-5));
        await app.RunAsync(RunTrigger.Manual, 20);
        app.Time.SetUtcNow(now);
        await app.RunAsync(RunTrigger.Manual, 20);

        var (status, _, body) = await CallAsync(app, (f, r, c) => f.Activity(r, "24", c), "GET", null);

        Assert.Equal(200, status);
        var buckets = body.RootElement.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal(24, buckets.Count);
        Assert.Equal(new DateTimeOffset(2026, 5, 31, 13, 0, 0, TimeSpan.Zero), buckets[0].GetProperty("hour").GetDateTimeOffset());
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_scene_events"), buckets.Sum(b => b.GetProperty("events").GetInt64()));
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_scene_captures"), buckets.Sum(b => b.GetProperty("captures").GetInt64()));
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_resistance_checks"), buckets.Sum(b => b.GetProperty("resistance_checks").GetInt64()));
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM mindblock_events"), buckets.Sum(b => b.GetProperty("mindblock_events").GetInt64()));
        // Journeys started in the 24 hours (a fresh install's people mid-story began theirs before).
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_instances WHERE started_at >= '2026-05-31T13:00:00Z'"), buckets.Sum(b => b.GetProperty("journeys_started").GetInt64()));
        Assert.Equal(40, buckets.Sum(b => b.GetProperty("sessions").GetInt64()));
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM journey_instances WHERE status = 'completed'"), buckets.Sum(b => b.GetProperty("journeys_completed").GetInt64()));
        Assert.Equal(
            await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at >= '2026-06-01T12:00:00Z'"),
            buckets[23].GetProperty("events").GetInt64());
    }

    private static async Task<(int Status, string? ContentType, JsonDocument Body)> CallAsync(
        TestApp app, Func<PoolFunctions, HttpRequest, CancellationToken, Task<IResult>> call, string method, string? json, string? query = null)
    {
        var context = RunFunctionTests.HttpContextFor(method, query ?? "", json);
        return await RunFunctionTests.ExecuteAsync(await call(new PoolFunctions(app.Pool, app.Status), context.Request, CancellationToken.None), context);
    }
}
