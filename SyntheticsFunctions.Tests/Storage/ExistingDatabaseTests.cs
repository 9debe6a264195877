using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>Pointed at the journey app's own database: never alter what exists, refuse what does not fit.</summary>
public class ExistingDatabaseTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_table_missing_a_column_stops_the_engine_alters_nothing_and_health_names_it()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await Db.ExecuteAsync(database,
            """
            CREATE TABLE profiles (id uuid PRIMARY KEY, email text);
            CREATE TABLE journey_scene_events (id uuid PRIMARY KEY, user_id uuid, event_type text, created_at timestamptz);
            INSERT INTO profiles VALUES ('00000000-0000-0000-0000-000000000001', 'a@example.com');
            INSERT INTO journey_scene_events VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'app_opened', now());
            """);
        var before = await Catalog(database);

        await using var app = await TestApp.CreateAsync(database, ensureSchema: false);
        var status = await app.Provider.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        var run = await app.RunAsync(RunTrigger.Cron);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        Assert.False(status.Compatible);
        Assert.Equal(RunStatus.SchemaIncompatible, run.Status);
        Assert.False(health.Healthy);
        var expected = new[]
        {
            "journey_scene_events.instance_id is missing (expected uuid)",
            "journey_scene_events.instance_scene_id is missing (expected uuid)",
            "journey_scene_events.scene_id is missing (expected uuid)",
            "journey_scene_events.event_payload is missing (expected jsonb)",
        };
        Assert.Equal(expected, health.Problems);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("journey_scene_events.event_payload is missing"));
        Assert.Equal(before, await Catalog(database));
        Assert.Equal(1L, await Db.ScalarAsync(database, "SELECT count(*) FROM journey_scene_events"));
    }

    [Fact]
    public async Task The_apps_own_catalog_and_profiles_are_used_read_only_and_the_pool_comes_from_the_setting()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var journey = Guid.NewGuid();
        var pooled = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var untouched = Guid.NewGuid();
        await Db.ExecuteAsync(database,
            $"""
            CREATE TABLE profiles (id uuid PRIMARY KEY, display_name text NOT NULL);
            INSERT INTO profiles VALUES ('{pooled[0]}', 'Test one'), ('{pooled[1]}', 'Test two'), ('{untouched}', 'Real person');
            CREATE TABLE journeys (id uuid PRIMARY KEY, slug text NOT NULL, title text NOT NULL, clinical_focus text NOT NULL);
            INSERT INTO journeys VALUES ('{journey}', 'app-journey', 'The app''s journey', 'stress');
            CREATE TABLE journey_scenes (id uuid PRIMARY KEY, journey_id uuid NOT NULL REFERENCES journeys, scene_order int NOT NULL, title text NOT NULL);
            INSERT INTO journey_scenes SELECT gen_random_uuid(), '{journey}', n, 'Scene ' || n FROM generate_series(1, 5) n;
            """);
        var catalogBefore = await Db.TextAsync(database, "SELECT string_agg(j::text, '|' ORDER BY j.id) FROM journeys j")
            + await Db.TextAsync(database, "SELECT string_agg(s::text, '|' ORDER BY s.id) FROM journey_scenes s")
            + await Db.TextAsync(database, "SELECT string_agg(p::text, '|' ORDER BY p.id) FROM profiles p");

        await using var app = await TestApp.CreateAsync(database, new Dictionary<string, string?>
        {
            ["Synthetics:PoolProfileIds"] = $"{pooled[0]}, {pooled[1]}",
        });
        var run = await app.RunAsync(RunTrigger.Manual, 5);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Result!.SessionsStarted);
        Assert.Equal(catalogBefore,
            await Db.TextAsync(database, "SELECT string_agg(j::text, '|' ORDER BY j.id) FROM journeys j")
            + await Db.TextAsync(database, "SELECT string_agg(s::text, '|' ORDER BY s.id) FROM journey_scenes s")
            + await Db.TextAsync(database, "SELECT string_agg(p::text, '|' ORDER BY p.id) FROM profiles p"));
        Assert.Equal(0L, await Db.ScalarAsync(database, "SELECT count(*) FROM scene_contracts"));
        Assert.Equal(2L, await Db.ScalarAsync(database, "SELECT count(*) FROM sim_users"));
        Assert.Equal(2L, await Db.ScalarAsync(database, "SELECT count(DISTINCT user_id) FROM journey_instances WHERE journey_id = '" + journey + "'"));
        Assert.Equal(0L, await Db.ScalarAsync(database, "SELECT count(*) FROM journey_scene_events WHERE user_id = '" + untouched + "'"));
        Assert.DoesNotContain("profiles", await TablesCreatedByApp(database));
    }

    [Fact]
    public async Task Instances_starting_at_once_migrate_once_and_seed_the_pool_exactly_once()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var apps = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestApp.CreateAsync(database, ensureSchema: false)));
        try
        {
            var statuses = await Task.WhenAll(apps.Select(a => Task.Run(() => a.Provider.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None))));

            Assert.All(statuses, s => Assert.True(s.Compatible));
            Assert.Equal(Migrations.Count, await Db.ScalarAsync(database, "SELECT count(*) FROM synthetics_schema_versions")); // each migration once
            Assert.Equal(200L, await Db.ScalarAsync(database, "SELECT count(*) FROM sim_users"));
            Assert.Equal(DefaultCatalog.Catalog.Journeys.Count, await Db.ScalarAsync(database, "SELECT count(*) FROM journeys"));
            Assert.Equal(DefaultCatalog.Catalog.Journeys.Sum(j => j.Scenes.Count), await Db.ScalarAsync(database, "SELECT count(*) FROM scene_contracts"));
            Assert.Equal(DefaultCatalog.Catalog.Mindblocks.Count, await Db.ScalarAsync(database, "SELECT count(*) FROM mindblocks"));
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Seeding_again_changes_nothing()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using (await TestApp.CreateAsync(database))
        {
        }

        var before = await Db.TextAsync(database, "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT j::text x FROM journeys j UNION ALL SELECT s::text FROM journey_scenes s UNION ALL SELECT c::text FROM scene_contracts c UNION ALL SELECT m::text FROM mindblocks m UNION ALL SELECT p::text FROM profiles p UNION ALL SELECT u::text FROM sim_users u) t");
        await using var again = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:Seed"] = "99" });
        await again.Provider.GetRequiredService<SchemaGate>().MigrateAsync(CancellationToken.None);

        Assert.Equal(before, await Db.TextAsync(database, "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT j::text x FROM journeys j UNION ALL SELECT s::text FROM journey_scenes s UNION ALL SELECT c::text FROM scene_contracts c UNION ALL SELECT m::text FROM mindblocks m UNION ALL SELECT p::text FROM profiles p UNION ALL SELECT u::text FROM sim_users u) t"));
    }

    [Fact]
    public async Task With_migration_at_startup_off_nothing_is_created_until_the_migrate_command_runs()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:MigrateOnStartup"] = "false" }, ensureSchema: false);

        var run = await app.RunAsync(RunTrigger.Manual, 5);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);
        var tablesBefore = await Db.ScalarAsync(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        var migrated = await app.Provider.GetRequiredService<SchemaGate>().MigrateAsync(CancellationToken.None);
        var after = await app.RunAsync(RunTrigger.Manual, 5);

        Assert.Equal(RunStatus.SchemaIncompatible, run.Status);
        Assert.False(health.Healthy);
        Assert.Contains("journey_scene_events is missing: run the migrate command", health.Problems);
        Assert.Equal(0L, tablesBefore);
        Assert.True(migrated.Compatible);
        Assert.Equal(RunStatus.Succeeded, after.Status);
    }

    /// <summary>Every table, column and index in public, as text.</summary>
    private static Task<string> Catalog(string connectionString) => Db.TextAsync(connectionString,
        """
        SELECT string_agg(x, '|' ORDER BY x) FROM (
            SELECT table_name || '.' || column_name || ':' || udt_name AS x FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT 'index:' || indexname FROM pg_indexes WHERE schemaname = 'public') t
        """);

    private static async Task<List<string>> TablesCreatedByApp(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM synthetic_created_tables", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
