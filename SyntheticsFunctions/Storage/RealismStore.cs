using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// Reads the realism check's facts from the tables: only sim users' rows carrying the synthetic
/// tag, never a real user's. Sessions and the rule checks come from a daily cache
/// (<c>synthetic_realism_days</c>, <c>synthetic_realism_sessions</c>, migration 0007) kept from the
/// scene events: a day is computed when first asked for and again only when the events rollup
/// counts a different number of events for it, so a check reads the event table only on days that
/// changed (today, while the engine runs). Enrolments, users and settings are read as they are.
/// </summary>
public sealed class RealismStore(NpgsqlDataSource dataSource)
{
    private const string NoValues = "'{}'";

    private const string SyntheticEvent = "e.event_payload->>'synthetic' = 'true' AND e.user_id IN (SELECT profile_id FROM sim_users)";

    // The day's statements: $1 the day's start, $2 its end, $3 the day, $4 now, $5 the day's events as the rollup counts them.
    private static readonly string ComputeSessions =
        $"""
        INSERT INTO synthetic_realism_sessions (
            day, session_id, user_id, instance_id, started_at, events, abandoned, errored, scenes_opened, mindblock_signals,
            last_scene_order, resistance_sum, resistance_count, intensity_sum, intensity_count, mindblock_ids, intensities)
        SELECT $3, (e.event_payload->>'session_id')::uuid, (array_agg(e.user_id))[1], (array_agg(e.instance_id))[1], min(e.created_at), count(*),
               bool_or(e.event_type = '{EventTypes.JourneyAbandoned}'), bool_or(e.event_type = '{EventTypes.ClientError}'),
               count(*) FILTER (WHERE e.event_type = '{EventTypes.SceneOpened}'), count(*) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'),
               coalesce(max(js.scene_order), 0),
               coalesce(sum((e.event_payload->>'resistance_level')::int) FILTER (WHERE e.event_type = '{EventTypes.ResistanceCheckCompleted}'), 0),
               count(*) FILTER (WHERE e.event_type = '{EventTypes.ResistanceCheckCompleted}'),
               coalesce(sum((e.event_payload->>'intensity')::int) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'), 0),
               count(*) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'),
               coalesce(array_agg((e.event_payload->>'mindblock_id')::uuid ORDER BY e.created_at) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'), {NoValues}),
               coalesce(array_agg((e.event_payload->>'intensity')::int ORDER BY e.created_at) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'), {NoValues})
        FROM journey_scene_events e
        LEFT JOIN journey_scenes js ON js.id = e.scene_id AND e.event_type = '{EventTypes.SceneOpened}'
        WHERE e.created_at >= $1 AND e.created_at < $2 AND {SyntheticEvent} AND e.event_payload ? 'session_id'
        GROUP BY e.event_payload->>'session_id'
        """;

