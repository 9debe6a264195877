using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage.Declarations;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>Indexes are built on the engine's own tables and only recommended on the journey app's; no DDL or table lock on theirs.</summary>
public class RecommendedIndexTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string IndexesOnAppTables =
        """
        SELECT coalesce(string_agg(indexname || ':' || indexdef, E'\n' ORDER BY indexname), '')
        FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(ARRAY['profiles','sim_users','journeys','journey_scenes','scene_contracts','mindblocks',
            'journey_instances','journey_instance_scenes','journey_scene_events','journey_scene_captures','journey_resistance_checks',
            'journey_real_world_triggers','mindblock_events','user_mindblock_status'])
        """;

    [Fact]
    public async Task On_a_fresh_database_the_migrator_builds_every_recommended_index_on_the_tables_it_created()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateDatabaseAsync());

        var recommendations = await app.Status.GetIndexRecommendationsAsync(CancellationToken.None);

        Assert.Equal(Indexes.Recommended.Count, recommendations.Count);
        // journey_scenes' unique key (journey_id, scene_order) is an equivalent index, so none is added beside it.
        Assert.All(recommendations, r => Assert.Equal(r.Index.Name == "ix_journey_scenes_journey_order" ? "journey_scenes_journey_id_scene_order_key" : r.Index.Name, r.ExistingIndex));
        Assert.All(recommendations, r => Assert.True(r.OnTableTheEngineCreated));
        Assert.Equal(0, (await app.Status.GetHealthAsync(CancellationToken.None)).MissingRecommendedIndexes);
    }

    [Fact]
    public async Task On_the_apps_own_tables_migrating_takes_no_lock_and_builds_nothing_and_the_owner_builds_the_missing_ones_concurrently()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var ddl = string.Join("\n", ActivityTables.App.Select(t => $"CREATE TABLE {t.Name} ({string.Join(", ", t.Columns.Select(c => $"{c.Name} {c.Type.UdtName}"))});"));
        await Db.ExecuteAsync(database, ddl + "\nCREATE INDEX app_events_by_time ON journey_scene_events USING btree (created_at);");
        var before = await Db.TextAsync(database, IndexesOnAppTables);

        // The journey app is writing: its transaction holds the lock every INSERT takes on each of its tables.
        await using var writer = new NpgsqlConnection(database);
        await writer.OpenAsync();
        await using (var writing = new NpgsqlCommand("BEGIN; " + string.Join(" ", ActivityTables.App.Select(t => $"LOCK TABLE {t.Name} IN ROW EXCLUSIVE MODE;")), writer))
        {
            await writing.ExecuteNonQueryAsync();
        }

        await using var app = await TestApp.CreateAsync(database, ensureSchema: false);
        var migrate = app.Provider.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        var finished = await Task.WhenAny(migrate, Task.Delay(TimeSpan.FromSeconds(60)));
        await using (var done = new NpgsqlCommand("COMMIT", writer))
        {
            await done.ExecuteNonQueryAsync();
        }

        Assert.Same(migrate, finished); // it never waited for the writers' locks
        Assert.True((await migrate).Compatible);
        Assert.Equal(before, await Db.TextAsync(database, IndexesOnAppTables));
        var recommendations = await app.Status.GetIndexRecommendationsAsync(CancellationToken.None);
        var byTime = Assert.Single(recommendations, r => r.Index.Name == "ix_journey_scene_events_created_at");
        Assert.Equal("app_events_by_time", byTime.ExistingIndex);
        var missing = recommendations.Where(r => !r.Present).ToList();
        Assert.Equal(Indexes.Recommended.Count - 1, missing.Count);
        Assert.All(missing, r => Assert.StartsWith($"CREATE INDEX CONCURRENTLY IF NOT EXISTS {r.Index.Name} ON {r.Index.Table} (", r.Statement));
        Assert.Equal(Indexes.Recommended.Count - 1, (await app.Status.GetHealthAsync(CancellationToken.None)).MissingRecommendedIndexes);

        var exit = await MigrateCommand.RunAsync([$"--ConnectionStrings:Synthetics={database}", MigrateCommand.CreateRecommendedIndexes]);

        Assert.Equal(0, exit);
        var after = await app.Status.GetIndexRecommendationsAsync(CancellationToken.None);
        Assert.All(after, r => Assert.True(r.Present, r.Index.Name));
        Assert.Equal("app_events_by_time", after.Single(r => r.Index.Name == "ix_journey_scene_events_created_at").ExistingIndex);
        Assert.Equal(1L, await Db.ScalarAsync(database, "SELECT count(*) FROM pg_indexes WHERE tablename = 'journey_scene_events' AND indexdef LIKE '%(created_at)' AND indexdef NOT LIKE '%WHERE%'"));
        Assert.Equal(0L, await Db.ScalarAsync(database, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"));
    }

    [Fact]
    public void Unknown_zones_are_refused_at_enlistment()
    {
        Assert.Equal("Europe/London", Zones.Require("Europe/London"));
        var refused = Assert.Throws<ArgumentException>(() => Zones.Require("Mars/Olympus_Mons"));
        Assert.StartsWith("Time zone 'Mars/Olympus_Mons' is not known to this machine's time zone data", refused.Message);
    }
}
