using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The word and outcome facts the writers keep (migration 0018): a row per capture, trigger,
/// resistance check and mindblock event, written by a backfill's chunks and by live ticks. They hold
/// the same values as the journey app's rows, the check reads the same figures from them as from the
/// rows (the read an upgraded install falls back to), and retention and purge take them with the rows.
/// </summary>
[LongRunning(185)]
public class RealismRowFactsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task The_writers_keep_the_word_and_outcome_facts_the_rows_give_and_the_check_reads_the_same_figures_from_either()
    {
        var now = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 2, max_per_run = 5, mindblock_chance = 0.5 WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 2)).Job);
        await BackfillToEndAsync(app);
        var backfilled = await CountsAsync(app);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        for (var tick = 0; tick < 20; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        // Both writers wrote facts: the backfill's chunks, then the ticks.
        var written = await CountsAsync(app);
        Assert.All(backfilled, n => Assert.True(n > 0));
        Assert.True(written.Zip(backfilled).All(p => p.First > p.Second), string.Join(", ", written));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_realism_word_history"));

        // Each capture's fact: its id, user and time, the key of its normalised text and its seam, as computed here from the row.
        var labels = await ListAsync(app, "SELECT title FROM journeys UNION SELECT title FROM journey_scenes UNION SELECT name FROM mindblocks", r => r.GetString(0));
        var expected = await ListAsync(
            app, "SELECT id, user_id, created_at, response FROM journey_scene_captures WHERE metadata->>'synthetic' = 'true' ORDER BY id",
            r => (r.GetGuid(0), r.GetGuid(1), r.GetDateTime(2), CaptureFact.KeyOf(r.GetString(3)), Seams.Find(r.GetString(3), labels) is not null));
        var kept = await ListAsync(
            app, "SELECT capture_id, user_id, created_at, text_key, seam FROM synthetic_realism_captures ORDER BY capture_id",
            r => (r.GetGuid(0), r.GetGuid(1), r.GetDateTime(2), r.GetInt64(3), r.GetBoolean(4)));
        Assert.True(expected.Count > 1_000);
        Assert.Equal(expected, kept);

        // The triggers', checks' and mindblock events' facts: the rows' own values.
        foreach (var (facts, rows) in new[]
        {
            ("SELECT trigger_id, user_id, created_at, description FROM synthetic_realism_triggers",
             "SELECT id, user_id, created_at, description FROM journey_real_world_triggers WHERE metadata->>'synthetic' = 'true'"),
            ("SELECT check_id, user_id, created_at, level, strategy FROM synthetic_realism_resistance",
             "SELECT id, user_id, created_at, resistance_level, strategy FROM journey_resistance_checks WHERE metadata->>'synthetic' = 'true'"),
            ("SELECT event_id, user_id, created_at, signal FROM synthetic_realism_signal_choices",
             "SELECT id, user_id, created_at, signal FROM mindblock_events WHERE metadata->>'synthetic' = 'true'"),
        })
        {
            Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM (({facts} EXCEPT ALL {rows}) UNION ALL ({rows} EXCEPT ALL {facts})) d"));
        }

        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var settings = await app.Provider.GetRequiredService<SyntheticsFunctions.Storage.SettingsStore>().ReadAsync(CancellationToken.None);
        var (from, to) = (now.AddDays(-3), app.Time.GetUtcNow());
        var fromFacts = await store.ReadAsync(from, to, settings, CancellationToken.None);
        Assert.Equal(expected.Count, fromFacts.Words!.Captures);
        Assert.Equal(expected.Count(c => c.Item5), fromFacts.Words.CaptureSeams);
        Assert.True(fromFacts.Words.ReusedCaptures > 0 && fromFacts.Words.TriggerDescriptions > 10);
        Assert.Equal(written[1], fromFacts.Words.Triggers);
        Assert.True(fromFacts.Outcomes!.CheckedUsers.Count > 10);
        Assert.Equal(written[2], fromFacts.Outcomes.Strategies.Sum(c => c.Count));
        Assert.Equal(written[3], fromFacts.Outcomes.Signals.Sum(c => c.Count));

        // An upgraded install: captures before a moment have no facts, and are read from the table and keyed by the check.
        var upgradedAt = now.AddDays(-1);
        await app.ExecuteAsync("DELETE FROM synthetic_realism_captures WHERE created_at < $1", upgradedAt.UtcDateTime);
        await app.ExecuteAsync("INSERT INTO synthetic_realism_word_history (captures_before) VALUES ($1)", upgradedAt.UtcDateTime);
        Assert.True(await app.CountAsync("SELECT count(*) FROM synthetic_realism_captures") < expected.Count);
        Assert.Equal(fromFacts.Words, (await store.ReadAsync(from, to, settings, CancellationToken.None)).Words);

        // Every capture read from the table, the rest rebuilt from the rows (the old read): the same figures.
        await app.ExecuteAsync("SELECT synthetic_realism_rebuild_all('-infinity')");
        var fromRows = await store.ReadAsync(from, to, settings, CancellationToken.None);
        Assert.Equal(fromFacts.Words, fromRows.Words);
        AssertSameOutcomes(fromFacts.Outcomes, fromRows.Outcomes!);
        var words = new[]
        {
            RealismFigures.CaptureTextReuse, RealismFigures.CaptureSeams, RealismFigures.TriggerDescriptionVariety, RealismFigures.ResponderShare,
            RealismFigures.PersonaBaselineSpread, RealismFigures.PersonaStrategyCramersV, RealismFigures.PersonaSignalCramersV,
        }.Select(d => d.Name).ToHashSet();
        Assert.Equal(
            RealismFigures.Compute(fromFacts).Figures.Where(f => words.Contains(f.Name)).Select(f => (f.Name, f.Value, f.N)),
            RealismFigures.Compute(fromRows).Figures.Where(f => words.Contains(f.Name)).Select(f => (f.Name, f.Value, f.N)));

        // Retention takes the facts older than its horizon (the ticks since wrote some after it), and
        // the record of captures without facts once none is left.
        for (var tick = 0; tick < 10; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await app.RunAsync(RunTrigger.Cron);
        }

        await app.ExecuteAsync("UPDATE synthetic_realism_word_history SET captures_before = $1", upgradedAt.UtcDateTime);
        var horizon = app.Time.GetUtcNow().AddDays(-1);
        await app.Cleanup.CleanupAsync(1, "cleanup", CancellationToken.None);
        foreach (var table in new[] { "synthetic_realism_captures", "synthetic_realism_triggers", "synthetic_realism_resistance", "synthetic_realism_signal_choices" })
        {
            Assert.Equal(0, await app.CountAsync($"SELECT count(*) FROM {table} WHERE created_at < $1", horizon.UtcDateTime));
            Assert.True(await app.CountAsync($"SELECT count(*) FROM {table}") > 0, table);
        }

        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_realism_word_history"));

        // Purge takes them all.
        await app.Cleanup.PurgeAsync(CancellationToken.None, repopulate: false);
        Assert.Equal(new long[4], await CountsAsync(app));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_realism_word_history"));
    }

    [Fact]
    public async Task An_upgrade_copies_the_outcome_and_trigger_history_and_leaves_the_captures_it_finds_to_the_table()
    {
        // A database as 0017 left it, with an engine's rows: the facts of 0018 dropped as if they were never written.
        var now = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 2, max_per_run = 5, mindblock_chance = 0.5 WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(1, purgeFirst: true, CancellationToken.None, seed: 3)).Job);
        await BackfillToEndAsync(app);
        var store = app.Provider.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var settings = await app.Provider.GetRequiredService<SyntheticsFunctions.Storage.SettingsStore>().ReadAsync(CancellationToken.None);
        var (from, to) = (now.AddDays(-2), now);
        var written = await store.ReadAsync(from, to, settings, CancellationToken.None);
        var counts = await CountsAsync(app);

        await app.ExecuteAsync(
            """
            DROP TABLE synthetic_realism_captures, synthetic_realism_triggers, synthetic_realism_resistance, synthetic_realism_signal_choices, synthetic_realism_word_history;
            DROP FUNCTION synthetic_realism_rebuild_all(timestamptz);
            DROP FUNCTION synthetic_realism_rebuild_words_and_outcomes(timestamptz);
            """);
        using (var stream = typeof(SyntheticsFunctions.Storage.SchemaRelease).Assembly.GetManifestResourceStream(
            SyntheticsFunctions.Storage.SchemaRelease.ScriptPrefix + "0018_word_outcome_facts.sql")!)
        using (var reader = new StreamReader(stream))
        {
            await app.ExecuteAsync(await reader.ReadToEndAsync());
        }

        // The triggers, checks and events copied; no capture fact, and the captures before the upgrade read from the table.
        Assert.Equal(new[] { 0, counts[1], counts[2], counts[3] }, await CountsAsync(app));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_realism_word_history WHERE captures_before > $1", to.UtcDateTime));
        var upgraded = await store.ReadAsync(from, to, settings, CancellationToken.None);
        Assert.Equal(written.Words, upgraded.Words);
        AssertSameOutcomes(written.Outcomes!, upgraded.Outcomes!);
        Assert.True(written.Words!.Captures > 100);
    }

    // As the backfill timer does, a pass the database cut short (a slow chunk on a loaded machine) is resumed by the next.
    private static async Task BackfillToEndAsync(TestApp app)
    {
        var pass = await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        for (var resumed = 0; resumed < 3 && pass.State == SyntheticsFunctions.Storage.BackfillJob.Running; resumed++)
        {
            pass = await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        }

        Assert.Equal(SyntheticsFunctions.Storage.BackfillJob.Succeeded, pass.State);
    }

    private static async Task<long[]> CountsAsync(TestApp app) =>
    [
        await app.CountAsync("SELECT count(*) FROM synthetic_realism_captures"), await app.CountAsync("SELECT count(*) FROM synthetic_realism_triggers"),
        await app.CountAsync("SELECT count(*) FROM synthetic_realism_resistance"), await app.CountAsync("SELECT count(*) FROM synthetic_realism_signal_choices"),
    ];

    private static void AssertSameOutcomes(OutcomeFacts expected, OutcomeFacts actual)
    {
        Assert.Equal(expected.CheckedUsers.OrderBy(u => u.User), actual.CheckedUsers.OrderBy(u => u.User));
        Assert.Equal(expected.Strategies.OrderBy(c => c.Persona).ThenBy(c => c.Value), actual.Strategies.OrderBy(c => c.Persona).ThenBy(c => c.Value));
        Assert.Equal(expected.Signals.OrderBy(c => c.Persona).ThenBy(c => c.Value), actual.Signals.OrderBy(c => c.Persona).ThenBy(c => c.Value));
    }

    private static async Task<List<T>> ListAsync<T>(TestApp app, string sql, Func<Npgsql.NpgsqlDataReader, T> read)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync())
        {
            list.Add(read(reader));
        }

        return list;
    }
}