    // The day's rule checks. A trigger is outside its journey when dated after the journey
    // completed or was abandoned; a completed scene breaks its contract when a required capture
    // or check is missing or its dwell time is outside the limits (a second's rounding allowed);
    // a row is out of order when dated before its journey started, before its scene opened, after
    // its scene completed, or after now.
    private static readonly string ComputeDay =
        $"""
        INSERT INTO synthetic_realism_days (
            day, events, computed_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, captures, capture_texts)
        SELECT $3, $5, $4, t.n, t.outside, c.n, c.violations, o.n, o.bad, cardinality(x.texts), x.texts
        FROM (SELECT count(*) AS n,
                     count(*) FILTER (WHERE i.completed_at < t.created_at OR (i.status = '{InstanceStatus.Abandoned}' AND i.last_activity_at < t.created_at)) AS outside
              FROM journey_scene_events e
              JOIN journey_real_world_triggers t ON t.id = (e.event_payload->>'trigger_id')::uuid AND t.metadata->>'synthetic' = 'true'
              JOIN journey_instances i ON i.id = t.instance_id
              WHERE e.created_at >= $1 AND e.created_at < $2 AND e.event_type = '{EventTypes.RealWorldTrigger}' AND {SyntheticEvent}) t,
             (SELECT count(*) AS n,
                     count(*) FILTER (WHERE s.status <> '{SceneStatus.Completed}' OR s.completed_at IS NULL
                         OR s.completed_at - s.opened_at < make_interval(secs => k.min_dwell_seconds - 1)
                         OR s.completed_at - s.opened_at > make_interval(secs => k.max_dwell_seconds + 1)
                         OR (SELECT count(*) FROM journey_scene_captures x WHERE x.instance_id = s.instance_id AND x.instance_scene_id = s.id) < k.required_captures
                         OR (k.requires_resistance_check AND NOT EXISTS (
                             SELECT 1 FROM journey_resistance_checks r WHERE r.instance_id = s.instance_id AND r.instance_scene_id = s.id))) AS violations
              FROM journey_scene_events e
              JOIN journey_instance_scenes s ON s.id = e.instance_scene_id
              JOIN scene_contracts k ON k.scene_id = s.scene_id
              WHERE e.created_at >= $1 AND e.created_at < $2 AND e.event_type = '{EventTypes.SceneCompleted}' AND {SyntheticEvent}) c,
             (SELECT count(*) AS n,
                     count(*) FILTER (WHERE e.created_at > $4 OR e.created_at < i.started_at OR e.created_at < s.opened_at OR e.created_at > s.completed_at) AS bad
              FROM journey_scene_events e
              JOIN journey_instances i ON i.id = e.instance_id
              LEFT JOIN journey_instance_scenes s ON s.id = e.instance_scene_id
              WHERE e.created_at >= $1 AND e.created_at < $2 AND {SyntheticEvent}) o,
             (SELECT coalesce(array_agg(response), {NoValues}) AS texts FROM (
                 SELECT x.response
                 FROM journey_scene_events e
                 JOIN journey_scene_captures x ON x.id = (e.event_payload->>'capture_id')::uuid AND x.metadata->>'synthetic' = 'true'
                 WHERE e.created_at >= $1 AND e.created_at < $2 AND e.event_type = '{EventTypes.CaptureSubmitted}' AND {SyntheticEvent}
                 ORDER BY e.created_at DESC
                 LIMIT {RealismFigures.CaptureSample}) latest) x
        ON CONFLICT (day) DO UPDATE SET
            events = excluded.events, computed_at = excluded.computed_at, triggers = excluded.triggers, triggers_outside = excluded.triggers_outside,
            scenes_checked = excluded.scenes_checked, contract_violations = excluded.contract_violations, rows_checked = excluded.rows_checked,
            rows_out_of_order = excluded.rows_out_of_order, captures = excluded.captures, capture_texts = excluded.capture_texts
        """;

    /// <summary>The retention setting, which bounds the window a check may ask for.</summary>
    public async Task<int> ReadRetainDaysAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT retain_days FROM synthetic_settings WHERE id = 1");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// The facts for the window [<paramref name="from"/>, <paramref name="to"/>): the daily cache
    /// brought up to date first (days whose event count changed computed again), then read.
    /// </summary>
    public async Task<RealismFacts> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var firstDay = DateOnly.FromDateTime(from.UtcDateTime);
        var lastDay = DateOnly.FromDateTime(to.UtcDateTime);
        var days = Enumerable.Range(0, lastDay.DayNumber - firstDay.DayNumber + 1).Select(firstDay.AddDays).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RefreshAsync(connection, days, to, cancellationToken);

