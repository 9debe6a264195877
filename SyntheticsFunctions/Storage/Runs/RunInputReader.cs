using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>
/// The run's first round trip: one batch that takes the cron lock, reads the settings, the last
/// cron run, the sessions in progress, the pool, the catalog and the installation (its seed and
/// history start, for the day's volume), and claims free users
/// <c>FOR UPDATE SKIP LOCKED</c>, in the run's transaction.
/// </summary>
internal static class RunInputReader
{
    public static async Task<LoadedRun> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RunRequest request, string cronLock, int poolCap, string? signupFunction, RegionMix region, CancellationToken cancellationToken)
    {
        var cron = request.Trigger == RunTrigger.Cron;
        await using var read = new NpgsqlBatch(connection, transaction);

        // Cron ticks serialise on a transaction-level advisory lock; every later statement of the
        // batch is conditional on holding it (re-taking a held xact lock just stacks), so a tick
        // that lost the race claims nothing and touches no session.
        const string HoldsLock = "(NOT $1 OR (SELECT pg_try_advisory_xact_lock(hashtextextended($2, 0))))";
        read.BatchCommands.Add(RunJournal.SelectCommitted(request.RunId));
        // JIT off for the run's transaction: its statements each touch a handful of rows through
        // indexes, but a claim's LIMIT is read from the settings, so the planner guesses a tenth of
        // the pool and would spend more compiling the claim (about 200 ms) than running it.
        read.BatchCommands.Add(Sql.Command(
            $"SELECT {HoldsLock}, set_config('jit', 'off', true)", Sql.P(cron), Sql.P(cronLock)));
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
        // sim_users rows the engine has not seen join its pool first (reads the app's tables only):
        // a cron tick looks at a bounded slice of sim_users and of the pool (the pool's size does not
        // change its cost), a manual run at all of sim_users.
        read.BatchCommands.Add(cron ? PoolSql.EnlistSlice(request.Now, region, cronLock) : PoolSql.Enlist(request.Now, region));

        // Free users, only as many as may start, claimed FOR UPDATE SKIP LOCKED on the engine's
        // own pool rows so two runs never move the same user (no lock on the journey app's tables).
        // Each claim walks an index of the engine's state in its order (migration 0017) and stops at
        // its LIMIT, so a tick's claim costs the same on any pool; each carries the state it read.
        const string Due = "coalesce(us.next_session_at, 'infinity'::timestamptz)";
        const string State =
            """
            us.profile_id IS NOT NULL AS has_state, us.signup_at, us.persona, us.engagement, us.chronotype_shift_hours, us.lifecycle,
            us.next_session_at, us.last_session_at, us.local_day, us.sessions_that_day, us.sessions, us.progress, us.last_session_ends_at
            """;
        read.BatchCommands.Add(Sql.Command(
            $"""
            -- The claims first, then what the planner needs of just the claimed users.
            WITH known AS MATERIALIZED (
                -- People who signed up, in the order of each one's next planned session (the population
                -- model's): ix_synthetic_user_state_due.
                SELECT pm.profile_id, pm.timezone, pm.persona AS member_persona, pm.available_at, {Due} AS due, 1 AS grp, {State}
                FROM synthetic_user_state us
                JOIN synthetic_pool pm ON pm.profile_id = us.profile_id
                WHERE {PoolSql.ActiveMember}
                  AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = pm.profile_id)
                  AND {HoldsLock}
                  AND (NOT $1 OR (SELECT enabled FROM synthetic_settings WHERE id = 1))
                  -- A manual run picks only people who have not had their day's fill, and who have not
                  -- left, except on a pool the engine cannot grow, where those who left come last (no
                  -- next session: due at infinity), so a manual run still starts its target.
                  AND ($1 OR ((us.lifecycle <> 'churned' OR NOT {PoolSql.OwnsPoolTables})
                              AND NOT (us.sessions_that_day >= {PopulationModel.MaxSessionsPerDay} AND us.last_session_at > $4::timestamptz - interval '1 day')))
                  -- A cron tick's people who missed their session are the next CTE's.
                  AND (NOT $1 OR {Due} >= $4::timestamptz - make_interval(secs => $5))
                ORDER BY {Due}, us.profile_id
                LIMIT CASE WHEN $1 THEN (SELECT max_per_run FROM synthetic_settings WHERE id = 1) ELSE $3 END
                FOR UPDATE OF pm SKIP LOCKED),
            unsigned AS MATERIALIZED (
                -- Members who have not signed up yet, whose profile exists by now: the people who
                -- may join, in the order their profiles appeared (unknown first), then by id
                -- (ix_synthetic_pool_unsigned: only members listed and without a state, so the
                -- LIMIT reaches it; the flags follow the writes, migration 0019, and sim_users and
                -- the state are still probed by key for each one taken).
                SELECT pm.profile_id, pm.timezone, pm.persona AS member_persona, pm.available_at, 'infinity'::timestamptz AS due, 0 AS grp, {State}
                FROM synthetic_pool pm
                LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id
                WHERE {PoolSql.ActiveMember} AND pm.listed AND NOT pm.signed_up
                  AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id)
                  AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = pm.profile_id)
                  AND (pm.available_at IS NULL OR pm.available_at < $4::timestamptz)
                  AND {HoldsLock}
                  AND (NOT $1 OR (SELECT enabled FROM synthetic_settings WHERE id = 1))
                ORDER BY pm.available_at NULLS FIRST, pm.profile_id
                LIMIT CASE WHEN $1 THEN (SELECT max_per_run FROM synthetic_settings WHERE id = 1) ELSE $3 END
                FOR UPDATE OF pm SKIP LOCKED),
            missed AS MATERIALIZED (
                -- A cron tick's people whose planned session passed more than the model's wait
                -- ago: they missed it and are planned anew (their state alone), a bounded number a tick.
                SELECT pm.profile_id, pm.timezone, pm.persona AS member_persona, pm.available_at, {Due} AS due, 2 AS grp, {State}
                FROM synthetic_user_state us
                JOIN synthetic_pool pm ON pm.profile_id = us.profile_id
                WHERE $1 AND {PoolSql.ActiveMember}
                  AND {Due} < $4::timestamptz - make_interval(secs => $5)
                  AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = pm.profile_id)
                  AND {HoldsLock}
                  AND (SELECT enabled FROM synthetic_settings WHERE id = 1)
                ORDER BY {Due}, us.profile_id
                LIMIT $6
                FOR UPDATE OF pm SKIP LOCKED),
            claimed AS (SELECT * FROM known UNION ALL SELECT * FROM unsigned UNION ALL SELECT * FROM missed)
            SELECT c.profile_id, c.timezone, ji.id, ji.journey_id, ji.current_scene_order, ji.started_at, ji.last_activity_at,
                   greatest(c.last_session_ends_at, past.last_activity_at) AS last_session_ends_at,
                   c.available_at, c.member_persona, c.has_state, c.signup_at, c.persona, c.engagement, c.chronotype_shift_hours,
                   c.lifecycle, c.next_session_at, c.last_session_at, c.local_day, c.sessions_that_day, c.sessions, c.progress,
                   past.completed_journeys, past.enrolled_journeys,
                   lc.id AS completed_id, lc.journey_id AS completed_journey_id, lc.current_scene_order AS completed_scene_order,
                   lc.started_at AS completed_started_at, lc.last_activity_at AS completed_last_activity_at,
                   CASE WHEN c.grp = 2 THEN ARRAY[]::text[]
                        ELSE array(SELECT DISTINCT m.clinical_focus FROM user_mindblock_status ms JOIN mindblocks m ON m.id = ms.mindblock_id
                                   WHERE ms.user_id = c.profile_id AND ms.status <> 'easing') END AS mindblock_focus
            FROM claimed c
            -- One pass over the user's journey instances: their last activity, the journeys they completed and enrolled in.
            CROSS JOIN LATERAL (
                SELECT max(i.last_activity_at) AS last_activity_at,
                       coalesce(array_agg(DISTINCT i.journey_id) FILTER (WHERE i.status = 'completed'), ARRAY[]::uuid[]) AS completed_journeys,
                       coalesce(array_agg(DISTINCT i.journey_id), ARRAY[]::uuid[]) AS enrolled_journeys
                FROM journey_instances i
                WHERE i.user_id = c.profile_id AND c.grp <> 2) past
            LEFT JOIN LATERAL (
                SELECT i.id, i.journey_id, i.current_scene_order, i.started_at, i.last_activity_at
                FROM journey_instances i
                WHERE i.user_id = c.profile_id AND i.status = 'active' AND c.grp <> 2
                ORDER BY i.last_activity_at DESC
                LIMIT 1) ji ON true
            LEFT JOIN LATERAL (
                SELECT i.id, i.journey_id, i.current_scene_order, i.started_at, i.last_activity_at
                FROM journey_instances i
                WHERE i.user_id = c.profile_id AND i.status = 'completed' AND c.grp <> 2
                ORDER BY i.completed_at DESC
                LIMIT 1) lc ON true
            -- People with a state by next session then id, members by when their profile appeared
            -- then id; those with no next session (the churned) after the members. The planner takes
            -- the two apart (by state), each in PoolWorld's order.
            ORDER BY c.due, c.grp, CASE WHEN c.grp = 0 THEN c.available_at END NULLS FIRST, c.profile_id
            """,
            Sql.P(cron), Sql.P(cronLock), Sql.P(request.Target), Sql.P(request.Now.UtcDateTime), Sql.P(PopulationModel.MaxWait.TotalSeconds), Sql.P(RunPlanner.MaxMissedPerRun)));
        // Whether the engine may add people (how many: up to the cap, less the active members the time zones count).
        read.BatchCommands.Add(Sql.Command($"SELECT {PoolSql.OwnsPoolTables}"));

        // A cron tick reads the counts the pool's writes keep (a row per zone); a manual run counts the pool.
        read.BatchCommands.Add(cron ? PoolSql.SelectKeptTimezones() : PoolSql.SelectTimezones());
        foreach (var command in CatalogCommands())
        {
            read.BatchCommands.Add(command);
        }

        read.BatchCommands.Add(Sql.Command("SELECT EXISTS (SELECT 1 FROM synthetic_backfills WHERE state IN ('queued', 'running'))"));
        read.BatchCommands.Add(InstallationSql.Select());

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

        // The pool's enlistment: how many joined.
        await reader.NextResultAsync(cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        var candidates = new List<CandidateUser>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var instance = reader.IsDBNull(2)
                ? null
                : new ActiveInstance(reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4), Sql.ReadTimestamp(reader, 5), Sql.ReadTimestamp(reader, 6));
            var available = reader.GetOrdinal("available_at");
            candidates.Add(new CandidateUser(
                reader.GetGuid(0), reader.GetString(1), instance, reader.IsDBNull(7) ? null : Sql.ReadTimestamp(reader, 7), ReadState(reader),
                reader.IsDBNull(available) ? null : Sql.ReadTimestamp(reader, available),
                reader.GetFieldValue<Guid[]>(reader.GetOrdinal("completed_journeys")), reader.GetFieldValue<string[]>(reader.GetOrdinal("mindblock_focus")),
                reader.GetFieldValue<Guid[]>(reader.GetOrdinal("enrolled_journeys")), ReadLastCompleted(reader), reader.GetString(reader.GetOrdinal("member_persona"))));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var growth = signupFunction is not null ? PoolGrowth.OwnerFunction : reader.GetBoolean(0) ? PoolGrowth.EngineProfiles : PoolGrowth.Fixed;

        await reader.NextResultAsync(cancellationToken);
        var pool = await PoolSql.ReadTimezonesAsync(reader, cancellationToken);
        var signUpsAllowed = growth == PoolGrowth.Fixed ? 0 : (int)Math.Min(int.MaxValue, Math.Max(0, poolCap - pool.Sum(z => z.Users)));

        await reader.NextResultAsync(cancellationToken);
        var catalog = await ReadCatalogAsync(reader, cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var backfilling = reader.GetBoolean(0);

        await reader.NextResultAsync(cancellationToken);
        var installation = await InstallationSql.ReadAsync(reader, cancellationToken);

        if (cron && !holdsLock)
        {
            return new LoadedRun(RunSkip.AnotherTickRunning, null);
        }

        if (cron && !settings.Enabled)
        {
            return new LoadedRun(RunSkip.Paused, null);
        }

        if (cron && backfilling)
        {
            return new LoadedRun(RunSkip.Backfill, null);
        }

        // A manual run whose clock reads earlier than the last committed tick's end (another
        // instance's clock, or a request that read it before the tick committed) runs at that end:
        // its sessions' rows, and where the next tick continues them, never fall before it. (Manual
        // runs do not take the cron lock, so parallel runs claim different people; a tick that
        // commits while a manual run's transaction is open is not seen by it.)
        var now = !cron && lastCron is { } tickEnd && tickEnd > request.Now ? tickEnd : request.Now;
        var input = new RunInput(
            request.Trigger, request.RunId, request.Seed, now, lastCron, carry, settings,
            catalog, sessions, candidates, pool, request.Target, signUpsAllowed, growth, installation, region);
        return new LoadedRun(RunSkip.None, input);
    }

    /// <summary>The catalog's two statements (journeys with scenes and contracts, mindblocks), for a batch.</summary>
    internal static NpgsqlBatchCommand[] CatalogCommands() =>
    [
        Sql.Command(
            $"""
            SELECT j.id, j.slug, j.title, j.clinical_focus, s.id, s.scene_order, s.title,
                   c.required_captures, c.capture_prompt, c.requires_resistance_check, c.min_dwell_seconds, c.max_dwell_seconds, {Sql.JourneyCreatedAt("j")},
                   {Sql.SeededPrompts("c")}
            FROM journeys j
            JOIN journey_scenes s ON s.journey_id = j.id
            LEFT JOIN scene_contracts c ON c.scene_id = s.id
            ORDER BY j.slug, j.id, s.scene_order
            """),
        Sql.Command("SELECT id, slug, name, clinical_focus FROM mindblocks ORDER BY slug, id"),
    ];

    /// <summary>Reads the answers of <see cref="CatalogCommands"/>, the reader on the first of them.</summary>
    internal static async Task<Catalog> ReadCatalogAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var journeys = new List<JourneyDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var journeyId = reader.GetGuid(0);
            if (journeys.Count == 0 || journeys[^1].Id != journeyId)
            {
                journeys.Add(new JourneyDefinition(
                    journeyId, reader.GetString(1), reader.GetString(2), reader.GetString(3), new List<SceneDefinition>(), reader.IsDBNull(12) ? null : Sql.ReadTimestamp(reader, 12)));
            }

            var contract = reader.IsDBNull(7)
                ? SceneContract.None
                : new SceneContract(reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetBoolean(9), reader.GetInt32(10), reader.GetInt32(11))
                {
                    Prompts = reader.IsDBNull(13) ? null : reader.GetFieldValue<string[]>(13),
                };
            ((List<SceneDefinition>)journeys[^1].Scenes).Add(new SceneDefinition(reader.GetGuid(4), reader.GetInt32(5), reader.GetString(6), contract));
        }

        await reader.NextResultAsync(cancellationToken);
        var mindblocks = new List<MindblockDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            mindblocks.Add(new MindblockDefinition(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return new Catalog(journeys, mindblocks);
    }

    /// <summary>The population model's state of a claimed user, read by column name; null before the model knew them.</summary>
    private static UserState? ReadState(NpgsqlDataReader reader)
    {
        if (!reader.GetBoolean(reader.GetOrdinal("has_state")))
        {
            return null;
        }

        DateTimeOffset? At(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : Sql.ReadTimestamp(reader, reader.GetOrdinal(column));
        var day = reader.GetOrdinal("local_day");
        return new UserState(
            reader.GetGuid(0), reader.GetString(1), At("signup_at")!.Value,
            new UserTraits(reader.GetString(reader.GetOrdinal("persona")), reader.GetDouble(reader.GetOrdinal("engagement")), reader.GetDouble(reader.GetOrdinal("chronotype_shift_hours"))),
            Enum.Parse<Lifecycle>(reader.GetString(reader.GetOrdinal("lifecycle")), ignoreCase: true),
            At("next_session_at"), At("last_session_at"),
            reader.IsDBNull(day) ? null : reader.GetFieldValue<DateOnly>(day),
            reader.GetInt32(reader.GetOrdinal("sessions_that_day")), reader.GetInt32(reader.GetOrdinal("sessions")), reader.GetDouble(reader.GetOrdinal("progress")));
    }

    /// <summary>The journey instance the user completed last, if any.</summary>
    private static ActiveInstance? ReadLastCompleted(NpgsqlDataReader reader)
    {
        var id = reader.GetOrdinal("completed_id");
        return reader.IsDBNull(id)
            ? null
            : new ActiveInstance(
                reader.GetGuid(id), reader.GetGuid(reader.GetOrdinal("completed_journey_id")), reader.GetInt32(reader.GetOrdinal("completed_scene_order")),
                Sql.ReadTimestamp(reader, reader.GetOrdinal("completed_started_at")), Sql.ReadTimestamp(reader, reader.GetOrdinal("completed_last_activity_at")));
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
            At("written_until"), At("ends_at"), reader.GetDouble(reader.GetOrdinal("progress")),
            reader.IsDBNull(reader.GetOrdinal("practice_until_order")) ? null : reader.GetInt32(reader.GetOrdinal("practice_until_order")),
            reader.IsDBNull(reader.GetOrdinal("persona")) ? null : reader.GetString(reader.GetOrdinal("persona")));
    }
}
