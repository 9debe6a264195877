using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// Upgrades migrate themselves: a database as each earlier release left it (a committed pg_dump,
/// journal included, one row in every table) is restored, the app starts as it does in Azure
/// (SchemaStartup, MigrateOnStartup), and it must come up healthy on the newest schema with every
/// row kept and a cron run that succeeds.
/// </summary>
public class UpgradeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string FixtureDirectory = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions.Tests", "Fixtures", "Upgrades");

    public static TheoryData<string> EveryMigration => [.. SchemaRelease.Current.Migrations.Select(m => m.Version)];

    [Theory]
    [MemberData(nameof(EveryMigration))]
    public async Task A_database_migrated_up_to_just_before_each_migration_upgrades_with_every_row_kept(string migration)
    {
        var number = int.Parse(migration[..4], CultureInfo.InvariantCulture);
        var fixture = Path.Combine(FixtureDirectory, $"after_{number - 1:D4}.sql");
        Assert.True(
            File.Exists(fixture),
            $"No upgrade fixture for migration {migration}: run scripts/make-upgrade-fixture.sh {number} and commit {Path.GetRelativePath(LocalHostTests.RepoRoot(), fixture)}");

        var (before, after) = await UpgradeAsync(fixture);

        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_database_that_ran_0005_reliability_upgrades_with_its_user_state_rederived()
    {
        var (before, after) = await UpgradeAsync(Path.Combine(FixtureDirectory, "history_0005_reliability.sql"));

        // 0005_reliability's user state (only when a user's last session ended) cannot become the
        // population model's; 0005_runs_and_population empties it and the engine derives it again.
        Assert.Equal(1L, before["synthetic_user_state"]);
        Assert.Equal(before.SetItem("synthetic_user_state", 0), after);
    }

    [Fact]
    public async Task A_database_that_ran_0006_practice_sessions_upgrades_with_every_row_kept()
    {
        var (before, after) = await UpgradeAsync(Path.Combine(FixtureDirectory, "history_0006_practice_sessions.sql"));

        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_release_adding_a_column_to_a_table_the_engine_created_migrates_it_in_at_startup()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using (await TestApp.CreateAsync(database))
        {
        }

        // The next release: a column its declarations require, and the migration that adds it.
        var next = SchemaRelease.Current.With(
            new MigrationScript(SchemaRelease.ScriptPrefix + "9999_dummy.sql", "ALTER TABLE journey_resistance_checks ADD COLUMN dummy text;"),
            new RequiredColumn("journey_resistance_checks", "dummy", "text"));
        await using var app = await StartAsync(database, next);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);
        var run = await app.RunAsync(RunTrigger.Cron);

        Assert.Equal((true, "9999_dummy", ""), (health.Healthy, health.SchemaVersion, string.Join("; ", health.Problems)));
        Assert.Equal(1L, await Db.ScalarAsync(database, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'journey_resistance_checks' AND column_name = 'dummy'"));
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task The_same_column_missing_from_the_journey_apps_own_table_stops_the_engine_before_migrating()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await Db.ExecuteAsync(database,
            """
            CREATE TABLE journey_resistance_checks (
                id uuid PRIMARY KEY, instance_id uuid, instance_scene_id uuid, user_id uuid, scene_id uuid,
                resistance_level int, strategy text, created_at timestamptz, metadata jsonb)
            """);
        var next = SchemaRelease.Current.With(
            new MigrationScript(SchemaRelease.ScriptPrefix + "9999_dummy.sql", "ALTER TABLE journey_resistance_checks ADD COLUMN dummy text;"),
            new RequiredColumn("journey_resistance_checks", "dummy", "text"));

        await using var app = await StartAsync(database, next);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        // Migrations never alter a table the engine did not create, so nothing is migrated at all.
        Assert.Equal((false, null), (health.Healthy, health.SchemaVersion));
        Assert.Equal(["journey_resistance_checks.dummy is missing (expected text)"], health.Problems);
        Assert.Equal(0L, await Db.ScalarAsync(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'journey_resistance_checks'"));
    }

    [Fact]
    public async Task A_migration_that_fails_makes_health_and_runs_name_the_file_and_its_error_and_no_run_starts()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using (await TestApp.CreateAsync(database))
        {
        }

        var runsBefore = await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_runs");
        var broken = SchemaRelease.Current.With(
            new MigrationScript(SchemaRelease.ScriptPrefix + "9999_broken.sql", "ALTER TABLE synthetic_sessions ADD COLUMN practice_until_order int;"));
        await using var app = await StartAsync(database, broken);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);
        var run = await app.RunAsync(RunTrigger.Cron);

        const string Problem = "migration 9999_broken failed: column \"practice_until_order\" of relation \"synthetic_sessions\" already exists";
        Assert.Equal((false, Migrations.Latest, "The schema is incompatible."), (health.Healthy, health.SchemaVersion, health.Error));
        Assert.Equal([Problem], health.Problems);
        Assert.Equal(RunStatus.SchemaIncompatible, run.Status);
        Assert.Equal([Problem], run.Problems);
        Assert.Equal(runsBefore, await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_runs"));
    }

    /// <summary>Restores the fixture, starts the app on it and runs one cron tick; the fixture's tables' row counts before and after the start.</summary>
    private async Task<(System.Collections.Immutable.ImmutableSortedDictionary<string, long> Before, System.Collections.Immutable.ImmutableSortedDictionary<string, long> After)> UpgradeAsync(string fixture)
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await RestoreAsync(database, await File.ReadAllTextAsync(fixture));
        var before = await CountRowsAsync(database, null);

        await using var app = await StartAsync(database, SchemaRelease.Current);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);
        var after = await CountRowsAsync(database, before.Keys);
        var run = await app.RunAsync(RunTrigger.Cron);

        Assert.Equal((true, Migrations.Latest, ""), (health.Healthy, health.SchemaVersion, string.Join("; ", health.Problems)));
        Assert.Equal((RunStatus.Succeeded, null), (run.Status, run.Error));
        return (before, after);
    }

    /// <summary>The app as the host starts it: every hosted service (SchemaStartup migrates and seeds), with this release's migrations.</summary>
    private static async Task<TestApp> StartAsync(string database, SchemaRelease release)
    {
        var app = await TestApp.CreateAsync(database, ensureSchema: false, beforeApp: s => s.AddSingleton(release));
        foreach (var service in app.Provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        return app;
    }

    private static async Task RestoreAsync(string database, string dump)
    {
        // Its own unpooled connection: the dump's SET lines must not outlive the restore.
        var unpooled = new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString;
        await Db.ExecuteAsync(unpooled, dump);
    }

    /// <summary>Rows per table in public (the journal aside); only <paramref name="tables"/> when given.</summary>
    private static async Task<System.Collections.Immutable.ImmutableSortedDictionary<string, long>> CountRowsAsync(string database, IEnumerable<string>? tables)
    {
        var names = tables?.ToList() ?? [.. (await Db.TextAsync(database,
            $"SELECT coalesce(string_agg(tablename, ',' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = 'public' AND tablename <> '{SchemaInspector.JournalTable}'"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries)];
        var counts = System.Collections.Immutable.ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            counts[name] = await Db.ScalarAsync(database, $"SELECT count(*) FROM \"{name}\"");
        }

        return counts.ToImmutable();
    }
}
