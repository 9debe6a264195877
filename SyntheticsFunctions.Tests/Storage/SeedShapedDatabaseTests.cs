using System.Globalization;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The journey app's own database as the seed describes it: the app owns <c>profiles</c>, the
/// catalog and the activity tables, all holding data, and <c>sim_users</c> has only
/// <c>profile_id</c>. The engine plays it without writing, altering or locking anything of the
/// app's but sim users' tagged rows.
/// </summary>
public class SeedShapedDatabaseTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Members = 300;

    /// <summary>Members whose profile was created a day ago: none of their rows may be older.</summary>
    private const int RecentMembers = 20;

    private static readonly string[] AppTables =
    [
        "profiles", "sim_users", "journeys", "journey_scenes", "scene_contracts", "mindblocks", .. Tables.Activity,
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_engine_runs_and_backfills_on_the_seeds_database_and_changes_nothing_of_the_apps(bool simUsersHaveCreatedAt)
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var now = TestApp.DefaultNow;
        var (members, realUser) = await CreateSeedDatabaseAsync(database, now, simUsersHaveCreatedAt);
        var before = await FingerprintAsync(database);

        // Another connection holds ROW EXCLUSIVE on every app table throughout (as the app's own
        // writes do); everything the engine does must finish within a one-second lock timeout.
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockAll = new NpgsqlCommand($"LOCK TABLE {string.Join(", ", AppTables)} IN ROW EXCLUSIVE MODE", holder, hold))
        {
            await lockAll.ExecuteNonQueryAsync();
        }

        var timeout = new NpgsqlConnectionStringBuilder(database) { Options = "-c lock_timeout=1s" }.ConnectionString;
        await using var app = await TestApp.CreateAsync(timeout, now: now);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);
        var page = await app.Pool.ListAsync(1, 500, CancellationToken.None);
        var manual = await app.RunAsync(RunTrigger.Manual, 5);
        var backfill = await app.Backfill.StartAsync(2, purgeFirst: true, CancellationToken.None, seed: 3);
        var pass = await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        var status = await app.Status.GetStatusAsync(CancellationToken.None);
        var lastDayEvents = await app.CountAsync(
            "SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true' AND created_at > $1", now.AddDays(-1).UtcDateTime);

        Assert.True(health.Healthy, string.Join("; ", health.Problems));
        Assert.Equal(Members, page.Total);
        Assert.Equal(members.Order(), page.Users.Select(u => u.ProfileId).Order());
        Assert.Equal(RunStatus.Succeeded, manual.Status);
        Assert.Equal(5, manual.Result!.SessionsStarted);
        Assert.Equal(BackfillRefusal.None, backfill.Refusal);
        Assert.Equal(BackfillJob.Succeeded, pass.State);
        var perHour = lastDayEvents / 24.0;
        var expectedPerHour = status.ExpectedEventsPerMinute * 60;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pool {Members}: needed {status.Capacity!.Needed}, expected {status.Capacity.ExpectedSessionsPerMin:F3} sessions/min; events per hour over the last 24 h {perHour:F1}, expected about {expectedPerHour:F1}"));
        Assert.InRange(perHour, expectedPerHour / 3, expectedPerHour * 3);
        Assert.True(status.Capacity.Short);
        Assert.Equal(0L, await app.CountAsync(
            string.Join(" + ", Tables.Activity.Select(t => $"(SELECT count(*) FROM {t} WHERE user_id NOT IN (SELECT profile_id FROM sim_users) AND user_id <> '{realUser}')"))
            .Insert(0, "SELECT ")));
        Assert.Equal(0L, await app.CountAsync(
            "SELECT count(*) FROM journey_scene_events e JOIN profiles p ON p.id = e.user_id WHERE e.event_payload->>'synthetic' = 'true' AND e.created_at < p.created_at"));
        Assert.Equal(0L, await app.CountAsync(
            "SELECT count(*) FROM journey_instances i JOIN profiles p ON p.id = i.user_id WHERE i.metadata->>'synthetic' = 'true' AND i.started_at < p.created_at"));
        Assert.True(await app.CountAsync("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true'") > 100);

        await hold.RollbackAsync();
        Assert.Equal(before, await FingerprintAsync(database));
    }

    [Fact]
    public async Task The_owners_signup_function_adds_people_and_one_that_skips_sim_users_fails_the_run_with_nothing_written()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var now = TestApp.DefaultNow;
        await CreateSeedDatabaseAsync(database, now, simUsersHaveCreatedAt: false, members: 0);
        await Db.ExecuteAsync(database,
            """
            CREATE FUNCTION create_sim_profile(id uuid, created_at timestamptz, persona text) RETURNS void LANGUAGE sql AS $$
                INSERT INTO profiles (id, display_name, created_at, metadata) VALUES (id, 'Member ' || left(id::text, 4), created_at, '{"synthetic": true}');
                INSERT INTO sim_users (profile_id) VALUES (id);
            $$;
            CREATE FUNCTION profile_only(id uuid, created_at timestamptz, persona text) RETURNS void LANGUAGE sql AS $$
                INSERT INTO profiles (id, display_name, created_at, metadata) VALUES (id, 'Member', created_at, '{}');
            $$;
            """);

        await using (var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:SignupFunction"] = "create_sim_profile" }, now))
        {
            for (var minute = 1; minute <= 10; minute++)
            {
                app.Time.Advance(TimeSpan.FromMinutes(1));
                Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
            }

            var joined = await app.CountAsync("SELECT count(*) FROM sim_users");
            Assert.True(joined > 0);
            Assert.Equal(joined, await app.CountAsync("SELECT count(*) FROM synthetic_pool pm JOIN profiles p ON p.id = pm.profile_id"));
            Assert.Equal(joined, await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true'"));
        }

        var rowsBefore = await CountAllAsync(database);
        await using (var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:SignupFunction"] = "profile_only" }, now.AddHours(1)))
        {
            var failed = await app.RunAsync(RunTrigger.Cron);
            var recorded = await Db.TextAsync(database, "SELECT failure_category FROM synthetic_runs WHERE status = 'failed' ORDER BY window_end DESC LIMIT 1");

            Assert.Equal(RunStatus.Failed, failed.Status);
            Assert.Equal(FailureCategories.OwnerFunction, failed.Category);
            Assert.Equal(FailureCategories.OwnerFunction, recorded);
        }

        Assert.Equal(rowsBefore, await CountAllAsync(database));
    }

    [Fact]
    public async Task A_pool_id_outside_the_apps_sim_users_stops_the_engine_and_health_names_it()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var (members, _) = await CreateSeedDatabaseAsync(database, TestApp.DefaultNow, simUsersHaveCreatedAt: false, members: 3);
        var outsider = Guid.NewGuid();
        await Db.ExecuteAsync(database, $"INSERT INTO profiles (id, display_name, created_at) VALUES ('{outsider}', 'Someone', now() - interval '1 year')");

        await using var app = await TestApp.CreateAsync(
            database, new Dictionary<string, string?> { ["Synthetics:PoolProfileIds"] = $"{members[0]},{outsider}" }, ensureSchema: false);
        var run = await app.RunAsync(RunTrigger.Manual, 5);
        var health = await app.Status.GetHealthAsync(CancellationToken.None);

        Assert.Equal(RunStatus.SchemaIncompatible, run.Status);
        Assert.False(health.Healthy);
        Assert.Equal([$"Synthetics:PoolProfileIds names {outsider}, which is not in sim_users: add it to sim_users or remove it from the setting"], health.Problems);
        Assert.Equal(3L, await Db.ScalarAsync(database, "SELECT count(*) FROM sim_users"));
    }

    /// <summary>
    /// The seed's app: its tables made by the engine's first migration, then handed over (the
    /// engine's own tables dropped, <c>sim_users</c> cut down to <c>profile_id</c>), the default
    /// catalog, <paramref name="members"/> sim users, a real user with a row in every activity
    /// table and an app-written row for one sim user.
    /// </summary>
    internal static async Task<(Guid[] Members, Guid RealUser)> CreateSeedDatabaseAsync(string database, DateTimeOffset now, bool simUsersHaveCreatedAt, int members = Members, int? idSeed = null)
    {
        var schema = await File.ReadAllTextAsync(Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions", "Storage", "Migrations", "0001_schema.sql"));
        await Db.ExecuteAsync(database, schema);
        await Db.ExecuteAsync(database,
            $"""
            DROP TABLE synthetic_created_tables, synthetic_settings, synthetic_runs, synthetic_sessions;
            ALTER TABLE sim_users DROP COLUMN persona, DROP COLUMN timezone, DROP COLUMN retired_at{(simUsersHaveCreatedAt ? "" : ", DROP COLUMN created_at")};
            """);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var catalog = DefaultCatalog.Catalog;
        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var journey in catalog.Journeys)
            {
                batch.BatchCommands.Add(Command("INSERT INTO journeys (id, slug, title, clinical_focus, created_at) VALUES ($1, $2, $3, $4, now() - interval '2 years')",
                    journey.Id, journey.Slug, journey.Title, journey.ClinicalFocus));
                foreach (var scene in journey.Scenes)
                {
                    batch.BatchCommands.Add(Command("INSERT INTO journey_scenes (id, journey_id, scene_order, title, created_at) VALUES ($1, $2, $3, $4, now() - interval '2 years')",
                        scene.Id, journey.Id, scene.Order, scene.Title));
                    var c = scene.Contract;
                    batch.BatchCommands.Add(Command(
                        "INSERT INTO scene_contracts (id, scene_id, required_captures, capture_prompt, requires_resistance_check, min_dwell_seconds, max_dwell_seconds, created_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now() - interval '2 years')",
                        scene.Id, c.RequiredCaptures, (object?)c.CapturePrompt ?? DBNull.Value, c.RequiresResistanceCheck, c.MinDwellSeconds, c.MaxDwellSeconds));
                }
            }

            foreach (var mindblock in catalog.Mindblocks)
            {
                batch.BatchCommands.Add(Command("INSERT INTO mindblocks (id, slug, name, clinical_focus, created_at) VALUES ($1, $2, $3, $4, now() - interval '2 years')",
                    mindblock.Id, mindblock.Slug, mindblock.Name, mindblock.ClinicalFocus));
            }

            await batch.ExecuteNonQueryAsync();
        }

        // Random member ids, or the same ones every time where a test needs the population they give.
        var idRandom = idSeed is { } seed ? new Random(seed) : null;
        var ids = Enumerable.Range(0, members).Select(_ => idRandom is null ? Guid.NewGuid() : new Guid(idRandom.GetItems<byte>([.. Enumerable.Range(0, 256).Select(b => (byte)b)], 16))).ToArray();
        // Profiles a day apart from 400 days ago (closer together for more than 300 members), the recent ones a day ago.
        var created = ids.Select((_, i) => (i < RecentMembers ? now.AddDays(-1) : now.AddDays(-400 + (i * 300.0 / Math.Max(members, 300)))).UtcDateTime).ToArray();
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(Command(
                "INSERT INTO profiles (id, display_name, created_at) SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])",
                ids, ids.Select(id => "Member " + id.ToString()[..4]).ToArray(), created));
            batch.BatchCommands.Add(simUsersHaveCreatedAt
                ? Command("INSERT INTO sim_users (profile_id, created_at) SELECT * FROM unnest($1::uuid[], $2::timestamptz[])", ids, created)
                : Command("INSERT INTO sim_users (profile_id) SELECT * FROM unnest($1::uuid[])", ids));
            await batch.ExecuteNonQueryAsync();
        }

        await using var seedApp = await TestApp.CreateAsync(database, ensureSchema: false);
        var realUser = await RealUserRows.InsertAsync(seedApp, now.AddDays(-30));
        if (members > 0)
        {
            // The app's own row for a sim user, not tagged: the engine leaves it be.
            await seedApp.ExecuteAsync(
                "INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, created_at, metadata) VALUES ($1, $2, $3, 'completed', 1, $4, $4, $4, '{}')",
                Guid.NewGuid(), ids[^1], catalog.Journeys[0].Id, now.AddDays(-100).UtcDateTime);
        }

        return (ids, realUser);
    }

    /// <summary>
    /// Every app table's rows (activity tables: all but the engine's tagged rows), columns,
    /// constraints, triggers and indexes, as one text.
    /// </summary>
    private static async Task<string> FingerprintAsync(string database)
    {
        var parts = new List<string>();
        foreach (var table in AppTables)
        {
            var tag = table switch
            {
                Tables.JourneySceneEvents => "event_payload",
                _ when Tables.Activity.Contains(table) => "metadata",
                _ => null,
            };
            var filter = tag is null ? "" : $"WHERE t.{tag}->>'synthetic' IS DISTINCT FROM 'true'";
            parts.Add(table + ": " + await Db.TextAsync(database, $"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t {filter}"));
        }

        var tables = string.Join(", ", AppTables.Select(t => $"'{t}'"));
        parts.Add(await Db.TextAsync(database,
            $"SELECT md5(string_agg(c::text, '|' ORDER BY c.table_name, c.ordinal_position)) FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name IN ({tables})"));
        parts.Add(await Db.TextAsync(database,
            $"SELECT md5(string_agg(conname || pg_get_constraintdef(oid), '|' ORDER BY conname)) FROM pg_constraint WHERE conrelid::regclass::text IN ({tables}) OR confrelid::regclass::text IN ({tables})"));
        parts.Add(await Db.TextAsync(database,
            $"SELECT md5(coalesce(string_agg(tgname, '|' ORDER BY tgname), '')) FROM pg_trigger WHERE tgrelid::regclass::text IN ({tables})"));
        parts.Add(await Db.TextAsync(database,
            $"SELECT md5(string_agg(indexrelid::regclass::text || pg_get_indexdef(indexrelid), '|' ORDER BY indexrelid::regclass::text)) FROM pg_index WHERE indrelid::regclass::text IN ({tables})"));
        return string.Join("\n", parts);
    }

    private static async Task<string> CountAllAsync(string database) =>
        string.Join(",", await Task.WhenAll(
            new[] { "profiles", "sim_users", "synthetic_pool", "synthetic_user_state", "synthetic_sessions" }.Concat(Tables.Activity)
                .Select(t => Db.ScalarAsync(database, $"SELECT count(*) FROM {t}"))));

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