        var settings = await ReadSettingsAsync(connection, cancellationToken);
        var users = await ReadUsersAsync(connection, cancellationToken);
        var sessions = await ReadSessionsAsync(connection, firstDay, lastDay, cancellationToken);
        var enrolments = await ReadEnrolmentsAsync(connection, from, to, cancellationToken);
        var counts = await ReadCountsAsync(connection, firstDay, lastDay, from, to, settings, cancellationToken);
        return new RealismFacts(from, to, sessions, users, enrolments, counts);
    }

    private static async Task RefreshAsync(NpgsqlConnection connection, DateOnly[] days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One filler at a time per schema; a second caller waits and then finds the days done.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('synthetics:realism:' || current_schema()))", connection, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var stale = new List<(DateOnly Day, long Events)>();
        await using (var check = new NpgsqlCommand(
            $"""
            SELECT x.day, coalesce((SELECT sum(h.count) FROM {Declarations.Rollups.HoursTable} h
                                    WHERE h.hour >= x.starts AND h.hour < x.starts + interval '1 day' AND h.metric LIKE '{Declarations.Rollups.EventPrefix}%'), 0)::bigint AS events,
                   r.events AS cached
            FROM unnest($1::date[], $2::timestamptz[]) AS x(day, starts)
            LEFT JOIN synthetic_realism_days r ON r.day = x.day
            """, connection, transaction))
        {
            check.Parameters.Add(Sql.P(days));
            check.Parameters.Add(Sql.P(days.Select(Start).ToArray()));
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var events = reader.GetInt64(1);
                if (reader.IsDBNull(2) || reader.GetInt64(2) != events)
                {
                    stale.Add((reader.GetFieldValue<DateOnly>(0), events));
                }
            }
        }

        foreach (var (day, events) in stale)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            var parameters = () => new[] { Sql.P(Start(day)), Sql.P(Start(day.AddDays(1))), Sql.P(day), Sql.P(now.UtcDateTime), Sql.P(events) };
            batch.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_realism_sessions WHERE day = $1", Sql.P(day)));
            batch.BatchCommands.Add(Sql.Command(ComputeSessions, parameters()[..3]));
            batch.BatchCommands.Add(Sql.Command(ComputeDay, parameters()));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        // Days older than any window a check may ask for are dropped.
        await using (var prune = new NpgsqlBatch(connection, transaction))
        {
            const string Oldest = "$1 - (SELECT retain_days FROM synthetic_settings WHERE id = 1) - 1";
            prune.BatchCommands.Add(Sql.Command($"DELETE FROM synthetic_realism_sessions WHERE day < {Oldest}", Sql.P(days[^1])));
            prune.BatchCommands.Add(Sql.Command($"DELETE FROM synthetic_realism_days WHERE day < {Oldest}", Sql.P(days[^1])));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static DateTime Start(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static async Task<EngineSettings> ReadSettingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sessions_per_min::float8, max_per_run, error_rate::float8, abandon_rate::float8, mindblock_chance::float8, retain_days FROM synthetic_settings WHERE id = 1",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return EngineSettings.Defaults with
        {
            Enabled = true,
            SessionsPerMin = reader.GetDouble(0),
            MaxPerRun = reader.GetInt32(1),
            ErrorRate = reader.GetDouble(2),
            AbandonRate = reader.GetDouble(3),
            MindblockChance = reader.GetDouble(4),
            RetainDays = reader.GetInt32(5),
        };
    }

    private static async Task<Dictionary<Guid, UserFact>> ReadUsersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT su.profile_id, su.timezone, us.signup_at FROM sim_users su LEFT JOIN synthetic_user_state us ON us.profile_id = su.profile_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new Dictionary<Guid, UserFact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users[reader.GetGuid(0)] = new UserFact(reader.IsDBNull(2) ? null : Sql.ReadTimestamp(reader, 2), reader.GetString(1));
        }

        return users;
    }

    private static async Task<List<SessionFact>> ReadSessionsAsync(NpgsqlConnection connection, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT session_id, user_id, instance_id, started_at, events, abandoned, errored, scenes_opened, mindblock_signals, last_scene_order,
                   resistance_sum, resistance_count, intensity_sum, intensity_count, mindblock_ids, intensities
            FROM synthetic_realism_sessions
            WHERE day >= $1 AND day <= $2 AND user_id IN (SELECT profile_id FROM sim_users)
            """, connection);
        command.Parameters.Add(Sql.P(firstDay));
        command.Parameters.Add(Sql.P(lastDay));
        var sessions = new Dictionary<Guid, SessionFact>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var ids = reader.GetFieldValue<Guid[]>(14);
            var levels = reader.GetFieldValue<int[]>(15);
            var piece = new SessionFact(
                reader.GetGuid(1), Sql.ReadTimestamp(reader, 3), reader.GetInt32(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetInt32(7),
                reader.GetInt32(8), reader.GetGuid(2), reader.GetInt32(9), reader.GetInt32(10), reader.GetInt32(11), reader.GetInt32(12), reader.GetInt32(13),
                [.. ids.Zip(levels)]);
            var id = reader.GetGuid(0);
            sessions[id] = sessions.TryGetValue(id, out var other) ? Merge(other, piece) : piece;
        }

        return [.. sessions.Values];
    }

    // A session that crossed midnight: its days' pieces added up, the earlier piece's signals first.
    private static SessionFact Merge(SessionFact a, SessionFact b)
    {
        var (first, second) = a.Start <= b.Start ? (a, b) : (b, a);
        return first with
        {
            Events = a.Events + b.Events,
            Abandoned = a.Abandoned || b.Abandoned,
            Errored = a.Errored || b.Errored,
            ScenesOpened = a.ScenesOpened + b.ScenesOpened,
            MindblockSignals = a.MindblockSignals + b.MindblockSignals,
            LastSceneOrder = Math.Max(a.LastSceneOrder, b.LastSceneOrder),
            ResistanceSum = a.ResistanceSum + b.ResistanceSum,
            ResistanceCount = a.ResistanceCount + b.ResistanceCount,
            IntensitySum = a.IntensitySum + b.IntensitySum,
            IntensityCount = a.IntensityCount + b.IntensityCount,
            Mindblocks = [.. first.Mindblocks ?? [], .. second.Mindblocks ?? []],
        };
    }

    private static async Task<List<EnrolmentFact>> ReadEnrolmentsAsync(NpgsqlConnection connection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // An instance started in the window was active in it: the last-activity index finds it.
        // Whether its user had enrolled in its journey before comes from one pass over enrolments.
        await using var command = new NpgsqlCommand(
            """
            WITH firsts AS (
                SELECT p.user_id, p.journey_id, min(p.started_at) AS first_started
                FROM journey_instances p
                WHERE p.started_at < $2 AND p.metadata->>'synthetic' = 'true'
                GROUP BY p.user_id, p.journey_id)
            SELECT i.id, i.user_id, i.journey_id, i.started_at, i.completed_at, coalesce(j.scenes, 0),
                   coalesce(f.first_started < i.started_at, false)
            FROM journey_instances i
            LEFT JOIN (SELECT journey_id, count(*)::int AS scenes FROM journey_scenes GROUP BY journey_id) j ON j.journey_id = i.journey_id
            LEFT JOIN firsts f ON f.user_id = i.user_id AND f.journey_id = i.journey_id
            WHERE i.last_activity_at >= $1 AND i.started_at >= $1 AND i.started_at < $2
              AND i.metadata->>'synthetic' = 'true' AND i.user_id IN (SELECT profile_id FROM sim_users)
            """, connection);
        command.Parameters.Add(Sql.P(from.UtcDateTime));
        command.Parameters.Add(Sql.P(to.UtcDateTime));
        var enrolments = new List<EnrolmentFact>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            enrolments.Add(new EnrolmentFact(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), Sql.ReadTimestamp(reader, 3),
                reader.IsDBNull(4) ? null : Sql.ReadTimestamp(reader, 4), reader.GetInt32(5), reader.GetBoolean(6)));
        }

        return enrolments;
    }

    private static async Task<TableCounts> ReadCountsAsync(
        NpgsqlConnection connection, DateOnly firstDay, DateOnly lastDay, DateTimeOffset from, DateTimeOffset to, EngineSettings settings, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            $"SELECT coalesce(sum(count), 0)::bigint FROM {Declarations.Rollups.HoursTable} WHERE hour >= $1 AND hour < $2 AND metric LIKE '{Declarations.Rollups.EventPrefix}%'",
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT coalesce(sum(triggers), 0)::bigint, coalesce(sum(triggers_outside), 0)::bigint, coalesce(sum(scenes_checked), 0)::bigint,
                   coalesce(sum(contract_violations), 0)::bigint, coalesce(sum(rows_checked), 0)::bigint, coalesce(sum(rows_out_of_order), 0)::bigint
            FROM synthetic_realism_days WHERE day >= $1 AND day <= $2
            """,
            Sql.P(firstDay), Sql.P(lastDay)));

        // The latest days' texts, newest first, until the sample is full.
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT capture_texts FROM (
                SELECT day, capture_texts, sum(captures) OVER (ORDER BY day DESC) - captures AS before
                FROM synthetic_realism_days WHERE day >= $1 AND day <= $2) d
            WHERE before < {RealismFigures.CaptureSample}
            ORDER BY day DESC
            """,
            Sql.P(firstDay), Sql.P(lastDay)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var events = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (triggers, outside, scenes, violations, rows, disorder) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        await reader.NextResultAsync(cancellationToken);
        var texts = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            texts.AddRange(reader.GetFieldValue<string[]>(0));
        }

        return new TableCounts(
            events, ExpectedVolume.EventsPerMinute(settings, 1) * 60, settings.AbandonRate, settings.ErrorRate, settings.MindblockChance,
            texts, triggers, outside, scenes, violations, rows, disorder);
    }
}
