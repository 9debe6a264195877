using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage.Declarations;
using SyntheticsFunctions.Storage.Runs;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// Seeds the catalog into the catalog tables this app created and fills the sim-user pool. Idempotent,
/// and never creates, changes or deletes a row it did not create: catalog rows have fixed keys
/// and are inserted ON CONFLICT DO NOTHING; profiles are created only in a <c>profiles</c> table
/// this app created, otherwise the pool is the configured list of existing profile ids.
/// </summary>
/// <summary>The pool after a purge: its active members, whether the engine owns the pool tables, and how many people it added.</summary>
public sealed record PoolAfterPurge(long Members, bool OwnsPool, int Added);

public sealed class Seeder(
    NpgsqlDataSource dataSource,
    IOptions<SyntheticsOptions> options,
    TimeProvider time,
    Engine.RandomSource random,
    ILogger<Seeder> logger)
{
    // The population model's own lists, so a seeded pool and the people who sign up later match.
    internal static readonly string[] Personas = [.. PopulationModel.Personas.Select(p => p.Name)];

    // Where new users live (Synthetics:RegionMix), as the engine draws signups.
    private readonly RegionMix _region = options.Value.ParsedRegionMix();

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await SeedInstallationAsync(cancellationToken);
        await SeedCatalogAsync(cancellationToken);
        await SeedPoolAsync(cancellationToken);
    }

    /// <summary>The installation's row, once: its seed (the day factor's), from the app's random source.</summary>
    private async Task SeedInstallationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "INSERT INTO synthetic_installation (id, seed, created_at) VALUES (true, $1, $2) ON CONFLICT (id) DO NOTHING", connection);
        command.Parameters.Add(Sql.P(random.NextSeed()));
        command.Parameters.Add(Sql.P(time.GetUtcNow().UtcDateTime));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The default catalog, into the catalog tables this app created, row by fixed key (ON CONFLICT DO
    /// NOTHING: a row already there is never changed): a fresh install gets it all dated
    /// <see cref="DefaultCatalog.DatedAt"/> (each table empty); an install seeded with an earlier
    /// release gains the journeys it lacks (with their scenes and contracts) dated now, the upgrade
    /// (each table already holding rows), so nobody is offered them before it. A journeys table
    /// holding none of the catalog's journeys but rows of its own (someone else's catalog) is left
    /// alone; a scene is added only to a journey without scenes, a contract only to a scene without one.
    /// </summary>
    private async Task SeedCatalogAsync(CancellationToken cancellationToken)
    {
        // Dated before the oldest history the engine can write, so no enrolment predates its journey.
        var now = time.GetUtcNow();
        var datedAt = DefaultCatalog.DatedAt(now).UtcDateTime;

        // Rows added to a table that already has rows (an upgrade) are dated now: nobody is offered them before.
        var upgradedAt = Microseconds.Truncate(now).UtcDateTime;
        var catalog = DefaultCatalog.Catalog;
        var journeys = catalog.Journeys;
        var scenes = journeys.SelectMany(j => j.Scenes.Select(s => (Journey: j, Scene: s))).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var owned = await CreatedTablesAsync(connection, transaction, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // Only into tables this app created, so an app's own catalog is left alone.
        void Add(string table, NpgsqlBatchCommand command)
        {
            if (owned.Contains(table))
            {
                batch.BatchCommands.Add(command);
            }
        }

        Add("journeys", Sql.Command(
            """
            INSERT INTO journeys (id, slug, title, clinical_focus, created_at, metadata)
            SELECT u.id, u.slug, u.title, u.focus, CASE WHEN EXISTS (SELECT 1 FROM journeys) THEN $6 ELSE $5 END, '{"synthetic": true, "seeded": true}'::jsonb
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, slug, title, focus)
            WHERE (NOT EXISTS (SELECT 1 FROM journeys) AND NOT EXISTS (SELECT 1 FROM journey_scenes))
               OR EXISTS (SELECT 1 FROM journeys j WHERE j.id = ANY($1))
            ON CONFLICT DO NOTHING
            """,
            Sql.P(journeys.Select(j => j.Id).ToArray()), Sql.P(journeys.Select(j => j.Slug).ToArray()),
            Sql.P(journeys.Select(j => j.Title).ToArray()), Sql.P(journeys.Select(j => j.ClinicalFocus).ToArray()), Sql.P(datedAt), Sql.P(upgradedAt)));
        Add("journey_scenes", Sql.Command(
            """
            INSERT INTO journey_scenes (id, journey_id, scene_order, title, created_at, metadata)
            SELECT u.id, u.journey_id, u.scene_order, u.title, CASE WHEN EXISTS (SELECT 1 FROM journey_scenes) THEN $6 ELSE $5 END, '{"synthetic": true, "seeded": true}'::jsonb
            FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]) AS u(id, journey_id, scene_order, title)
            WHERE EXISTS (SELECT 1 FROM journeys j WHERE j.id = u.journey_id)
              AND NOT EXISTS (SELECT 1 FROM journey_scenes x WHERE x.journey_id = u.journey_id)
            ON CONFLICT DO NOTHING
            """,
            Sql.P(scenes.Select(s => s.Scene.Id).ToArray()), Sql.P(scenes.Select(s => s.Journey.Id).ToArray()),
            Sql.P(scenes.Select(s => s.Scene.Order).ToArray()), Sql.P(scenes.Select(s => s.Scene.Title).ToArray()), Sql.P(datedAt), Sql.P(upgradedAt)));
        Add("scene_contracts", Sql.Command(
            """
            INSERT INTO scene_contracts (id, scene_id, required_captures, capture_prompt, requires_resistance_check, min_dwell_seconds, max_dwell_seconds, created_at, metadata)
            SELECT u.id, u.scene_id, u.captures, u.prompt, u.checks, u.min_dwell, u.max_dwell, CASE WHEN EXISTS (SELECT 1 FROM scene_contracts) THEN $10 ELSE $9 END,
                   '{"synthetic": true, "seeded": true}'::jsonb || CASE WHEN u.prompts IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('prompts', u.prompts::jsonb) END
            FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::bool[], $6::int[], $7::int[], $8::text[])
                AS u(id, scene_id, captures, prompt, checks, min_dwell, max_dwell, prompts)
            WHERE EXISTS (SELECT 1 FROM journey_scenes s WHERE s.id = u.scene_id) -- the seeded scenes' fixed keys
              AND NOT EXISTS (SELECT 1 FROM scene_contracts k WHERE k.scene_id = u.scene_id)
            ON CONFLICT DO NOTHING
            """,
            Sql.P(scenes.Select(s => DefaultCatalog.KeyFor("contract:" + s.Scene.Id)).ToArray()), Sql.P(scenes.Select(s => s.Scene.Id).ToArray()),
            Sql.P(scenes.Select(s => s.Scene.Contract.RequiredCaptures).ToArray()), Sql.P(scenes.Select(s => s.Scene.Contract.CapturePrompt).ToArray()),
            Sql.P(scenes.Select(s => s.Scene.Contract.RequiresResistanceCheck).ToArray()), Sql.P(scenes.Select(s => s.Scene.Contract.MinDwellSeconds).ToArray()),
            Sql.P(scenes.Select(s => s.Scene.Contract.MaxDwellSeconds).ToArray()),
            Sql.P(scenes.Select(s => s.Scene.Contract.Prompts is { } prompts ? JsonSerializer.Serialize(prompts) : null).ToArray()), Sql.P(datedAt), Sql.P(upgradedAt)));
        Add("mindblocks", Sql.Command(
            """
            INSERT INTO mindblocks (id, slug, name, clinical_focus, created_at, metadata)
            SELECT u.id, u.slug, u.name, u.focus, $5, '{"synthetic": true, "seeded": true}'::jsonb
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, slug, name, focus)
            WHERE NOT EXISTS (SELECT 1 FROM mindblocks)
            ON CONFLICT DO NOTHING
            """,
            Sql.P(catalog.Mindblocks.Select(m => m.Id).ToArray()), Sql.P(catalog.Mindblocks.Select(m => m.Slug).ToArray()),
            Sql.P(catalog.Mindblocks.Select(m => m.Name).ToArray()), Sql.P(catalog.Mindblocks.Select(m => m.ClinicalFocus).ToArray()), Sql.P(datedAt)));
        if (batch.BatchCommands.Count == 0)
        {
            return;
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        var inserted = batch.BatchCommands.Cast<NpgsqlBatchCommand>().Sum(c => (long)c.RecordsAffected);
        await transaction.CommitAsync(cancellationToken);
        if (inserted > 0)
        {
            logger.LogInformation("Seeded {Rows} catalog rows", inserted);
        }
    }

    /// <summary>
    /// After a purge: where the engine owns the pool tables and nobody is left, a fresh
    /// steady-state population (as at a fresh install), so the engine keeps writing; where the
    /// journey app owns them, its members stay and start over. Answers the pool afterwards.
    /// Without <paramref name="repopulate"/> (a backfill's purge_first) nobody is added.
    /// </summary>
    public async Task<PoolAfterPurge> RepopulateAsync(bool repopulate, CancellationToken cancellationToken)
    {
        bool ownsPool;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var owns = new NpgsqlCommand($"SELECT {PoolSql.OwnsPoolTables}", connection))
        {
            ownsPool = (bool)(await owns.ExecuteScalarAsync(cancellationToken))!;
        }

        var added = ownsPool && repopulate ? (await SeedPoolAsync(cancellationToken)).Added : 0;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var count = new NpgsqlCommand(PoolSql.CountActive, connection))
        {
            return new PoolAfterPurge((long)(await count.ExecuteScalarAsync(cancellationToken))!, ownsPool, added);
        }
    }

    private async Task<(bool OwnsPool, int Added)> SeedPoolAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await CreatedTablesAsync(connection, transaction, cancellationToken);
        var ownsPool = created.Contains("profiles") && created.Contains("sim_users");
        // The setting sizes the first pool; after that POST sim-users owns the size (retired
        // users count, so a shrunk pool is not refilled at the next start).
        long existing;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM sim_users", connection, transaction))
        {
            existing = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var now = time.GetUtcNow();
        var added = 0;
        if (ownsPool)
        {
            added = existing == 0 ? await AddSteadyStatePopulationAsync(connection, transaction, options.Value.PoolSize, now, new Random(random.Next(int.MaxValue)), _region, options.Value.DisplayNamePrefix, cancellationToken) : 0;
        }
        else if (created.Contains("sim_users"))
        {
            added = await EnlistExistingProfilesAsync(connection, transaction, options.Value.ParsedPoolProfileIds(), now, cancellationToken);
        }

        // Every sim_users row is a member of the engine's pool; where the engine cannot add
        // people, members who have not signed up get the steady state's past at the first start.
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(PoolSql.Enlist(now, _region));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var given = ownsPool ? 0 : await GiveSteadyStateAsync(connection, transaction, now, new Random(random.Next(int.MaxValue)), _region, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (added > 0 || given > 0)
        {
            logger.LogInformation("Added {Added} sim users to the pool; {Given} members given the steady state's past", added, given);
        }

        return (ownsPool, added);
    }

    /// <summary>
    /// A pool the engine cannot grow, at its first start (no member has signed up yet): the
    /// members take the states of the model's steady state at the configured settings
    /// (<see cref="PopulationPlayer.SteadyStateOn"/>); the rest sign up later.
    /// </summary>
    private static async Task<int> GiveSteadyStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, Random random, RegionMix region, CancellationToken cancellationToken)
    {
        List<PoolMember> members;
        await using (var read = new NpgsqlBatch(connection, transaction))
        {
            read.BatchCommands.Add(Sql.Command("SELECT EXISTS (SELECT 1 FROM synthetic_user_state)"));
            read.BatchCommands.Add(Sql.Command(PoolSql.SelectUnsigned));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var started = reader.GetBoolean(0);
            await reader.NextResultAsync(cancellationToken);
            members = started ? [] : await PoolSql.ReadMembersAsync(reader, cancellationToken);
        }

        if (members.Count == 0)
        {
            return 0;
        }

        var (sessionsPerMin, retainDays, idleAbandonDays, catalog) = await ReadStartInputAsync(connection, transaction, cancellationToken);

        var states = PopulationPlayer.SteadyStateOn(members, now, sessionsPerMin, retainDays, random, region);
        if (states.Count == 0)
        {
            return 0;
        }

        await using var write = new NpgsqlBatch(connection, transaction);
        write.BatchCommands.Add(PoolSql.AdoptStates(states));
        write.BatchCommands.Add(ActivityTables.SyntheticUserState.InsertFromArrays([.. states.Select(u => new UserStateRow(u, null))]));
        AddMidStory(write.BatchCommands, states, catalog, idleAbandonDays, now, random);
        await write.ExecuteNonQueryAsync(cancellationToken);
        return states.Count;
    }

    private static async Task<HashSet<string>> CreatedTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT table_name FROM synthetic_created_tables", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tables = new HashSet<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>
    /// A fresh install's population: the people the population model would have at
    /// <paramref name="now"/> after <see cref="PopulationPlayer.WarmUpDays"/> days at the configured
    /// sessions per minute (tenures, lifecycles and next sessions spread as if that had run), at
    /// most <paramref name="cap"/> of them, each with a profile, a sim user and their state.
    /// </summary>
    internal static async Task<int> AddSteadyStatePopulationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int cap, DateTimeOffset now, Random random, RegionMix region, string displayNamePrefix, CancellationToken cancellationToken)
    {
        var (sessionsPerMin, _, idleAbandonDays, catalog) = await ReadStartInputAsync(connection, transaction, cancellationToken);
        var player = new PopulationPlayer(Math.Max(sessionsPerMin, 0.1), random, region: region) { ForgetChurnedBefore = DateTimeOffset.MaxValue }; // only the living are read
        player.WarmUp(now, TimeSpan.FromMinutes(10));
        var alive = player.Alive().ToList();
        if (alive.Count > cap)
        {
            // A seeded sample keeps the population's mix of tenures and engagement.
            alive = [.. alive.OrderBy(_ => random.Next()).Take(cap).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId)];
        }

        if (alive.Count == 0)
        {
            return 0;
        }

        var users = alive.Select(u => new NewUser(u.ProfileId, u.Traits.Persona, Zones.Require(u.Timezone), u.SignupAt)).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        AddSimProfiles(batch.BatchCommands, users, displayNamePrefix);
        batch.BatchCommands.Add(PoolSql.AddMembers(users));
        batch.BatchCommands.Add(ActivityTables.SyntheticUserState.InsertFromArrays([.. alive.Select(u => new UserStateRow(u, null))]));
        AddMidStory(batch.BatchCommands, alive, catalog, idleAbandonDays, now, random);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return alive.Count;
    }

    /// <summary>What a fresh start plays from: the settings it sizes the population by, and the catalog its people are mid-way through.</summary>
    private static async Task<(double SessionsPerMin, int RetainDays, int IdleAbandonDays, Catalog Catalog)> ReadStartInputAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlBatch(connection, transaction);
        read.BatchCommands.Add(Sql.Command("SELECT sessions_per_min::float8, retain_days, idle_abandon_days FROM synthetic_settings WHERE id = 1"));
        foreach (var command in RunInputReader.CatalogCommands())
        {
            read.BatchCommands.Add(command);
        }

        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var settings = (reader.GetDouble(0), reader.GetInt32(1), reader.GetInt32(2));
        await reader.NextResultAsync(cancellationToken);
        var catalog = await RunInputReader.ReadCatalogAsync(reader, cancellationToken);
        return (settings.Item1, settings.Item2, settings.Item3, catalog);
    }

    /// <summary>The journeys a fresh start's people are part-way through (<see cref="PopulationPlayer.MidStory"/>): the history starts mid-story.</summary>
    private static void AddMidStory(NpgsqlBatchCommandCollection commands, IReadOnlyList<UserState> people, Catalog catalog, int idleAbandonDays, DateTimeOffset now, Random random)
    {
        var instances = PopulationPlayer.MidStory(people, catalog, idleAbandonDays, now, Uuid7.Create(now, random), random);
        if (instances.Count > 0)
        {
            commands.Add(ActivityTables.JourneyInstances.InsertFromArrays(instances));
            commands.Add(OpenInstancesSql.Track(instances));
        }
    }

    /// <summary>
    /// New people in the tables this app created: a profile each (tagged synthetic in its metadata,
    /// with its persona; named like a person, <see cref="PersonNames"/>, after
    /// <paramref name="displayNamePrefix"/>, <c>Synthetics__DisplayNamePrefix</c>) and its sim user
    /// (with the columns this app's own sim_users has), created at their signup. The one insert for
    /// the seeded pool, a resize and the people who sign up during runs; their pool rows are
    /// <see cref="PoolSql.AddMembers"/>.
    /// </summary>
    internal static void AddSimProfiles(NpgsqlBatchCommandCollection commands, IReadOnlyList<NewUser> users, string displayNamePrefix)
    {
        var ids = users.Select(u => u.ProfileId).ToArray();
        var names = users.Select(u => displayNamePrefix + PersonNames.For(u.ProfileId)).ToArray();
        var personas = users.Select(u => u.Persona).ToArray();
        var createdAt = users.Select(u => u.SignupAt.UtcDateTime).ToArray();
        commands.Add(Sql.Command(
            """
            INSERT INTO profiles (id, display_name, created_at, metadata)
            SELECT u.id, u.name, u.at, jsonb_build_object('synthetic', true, 'persona', u.persona)
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS u(id, persona, at, name)
            """,
            Sql.P(ids), Sql.P(personas), Sql.P(createdAt), Sql.P(names)));
        commands.Add(Sql.Command(
            """
            INSERT INTO sim_users (profile_id, persona, timezone, created_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
            """,
            Sql.P(ids), Sql.P(personas), Sql.P(users.Select(u => u.Timezone).ToArray()), Sql.P(createdAt)));
    }

    /// <summary>Adds <paramref name="count"/> app-created profiles with sim users, each with a persona and a timezone.</summary>
    internal static async Task<int> AddSimProfilesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count, DateTimeOffset now, Random random, RegionMix region, string displayNamePrefix, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return 0;
        }

        var users = new List<NewUser>(count);
        for (var i = 0; i < count; i++)
        {
            users.Add(new NewUser(Uuid7.Create(now, random), Sampling.Pick(random, Personas), Zones.Require(Sampling.Pick(random, region.Ballot)), now));
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        AddSimProfiles(batch.BatchCommands, users, displayNamePrefix);
        batch.BatchCommands.Add(PoolSql.AddMembers(users));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return count;
    }

    private async Task<int> EnlistExistingProfilesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            logger.LogWarning("profiles belongs to the journey app and Synthetics:PoolProfileIds is empty: the pool has no users to play");
            return 0;
        }

        var random = new Random(ids.Count);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO sim_users (profile_id, persona, timezone, created_at)
            SELECT u.id, u.persona, u.zone, $4
            FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, persona, zone)
            WHERE EXISTS (SELECT 1 FROM profiles p WHERE p.id = u.id)
            ON CONFLICT (profile_id) DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(Sql.P(ids.ToArray()));
        command.Parameters.Add(Sql.P(ids.Select(_ => Sampling.Pick(random, Personas)).ToArray()));
        command.Parameters.Add(Sql.P(ids.Select(_ => Zones.Require(Sampling.Pick(random, _region.Ballot))).ToArray()));
        command.Parameters.Add(Sql.P(now.UtcDateTime));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
