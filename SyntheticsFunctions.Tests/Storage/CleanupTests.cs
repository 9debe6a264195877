using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

public class CleanupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Cleanup_retention_and_purge_never_touch_real_users_rows_tagged_or_not()
    {
        var start = TestApp.DefaultNow.AddDays(-10);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: start);
        var real = await RealUserRows.InsertAsync(app, start.AddDays(-400));
        var realTagged = await RealUserRows.InsertAsync(app, start.AddDays(-400), taggedSynthetic: true);
        var simUntagged = await InsertUntaggedSimRowAsync(app, start.AddDays(-400));
        var before = await RealUserRows.SnapshotAsync(app, real, realTagged);
        var untaggedBefore = await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE user_id = $1", simUntagged);

        await app.RunAsync(RunTrigger.Manual, 30);
        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        app.Time.Advance(TimeSpan.FromDays(3));
        var cleanup = await app.Cleanup.CleanupAsync(1, "cleanup", CancellationToken.None);
        await new CleanupFunctions(app.Cleanup, new Microsoft.Extensions.Logging.Abstractions.NullLogger<CleanupFunctions>())
            .Retention(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        // People who left retired, and newcomers took their places: the pool has more than 200 profiles.
        var simProfiles = await app.CountAsync("SELECT count(*) FROM sim_users");
        var purge = await app.Cleanup.PurgeAsync(CancellationToken.None);

        Assert.True(cleanup.RowsDeleted[Tables.JourneySceneEvents] > 0);
        Assert.Equal(before, await RealUserRows.SnapshotAsync(app, real, realTagged));
        Assert.Equal(untaggedBefore, await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE user_id = $1", simUntagged));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM journey_instances WHERE user_id = $1", simUntagged));
        foreach (var table in Tables.Activity)
        {
            var column = table == Tables.JourneySceneEvents ? "event_payload" : "metadata";
            Assert.Equal(0, await app.CountAsync(
                $"SELECT count(*) FROM {table} WHERE {column}->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) AND user_id <> $1", simUntagged));
        }

        // Every app-created sim profile went, except the one whose untagged rows remain.
        Assert.Equal(simProfiles - 1, purge.Profiles);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM sim_users"));
        Assert.Equal(3, await app.CountAsync("SELECT count(*) FROM synthetic_cleanups"));

        // The realism facts went with the rows they describe.
        Assert.Equal(0, await app.CountAsync("SELECT (SELECT count(*) FROM synthetic_realism_pieces) + (SELECT count(*) FROM synthetic_realism_signals) + (SELECT count(*) FROM synthetic_realism_checks)"));
    }

    [Fact]
    public async Task Purge_where_the_engine_owns_profiles_leaves_a_fresh_steady_state_population_and_a_runnable_engine()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        var purge = await app.Cleanup.PurgeAsync(CancellationToken.None);

        // The cap is 200 (TestApp), below the steady state's people at the defaults: 200 new people.
        Assert.Equal(new PoolAfterPurge(200, true, 200), purge.Pool);
        Assert.Equal("The engine owns profiles: a fresh steady-state population of 200 people was added, and the engine keeps writing.", purge.PoolNote);
        Assert.Equal(200, await app.CountAsync("SELECT count(*) FROM sim_users"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions"));
        // Six hours of ticks: the volume a 200-person pool carries at the defaults (it gives way
        // in proportion to the people the settings need), within a wide factor.
        var expected = PoolCapacity.For(EngineSettings.Defaults, 200, growable: true).ExpectedSessionsPerMin * 360;
        long started = 0;
        for (var i = 0; i < 72; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(5));
            started += (await app.RunAsync(RunTrigger.Cron)).Result!.SessionsStarted;
        }

        Assert.InRange(started, Math.Max(1, expected / 4), expected * 4);
    }

    [Fact]
    public async Task Cleanup_deletes_old_journeys_whole_keeps_those_in_progress_and_bounds_each_transaction()
    {
        var start = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: start);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        await app.RunAsync(RunTrigger.Manual, 20);      // old: will be cleaned
        var oldInstances = await app.CountAsync("SELECT count(*) FROM journey_instances");
        var oldRows = new Dictionary<string, long>();
        foreach (var table in Tables.Activity)
        {
            oldRows[table] = await app.CountAsync($"SELECT count(*) FROM {table}");
        }

        app.Time.SetUtcNow(start.AddDays(10));
        var kept = await app.RunAsync(RunTrigger.Manual, 10); // recent: kept
        var keptEvents = await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE created_at > $1", start.AddDays(5).UtcDateTime);
        var keptSessions = await app.CountAsync("SELECT count(DISTINCT event_payload->>'session_id') FROM journey_scene_events WHERE event_payload->>'run_id' = $1", kept.RunId.ToString());
        var keptSignals = await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_type = 'mindblock_signal' AND event_payload->>'run_id' = $1", kept.RunId.ToString());
        Assert.Equal(2, await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks"));
        var store = app.Provider.GetRequiredService<CleanupStore>();

        var result = await store.DeleteAsync(Guid.NewGuid(), "cleanup", app.Time.GetUtcNow(), app.Time.GetUtcNow().AddDays(-5), 5, batchSize: 3, CancellationToken.None);

        // The old run's realism facts went with its rows; the recent run's stay.
        Assert.Equal(keptSessions, await app.CountAsync("SELECT count(*) FROM synthetic_realism_pieces"));
        Assert.Equal(keptSignals, await app.CountAsync("SELECT count(*) FROM synthetic_realism_signals"));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks WHERE write_id = $1", kept.RunId));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks"));

        Assert.Equal((int)Math.Ceiling(oldInstances / 3.0), result.Transactions);
        Assert.Equal(oldInstances, result.RowsDeleted[Tables.JourneyInstances]);
        foreach (var table in Tables.Activity.Where(t => t != Tables.UserMindblockStatus))
        {
            Assert.Equal(oldRows[table], result.RowsDeleted[table]);
        }

        Assert.Equal(0, result.RowsDeleted[Tables.UserMindblockStatus]);
        Assert.Equal(keptEvents, await app.CountAsync("SELECT count(*) FROM journey_scene_events"));
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT instance_id) FROM journey_scene_events WHERE event_payload->>'run_id' = $1", kept.RunId.ToString()),
            await app.CountAsync("SELECT count(*) FROM journey_instances"));
        var perInstance = await app.CountAsync(
            """
            SELECT max(n) FROM (SELECT 1 + (SELECT count(*) FROM journey_instance_scenes s WHERE s.instance_id = i.id)
                                  + (SELECT count(*) FROM journey_scene_events e WHERE e.instance_id = i.id) AS n FROM journey_instances i) t
            """);
        Assert.True(result.MaxRowsPerTransaction <= 3 * 200, $"{result.MaxRowsPerTransaction} rows in one transaction");
        Assert.True(perInstance > 0);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_cleanups WHERE id = $1 AND transactions = $2", result.Id, result.Transactions));
    }

    /// <summary>A sim user's old instance with one event that does not carry the tag: cleanup must leave both.</summary>
    private static async Task<Guid> InsertUntaggedSimRowAsync(TestApp app, DateTimeOffset at)
    {
        await using var command = app.DataSource.CreateCommand("SELECT profile_id FROM sim_users ORDER BY profile_id LIMIT 1");
        var user = (Guid)(await command.ExecuteScalarAsync())!;
        var instance = Guid.NewGuid();
        var journey = DefaultCatalog.Catalog.Journeys[1];
        await app.ExecuteAsync(
            """
            INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, created_at, metadata)
            VALUES ($1, $2, $3, 'abandoned', 1, $4, $4, $4, '{"synthetic": true}')
            """, instance, user, journey.Id, at.UtcDateTime);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_scene_events (id, instance_id, user_id, event_type, event_payload, created_at)
            VALUES ($1, $2, $3, 'scene_opened', '{"imported": true}', $4)
            """, Guid.NewGuid(), instance, user, at.UtcDateTime);
        return user;
    }
}
