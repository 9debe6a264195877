using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The default catalog where the engine created the catalog tables: a fresh install gets all of it
/// dated before the oldest history, with the seeded contracts' prompts; an install seeded with the
/// first release (4 journeys) gains the rest at its next start, dated then, its old rows unchanged,
/// and nobody is offered a new journey before it.
/// </summary>
public class CatalogUpgradeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string CatalogRows =
        """
        SELECT string_agg(x, '|' ORDER BY x) FROM (
            SELECT j::text x FROM journeys j UNION ALL SELECT s::text FROM journey_scenes s
            UNION ALL SELECT c::text FROM scene_contracts c UNION ALL SELECT m::text FROM mindblocks m) t
        """;

    private static readonly JourneyDefinition[] FirstRelease = [.. DefaultCatalog.Catalog.Journeys.Take(DefaultCatalog.FirstReleaseJourneys)];

    private static readonly JourneyDefinition[] Added = [.. DefaultCatalog.Catalog.Journeys.Skip(DefaultCatalog.FirstReleaseJourneys)];

    [Fact]
    public async Task A_fresh_install_gets_the_whole_catalog_dated_before_its_history_with_three_prompts_per_capture_scene()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database);
        var datedAt = DefaultCatalog.DatedAt(TestApp.DefaultNow);

        var catalog = DefaultCatalog.Catalog;
        Assert.Equal(catalog.Journeys.Count, await Db.ScalarAsync(database, "SELECT count(*) FROM journeys"));
        Assert.Equal(catalog.Journeys.Sum(j => j.Scenes.Count), await Db.ScalarAsync(database, "SELECT count(*) FROM journey_scenes"));
        Assert.Equal(catalog.Journeys.Count, await Db.ScalarAsync(database, $"SELECT count(*) FROM journeys WHERE created_at = {Literal(datedAt)}"));
        Assert.Equal(0L, await Db.ScalarAsync(database, $"SELECT count(*) FROM journey_scenes WHERE created_at <> {Literal(datedAt)}"));

        // Each capture scene's contract keeps its prompts in its metadata; capture_prompt is the first (none where it asks what the user noticed).
        var captureScenes = catalog.Journeys.SelectMany(j => j.Scenes).Where(s => s.Contract.RequiredCaptures > 0).ToList();
        foreach (var scene in captureScenes)
        {
            var prompts = JsonSerializer.Deserialize<string[]>(await Db.TextAsync(database, $"SELECT metadata->>'prompts' FROM scene_contracts WHERE scene_id = '{scene.Id}'"))!;
            Assert.Equal(scene.Contract.Prompts, prompts);
            Assert.True(prompts.Distinct().Count() >= 3);
        }

        Assert.Equal(captureScenes.Count(s => s.Contract.CapturePrompt is not null), await Db.ScalarAsync(database,
            "SELECT count(*) FROM scene_contracts WHERE capture_prompt = metadata->'prompts'->>0"));

        // The engine reads them back as the catalog declares them.
        var read = await Db.ScalarAsync(database,
            "SELECT count(*) FROM scene_contracts WHERE jsonb_array_length(metadata->'prompts') >= 3 AND metadata->>'seeded' = 'true'");
        Assert.Equal(captureScenes.Count, read);

        // The engine reads the prompts back and its captures ask one of them, not only capture_prompt.
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Manual, 150)).Status);
        const string Captures = "SELECT count(*) FROM journey_scene_captures x JOIN scene_contracts c ON c.scene_id = x.scene_id";
        var captures = await Db.ScalarAsync(database, Captures);
        Assert.True(captures > 100, $"{captures} captures");
        Assert.Equal(captures, await Db.ScalarAsync(database, Captures + " WHERE c.metadata->'prompts' ? x.prompt"));
        Assert.True(await Db.ScalarAsync(database, Captures + " WHERE x.prompt IS DISTINCT FROM c.capture_prompt AND x.prompt <> c.metadata->'prompts'->>0") > captures / 3);
    }

    [Fact]
    public async Task An_install_with_the_first_release_catalog_gains_the_new_journeys_dated_at_the_upgrade_and_keeps_its_rows()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var installedAt = TestApp.DefaultNow.AddDays(-30);
        await using (await TestApp.CreateAsync(database, now: installedAt))
        {
        }

        // The first release's catalog: its 4 journeys, their contracts' metadata as it wrote them (and
        // nobody part-way through a journey it did not have).
        var added = string.Join(", ", Added.Select(j => $"'{j.Id}'"));
        await Db.ExecuteAsync(database,
            $"""
            DELETE FROM journey_instances WHERE journey_id IN ({added});
            DELETE FROM scene_contracts WHERE scene_id IN (SELECT id FROM journey_scenes WHERE journey_id IN ({added}));
            DELETE FROM journey_scenes WHERE journey_id IN ({added});
            DELETE FROM journeys WHERE id IN ({added});
            """);
        await Db.ExecuteAsync(database, """UPDATE scene_contracts SET metadata = '{"synthetic": true, "seeded": true}'""");
        var before = await Db.TextAsync(database, CatalogRows);
        Assert.Equal(FirstRelease.Length, await Db.ScalarAsync(database, "SELECT count(*) FROM journeys"));

        // The upgrade: the next release starts.
        var upgradedAt = TestApp.DefaultNow;
        await using var upgraded = await TestApp.CreateAsync(database, now: upgradedAt);

        Assert.Equal(DefaultCatalog.Catalog.Journeys.Count, await Db.ScalarAsync(database, "SELECT count(*) FROM journeys"));
        var at = Literal(upgradedAt);
        Assert.Equal(Added.Length, await Db.ScalarAsync(database, $"SELECT count(*) FROM journeys WHERE created_at = {at}"));
        Assert.Equal(Added.Sum(j => j.Scenes.Count), await Db.ScalarAsync(database, $"SELECT count(*) FROM journey_scenes WHERE created_at = {at}"));
        Assert.Equal(Added.Sum(j => j.Scenes.Count), await Db.ScalarAsync(database, $"SELECT count(*) FROM scene_contracts WHERE created_at = {at}"));
        Assert.Equal(Added.Sum(j => j.Scenes.Count(s => s.Contract.RequiredCaptures > 0)), await Db.ScalarAsync(database,
            $"SELECT count(*) FROM scene_contracts WHERE created_at = {at} AND jsonb_array_length(metadata->'prompts') >= 3"));

        // The first release's rows, exactly as they were (the new rows are the rest).
        var kept = await Db.TextAsync(database,
            $"""
            SELECT string_agg(x, '|' ORDER BY x) FROM (
                SELECT j::text x FROM journeys j WHERE created_at <> {at} UNION ALL SELECT s::text FROM journey_scenes s WHERE created_at <> {at}
                UNION ALL SELECT c::text FROM scene_contracts c WHERE created_at <> {at} UNION ALL SELECT m::text FROM mindblocks m) t
            """);
        Assert.Equal(before, kept);

        // Starting again changes nothing.
        var after = await Db.TextAsync(database, CatalogRows);
        await using (await TestApp.CreateAsync(database, now: upgradedAt.AddHours(1)))
        {
        }

        Assert.Equal(after, await Db.TextAsync(database, CatalogRows));

        // A run before the upgrade's moment never enrols anyone in a new journey; one after it does.
        var newJourneys = $"SELECT count(*) FROM journey_instances WHERE journey_id IN ({added})";
        var instancesBefore = await Db.ScalarAsync(database, "SELECT count(*) FROM journey_instances");
        await using (var earlier = await TestApp.CreateAsync(database, now: upgradedAt.AddHours(-2)))
        {
            var run = await earlier.RunAsync(RunTrigger.Manual, 150);
            Assert.Equal(RunStatus.Succeeded, run.Status);
        }

        Assert.True(await Db.ScalarAsync(database, "SELECT count(*) FROM journey_instances") > instancesBefore, "nobody enrolled before the upgrade");
        Assert.Equal(0L, await Db.ScalarAsync(database, newJourneys));

        upgraded.Time.SetUtcNow(upgradedAt.AddDays(3));
        Assert.Equal(RunStatus.Succeeded, (await upgraded.RunAsync(RunTrigger.Manual, 200)).Status);
        Assert.True(await Db.ScalarAsync(database, newJourneys) > 0, "nobody enrolled in a new journey after the upgrade");
        Assert.Equal(0L, await Db.ScalarAsync(database, $"SELECT count(*) FROM journey_instances WHERE journey_id IN ({added}) AND started_at < {at}"));
    }

    [Fact]
    public async Task The_realism_store_reads_the_journeys_playable_at_the_end_and_how_many_each_user_has_enrolled_in()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database);
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Manual, 150)).Status);
        var to = app.Time.GetUtcNow().AddMinutes(1);
        var store = app.Provider.GetRequiredService<RealismStore>();

        // Every user's distinct journeys, from the rows (the mid-story ones the seeder wrote included).
        async Task<Dictionary<Guid, int>> EnrolledAsync(Guid? leaveOut = null)
        {
            var pairs = new List<(Guid User, Guid Journey)>();
            await using var command = app.DataSource.CreateCommand("SELECT user_id, journey_id FROM journey_instances WHERE metadata->>'synthetic' = 'true'");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pairs.Add((reader.GetGuid(0), reader.GetGuid(1)));
            }

            return pairs.Where(p => p.Journey != leaveOut).GroupBy(p => p.User).ToDictionary(g => g.Key, g => g.Select(p => p.Journey).Distinct().Count());
        }

        var facts = await store.ReadAsync(to.AddDays(-28), to, EngineSettings.Defaults, CancellationToken.None);
        Assert.Equal(DefaultCatalog.Catalog.Journeys.Count, facts.PlayableJourneys);
        var expected = await EnrolledAsync();
        Assert.True(expected.Count > 100, $"{expected.Count} users enrolled");
        Assert.Equal(expected.OrderBy(e => e.Key), facts.JourneysEnrolled!.OrderBy(e => e.Key));

        // A journey created after the window's end is not playable at it, and its enrolments do not count.
        var later = DefaultCatalog.Catalog.Journeys[^1].Id;
        await app.ExecuteAsync("UPDATE journeys SET created_at = $1 WHERE id = $2", to.AddDays(1).UtcDateTime, later);
        var after = await store.ReadAsync(to.AddDays(-28), to, EngineSettings.Defaults, CancellationToken.None);
        Assert.Equal(DefaultCatalog.Catalog.Journeys.Count - 1, after.PlayableJourneys);
        Assert.Equal((await EnrolledAsync(later)).OrderBy(e => e.Key), after.JourneysEnrolled!.OrderBy(e => e.Key));
    }

    private static string Literal(DateTimeOffset at) => $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz";
}
