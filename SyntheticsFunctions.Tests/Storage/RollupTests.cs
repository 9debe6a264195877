using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>The rollups behind status and activity agree with a direct count of the tables, after runs, cleanup and purge.</summary>
public class RollupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Rollups_agree_with_the_tables_after_runs_cleanup_and_purge()
    {
        var start = TestApp.DefaultNow.AddDays(-4);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: start);
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 8, max_per_run = 12 WHERE id = 1");
        await RealUserRows.InsertAsync(app, start.AddHours(-1), taggedSynthetic: true);
        await app.RunAsync(RunTrigger.Manual, 40);
        for (var tick = 0; tick < 90; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(tick % 10 == 0 ? 47 : 1));
            await app.RunAsync(RunTrigger.Cron);
        }

        app.Time.Advance(TimeSpan.FromDays(8)); // the idle limit abandons what was left active
        await app.RunAsync(RunTrigger.Cron);
        await AssertRollupsMatchTablesAsync(app, "after runs");

        await app.Cleanup.CleanupAsync(9, "cleanup", CancellationToken.None);
        await AssertRollupsMatchTablesAsync(app, "after cleanup");

        await app.Cleanup.PurgeAsync(CancellationToken.None);
        await AssertRollupsMatchTablesAsync(app, "after purge");
    }

    private static async Task AssertRollupsMatchTablesAsync(TestApp app, string when)
    {
        const string Minutes = "SELECT coalesce(string_agg(minute::text || event_type || '=' || events, ',' ORDER BY minute, event_type), '') FROM synthetic_event_minutes WHERE events <> 0";
        const string Hours = "SELECT coalesce(string_agg(hour::text || metric || '=' || count, ',' ORDER BY hour, metric), '') FROM synthetic_activity_hours WHERE count <> 0";
        var kept = (await Db.TextAsync(app.ConnectionString, Minutes), await Db.TextAsync(app.ConnectionString, Hours));

        await app.ExecuteAsync("SELECT synthetic_rebuild_rollups()");
        var counted = (await Db.TextAsync(app.ConnectionString, Minutes), await Db.TextAsync(app.ConnectionString, Hours));

        Assert.True(kept.Item1.Length > 0 || when == "after purge", $"no rollup rows {when}");
        Assert.True(kept == counted, $"rollups differ from the tables {when}");
    }
}
