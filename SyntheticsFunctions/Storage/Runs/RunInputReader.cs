using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>
/// The run's first round trip: one batch that takes the cron lock, reads the settings, the last
/// cron run, the sessions in progress, the pool and the catalog, and claims free users
/// <c>FOR UPDATE SKIP LOCKED</c>, in the run's transaction.
/// </summary>
internal static class RunInputReader
{
    public static async Task<LoadedRun> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRequest request, string cronLock, PoolZones poolZones, CancellationToken cancellationToken)
    {
        var cron = request.Trigger == RunTrigger.Cron;
        await using var read = new NpgsqlBatch(connection, transaction);

        // Cron ticks serialise on a transaction-level advisory lock; every later statement of the
        // batch is conditional on holding it (re-taking a held xact lock just stacks), so a tick
        // that lost the race claims nothing and touches no session.
        const string HoldsLock = "(NOT $1 OR (SELECT pg_try_advisory_xact_lock(hashtextextended($2, 0))))";
        read.BatchCommands.Add(RunJournal.SelectCommitted(request.RunId));
        read.BatchCommands.Add(Sql.Command(
            $"SELECT {HoldsLock}", Sql.P(cron), Sql.P(cronLock)));
        read.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        read.BatchCommands.Add(Sql.Command(
            """
            SELECT window_end, carry_over FROM synthetic_runs
            WHERE trigger = 'cron' AND status = 'succeeded' ORDER BY window_end DESC LIMIT 1
            """));
        read.BatchCommands.Add(Sql.Command(
            $"""
            SELECT {Declarations.ActivityTables.SyntheticSessions.ColumnList}
            FROM synthetic_sessions
            WHERE $1 AND {HoldsLock} AND (SELECT enabled FROM synthetic_settings WHERE id = 1)
            ORDER BY profile_id
            FOR UPDATE
            """, Sql.P(cron), Sql.P(cronLock)));
        // Free users, claimed in the order of a pick weighted by each one's local-hour multiplier
        // (Efraimidis-Spirakis keys -ln(u)/w from a seeded hash), only as many as may start. The
        // weights per time zone are the engine's, computed once per run for the zones the pool
        // uses; a zone not yet seen (or one .NET does not know) weighs as UTC for one run.
        var (zones, weights) = ActivityCurve.ZoneWeights(poolZones.Current, request.Now);
        read.BatchCommands.Add(Sql.Command(
            $"""
            SELECT su.profile_id, su.timezone, ji.id, ji.journey_id, ji.current_scene_order, ji.started_at, ji.last_activity_at,
                   greatest(us.last_session_ends_at, (SELECT max(i.last_activity_at) FROM journey_instances i WHERE i.user_id = su.profile_id)) AS last_session_ends_at
            FROM sim_users su
            LEFT JOIN LATERAL (
                SELECT i.id, i.journey_id, i.current_scene_order, i.started_at, i.last_activity_at
                FROM journey_instances i
                WHERE i.user_id = su.profile_id AND i.status = 'active'
                ORDER BY i.last_activity_at DESC
                LIMIT 1) ji ON true
            LEFT JOIN synthetic_user_state us ON us.profile_id = su.profile_id
            LEFT JOIN unnest($5::text[], $6::float8[]) AS tz(zone, weight) ON tz.zone = su.timezone
            WHERE su.retired_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = su.profile_id)
              AND {HoldsLock}
              AND (NOT $1 OR (SELECT enabled FROM synthetic_settings WHERE id = 1))
            ORDER BY -ln((('x' || substr(md5(su.profile_id::text || $3::text), 1, 8))::bit(32)::bigint + 1) / 4294967297.0)
                     / coalesce(tz.weight, $7),
                     su.profile_id
            LIMIT CASE WHEN $1 THEN (SELECT max_per_run FROM synthetic_settings WHERE id = 1) ELSE $4 END
            FOR UPDATE OF su SKIP LOCKED
            """,
            Sql.P(cron), Sql.P(cronLock), Sql.P(request.Seed), Sql.P(request.Target),
            Sql.P(zones), Sql.P(weights), Sql.P(ActivityCurve.For("UTC", request.Now))));
        read.BatchCommands.Add(Sql.Command(
            "SELECT timezone, count(*) FROM sim_users WHERE retired_at IS NULL GROUP BY timezone ORDER BY timezone"));
        read.BatchCommands.Add(Sql.Command(
            """
            SELECT j.id, j.slug, j.title, j.clinical_focus, s.id, s.scene_order, s.title,
                   c.required_captures, c.capture_prompt, c.requires_resistance_check, c.min_dwell_seconds, c.max_dwell_seconds
            FROM journeys j
            JOIN journey_scenes s ON s.journey_id = j.id
            LEFT JOIN scene_contracts c ON c.scene_id = s.id
            ORDER BY j.slug, j.id, s.scene_order
            """));
        read.BatchCommands.Add(Sql.Command("SELECT id, slug, name, clinical_focus FROM mindblocks ORDER BY slug, id"));

        await using var reader = await read.ExecuteReaderAsync(cancellationToken);

        var committed = await RunJournal.ReadCommittedAsync(reader, request, cancellationToken);
        if (committed is not null)
        {
            return new LoadedRun(RunSkip.None, null, committed);
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var holdsLock = reader.GetBoolean(0);

        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("synthetic_settings has no row with id 1.");
        }

        var settings = SettingsStore.ReadSettings(reader);

        await reader.NextResultAsync(cancellationToken);
        DateTimeOffset? lastCron = null;
        var carry = 0;
        if (await reader.ReadAsync(cancellationToken))
        {
            lastCron = Sql.ReadTimestamp(reader, 0);
            carry = reader.GetInt32(1);
        }

        await reader.NextResultAsync(cancellationToken);
        var sessions = new List<SessionState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(ReadSession(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        var candidates = new List<CandidateUser>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var instance = reader.IsDBNull(2)
                ? null
                : new ActiveInstance(reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4), Sql.ReadTimestamp(reader, 5), Sql.ReadTimestamp(reader, 6));
            candidates.Add(new CandidateUser(reader.GetGuid(0), reader.GetString(1), instance, reader.IsDBNull(7) ? null : Sql.ReadTimestamp(reader, 7)));
        }

        await reader.NextResultAsync(cancellationToken);
        var pool = new List<TimezoneCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pool.Add(new TimezoneCount(reader.GetString(0), reader.GetInt64(1)));
        }

        poolZones.Learn(pool.Select(p => p.Timezone));

        await reader.NextResultAsync(cancellationToken);
        var journeys = new List<JourneyDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var journeyId = reader.GetGuid(0);
            if (journeys.Count == 0 || journeys[^1].Id != journeyId)
            {
                journeys.Add(new JourneyDefinition(journeyId, reader.GetString(1), reader.GetString(2), reader.GetString(3), new List<SceneDefinition>()));
            }

            var contract = reader.IsDBNull(7)
                ? SceneContract.None
                : new SceneContract(reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9), reader.GetInt32(10), reader.GetInt32(11));
            ((List<SceneDefinition>)journeys[^1].Scenes).Add(new SceneDefinition(reader.GetGuid(4), reader.GetInt32(5), reader.GetString(6), contract));
        }

        await reader.NextResultAsync(cancellationToken);
        var mindblocks = new List<MindblockDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            mindblocks.Add(new MindblockDefinition(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        if (cron && !holdsLock)
        {
            return new LoadedRun(RunSkip.AnotherTickRunning, null);
        }

        if (cron && !settings.Enabled)
        {
            return new LoadedRun(RunSkip.Paused, null);
        }

        var input = new RunInput(
            request.Trigger, request.RunId, request.Seed, request.Now, lastCron, carry, settings,
            new Catalog(journeys, mindblocks), sessions, candidates, pool, request.Target);
        return new LoadedRun(RunSkip.None, input);
    }

    /// <summary>A <c>synthetic_sessions</c> row, read by column name.</summary>
    private static SessionState ReadSession(NpgsqlDataReader reader)
    {
        DateTimeOffset At(string column) => Sql.ReadTimestamp(reader, reader.GetOrdinal(column));
        double Rate(string column) => (double)reader.GetDecimal(reader.GetOrdinal(column));
        return new SessionState(
            reader.GetGuid(reader.GetOrdinal("profile_id")), reader.GetGuid(reader.GetOrdinal("session_id")), reader.GetInt64(reader.GetOrdinal("seed")),
            At("started_at"), reader.GetGuid(reader.GetOrdinal("instance_id")), reader.GetGuid(reader.GetOrdinal("journey_id")),
            reader.GetInt32(reader.GetOrdinal("start_scene_order")), reader.GetBoolean(reader.GetOrdinal("new_instance")), At("instance_started_at"),
            new SessionRates(Rate("mindblock_chance"), Rate("abandon_rate"), Rate("error_rate")),
            At("written_until"), At("ends_at"));
    }
}
