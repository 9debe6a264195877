using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>Health that tells the truth about capacity: degraded where the pool holds the volume back, stale where sessions were expected and none started.</summary>
public class HealthTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_fixed_pool_with_nobody_in_it_is_degraded_saying_what_to_do()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await SeedShapedDatabaseTests.CreateSeedDatabaseAsync(database, TestApp.DefaultNow, simUsersHaveCreatedAt: false, members: 0);
        await using var app = await TestApp.CreateAsync(database);

        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Healthy);
        Assert.True(health.Degraded);
        Assert.Equal([StatusService.NobodyCanStart], health.Warnings);
        Assert.Empty(health.Problems);
    }

    [Fact]
    public async Task A_fixed_pool_whose_members_are_all_retired_is_degraded_too()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await SeedShapedDatabaseTests.CreateSeedDatabaseAsync(database, TestApp.DefaultNow, simUsersHaveCreatedAt: false, members: 3);
        await using var app = await TestApp.CreateAsync(database);
        Assert.Equal([], (await app.Status.GetHealthAsync(CancellationToken.None)).Warnings?.Where(w => w == StatusService.NobodyCanStart) ?? []);

        await app.ExecuteAsync("UPDATE synthetic_pool SET retired_at = $1", TestApp.DefaultNow.UtcDateTime);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Degraded);
        Assert.Equal([StatusService.NobodyCanStart], health.Warnings);
    }

    [Fact]
    public async Task A_short_fixed_pool_is_degraded_with_the_fixes()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await SeedShapedDatabaseTests.CreateSeedDatabaseAsync(database, TestApp.DefaultNow, simUsersHaveCreatedAt: false, members: 3);
        await using var app = await TestApp.CreateAsync(database);

        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Degraded);
        var warning = Assert.Single(health.Warnings!);
        Assert.StartsWith($"The pool is short: 3 members for the {health.Capacity!.Needed} people the settings need", warning, StringComparison.Ordinal);
        Assert.EndsWith(string.Join(" ", StatusService.PoolFixes), warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_owned_pool_is_healthy_and_goes_stale_only_once_ticks_start_no_session_over_the_span_that_expected_ten()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var first = await app.Status.GetHealthAsync(CancellationToken.None);
        Assert.False(first.Degraded);
        Assert.Equal([], first.Warnings);

        // Everyone's next session a month away, and the pool at its cap (200): ticks succeed and start nobody.
        await app.ExecuteAsync("UPDATE synthetic_user_state SET next_session_at = $1", TestApp.DefaultNow.AddDays(30).UtcDateTime);
        var capacity = (await app.Status.GetStatusAsync(CancellationToken.None)).Capacity!;
        var staleAt = (DateTimeOffset?)null;
        for (var tick = 1; tick <= 12 * 24 && staleAt is null; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(5));
            var run = await app.RunAsync(RunTrigger.Cron);
            Assert.Equal(0, run.Result!.SessionsStarted);
            if ((await app.Status.GetHealthAsync(CancellationToken.None)).Stale)
            {
                staleAt = app.Time.GetUtcNow();
            }
        }

        // Stale exactly when the cron runs cover the span in which ten sessions were expected (one step's grace).
        Assert.NotNull(staleAt);
        var span = ExpectedVolume.SpanExpecting(StatusService.StaleExpectedSessions, capacity.ExpectedSessionsPerMin, EngineSettings.Defaults.MaxPerRun,
            await PoolZonesAsync(app), staleAt.Value, StatusService.StaleSpanLimit)!.Value;
        Assert.InRange(staleAt.Value - TestApp.DefaultNow, span - StatusService.StaleAfter, span + TimeSpan.FromMinutes(5));

        // A tick that starts sessions ends it.
        await app.ExecuteAsync("UPDATE synthetic_user_state SET next_session_at = $1 WHERE profile_id IN (SELECT profile_id FROM synthetic_user_state ORDER BY profile_id LIMIT 20)",
            app.Time.GetUtcNow().UtcDateTime);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await app.RunAsync(RunTrigger.Cron)).Result!.SessionsStarted > 0);
        Assert.False((await app.Status.GetHealthAsync(CancellationToken.None)).Stale);
    }

    [Fact]
    public async Task A_paused_engine_is_never_stale()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        app.Time.Advance(TimeSpan.FromDays(1));

        Assert.False((await app.Status.GetHealthAsync(CancellationToken.None)).Stale);
    }

    private static async Task<IReadOnlyList<TimezoneCount>> PoolZonesAsync(TestApp app)
    {
        var zones = new List<TimezoneCount>();
        await using var connection = await app.DataSource.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT timezone, count(*) FROM synthetic_pool WHERE retired_at IS NULL GROUP BY 1 ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            zones.Add(new TimezoneCount(reader.GetString(0), reader.GetInt64(1)));
        }

        return zones;
    }
}
