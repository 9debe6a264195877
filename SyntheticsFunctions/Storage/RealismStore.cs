using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Runtime.InteropServices;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// Reads the realism check's facts from the tables: only sim users' rows carrying the synthetic
/// tag, never a real user's. Sessions and the rule checks come from an hourly cache
/// (<c>synthetic_realism_hours</c>, migration 0009) kept from the scene events: an hour is computed
/// when first asked for and again only when the events rollup counts a different number of events
/// for it, so a check reads the event table only for hours that changed (the current hour, while
/// the engine runs). Each cached hour holds its sessions packed in one value, so 56 days are
/// about 1,350 rows to read. Enrolments and users are read as they are, on connections of their own while
/// the cache is brought up to date.
/// </summary>
public sealed class RealismStore(NpgsqlDataSource dataSource)
{
    private const string NoValues = "'{}'";

    private const string CacheLock = "hashtext('synthetics:realism:' || current_schema())";

    private const string SyntheticEvent = "e.event_payload->>'synthetic' = 'true' AND e.user_id IN (SELECT profile_id FROM sim_users)";

    /// <summary>
    /// A cached session piece as packed in <c>synthetic_realism_hours.sessions</c>: each field's
    /// binary form over the hour's per-session aggregate, in record order, and its size.
    /// <see cref="CachedHours"/> reads the fields back in the same order.
    /// </summary>
    internal static readonly (string Sql, int Bytes)[] SessionLayout =
    [
        ("uuid_send(session_id)", 16),
        ("uuid_send(user_id)", 16),
        ("uuid_send(coalesce(instance_id, '00000000-0000-0000-0000-000000000000'))", 16),
        ("timestamptz_send(started_at)", 8),
        ("int4send(events)", 4),
        ("boolsend(errored)", 1),
        ("int4send(scenes_opened)", 4),
        ("int4send(scenes_completed)", 4),
        ("int4send(mindblock_signals)", 4),
        ("int4send(last_scene_order)", 4),
        ("int4send(resistance_sum)", 4),
        ("int4send(resistance_count)", 4),
        ("int4send(intensity_sum)", 4),
        ("int4send(intensity_count)", 4),
    ];

    /// <summary>A mindblock signal as packed in <c>synthetic_realism_hours.signals</c>: whose session, which mindblock, what intensity.</summary>
    internal static readonly (string Sql, int Bytes)[] SignalLayout =
    [
        ("uuid_send(session_id)", 16),
        ("uuid_send(mindblock_id)", 16),
        ("int4send(intensity)", 4),
    ];

    /// <summary>The layouts' fingerprint, kept with each cached hour: a change to either layout makes every cached hour stale.</summary>
    internal static readonly int Layout = BinaryPrimitives.ReadInt32BigEndian(
        SHA256.HashData(Encoding.UTF8.GetBytes(Pack(SessionLayout) + ";" + Pack(SignalLayout))));

    private static string Pack((string Sql, int Bytes)[] layout) => string.Join(" || ", layout.Select(f => f.Sql));

    // The hour's statement: $1 the hour's start, $2 its end, $3 now, $4 the hour's events as the rollup counts them, $5 the layout.
    // Sessions: one element per session piece, in the order of their first event. Rule checks:
    // a trigger is outside its journey when dated after the journey completed or was abandoned;
    // a completed scene breaks its contract when a required capture or check is missing or its
    // dwell time is outside the limits (a second's rounding allowed); a row is out of order when
    // dated before its journey started, before its scene opened, after its scene completed, or after now.
    private static readonly string ComputeHour =
        $"""
        WITH sessions AS (
            SELECT (e.event_payload->>'session_id')::uuid AS session_id, (array_agg(e.user_id))[1] AS user_id, (array_agg(e.instance_id))[1] AS instance_id,
                   min(e.created_at) AS started_at, count(*)::int AS events,
                   bool_or(e.event_type = '{EventTypes.ClientError}') AS errored,
                   count(*) FILTER (WHERE e.event_type = '{EventTypes.SceneOpened}')::int AS scenes_opened,
                   count(*) FILTER (WHERE e.event_type = '{EventTypes.SceneCompleted}')::int AS scenes_completed,
                   count(*) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}')::int AS mindblock_signals,
                   coalesce(max(js.scene_order), 0) AS last_scene_order,
                   coalesce(sum((e.event_payload->>'resistance_level')::int) FILTER (WHERE e.event_type = '{EventTypes.ResistanceCheckCompleted}'), 0)::int AS resistance_sum,
                   count(*) FILTER (WHERE e.event_type = '{EventTypes.ResistanceCheckCompleted}')::int AS resistance_count,
                   coalesce(sum((e.event_payload->>'intensity')::int) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}'), 0)::int AS intensity_sum,
                   count(*) FILTER (WHERE e.event_type = '{EventTypes.MindblockSignal}')::int AS intensity_count
            FROM journey_scene_events e
            LEFT JOIN journey_scenes js ON js.id = e.scene_id AND e.event_type = '{EventTypes.SceneOpened}'
            WHERE e.created_at >= $1 AND e.created_at < $2 AND {SyntheticEvent} AND e.event_payload ? 'session_id'
            GROUP BY e.event_payload->>'session_id')
        INSERT INTO synthetic_realism_hours (
            hour, events, computed_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, captures, capture_texts,
            layout, sessions, signals)
        SELECT $1, $4, $3, t.n, t.outside, c.n, c.violations, o.n, o.bad, cardinality(x.texts), x.texts, $5, s.packed, g.packed
        FROM (SELECT coalesce(string_agg({Pack(SessionLayout)}, ''::bytea ORDER BY started_at, session_id), ''::bytea) AS packed FROM sessions) s,
             (SELECT coalesce(string_agg({Pack(SignalLayout)}, ''::bytea ORDER BY created_at, id), ''::bytea) AS packed
              FROM (SELECT (e.event_payload->>'session_id')::uuid AS session_id, (e.event_payload->>'mindblock_id')::uuid AS mindblock_id,
                           (e.event_payload->>'intensity')::int AS intensity, e.created_at, e.id
                    FROM journey_scene_events e
                    WHERE e.created_at >= $1 AND e.created_at < $2 AND e.event_type = '{EventTypes.MindblockSignal}' AND {SyntheticEvent} AND e.event_payload ? 'session_id') x) g,
             (SELECT count(*) AS n,
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
                     count(*) FILTER (WHERE e.created_at > $3 OR e.created_at < i.started_at OR e.created_at < s.opened_at OR e.created_at > s.completed_at) AS bad
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
        ON CONFLICT (hour) DO UPDATE SET
            events = excluded.events, computed_at = excluded.computed_at, triggers = excluded.triggers, triggers_outside = excluded.triggers_outside,
            scenes_checked = excluded.scenes_checked, contract_violations = excluded.contract_violations, rows_checked = excluded.rows_checked,
            rows_out_of_order = excluded.rows_out_of_order, captures = excluded.captures, capture_texts = excluded.capture_texts,
            layout = excluded.layout, sessions = excluded.sessions, signals = excluded.signals
        """;

    /// <summary>
    /// The facts for the window [<paramref name="from"/>, <paramref name="to"/>): users and
    /// enrolments read on connections of their own while the hourly cache is brought up to date
    /// (hours whose event count changed computed again) and read. <paramref name="settings"/> give
    /// the rates and the volume the rows should show.
    /// </summary>
    public async Task<RealismFacts> ReadAsync(DateTimeOffset from, DateTimeOffset to, EngineSettings settings, CancellationToken cancellationToken)
    {
        // From the hour before the window's first, so a session begun before the window and
        // running into it is whole (and left out) rather than counted from its later piece.
        var firstHour = Hour(from).AddHours(-1);
        var lastHour = Hour(to);
        var users = ReadUsersAsync(cancellationToken);
        var enrolments = ReadEnrolmentsAsync(from, to, cancellationToken);
        var cache = ReadCacheAsync(from, to, firstHour, lastHour, settings, cancellationToken);
        await Task.WhenAll(users, enrolments, cache);

        var sim = await users;
        var (hours, counts) = await cache;
        var sessions = hours.Sessions(from, sim);
        var ofSimUsers = (await enrolments).Where(e => sim.ContainsKey(e.User)).ToList();
        return new RealismFacts(from, to, sessions, sim, ofSimUsers, counts);
    }

    private async Task<(CachedHours Hours, TableCounts Counts)> ReadCacheAsync(
        DateTimeOffset from, DateTimeOffset to, DateTime firstHour, DateTime lastHour, EngineSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await RefreshAsync(connection, firstHour, lastHour, to, outOfTime: null, cancellationToken);
        var hours = await ReadHoursAsync(connection, firstHour, lastHour, cancellationToken);
        return (hours, await ReadCountsAsync(connection, Hour(from), lastHour, from, to, settings, cancellationToken));
    }

    private static DateTime Hour(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), DateTimeKind.Utc);

    /// <summary>
    /// Computes the stale hours that are over, of the longest window a check may ask for
    /// (<paramref name="retainDays"/> up to <paramref name="now"/>), newest first, until <paramref name="outOfTime"/>
    /// says stop (checked after each hour), so that a check finds them done. Returns how many it computed.
    /// </summary>
    public async Task<int> WarmAsync(DateTimeOffset now, int retainDays, Func<bool> outOfTime, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await RefreshAsync(connection, Hour(now.AddDays(-retainDays)).AddHours(-1), Hour(now).AddHours(-1), now, outOfTime, cancellationToken);
    }

    private static async Task<int> RefreshAsync(
        NpgsqlConnection connection, DateTime firstHour, DateTime lastHour, DateTimeOffset now, Func<bool>? outOfTime, CancellationToken cancellationToken)
    {
        // Each hour under the lock in a transaction of its own, looked at again there: a check and
        // the warming (or two checks) take turns hour by hour, none waits for more than one hour's
        // computation, none computes an hour another just did, and a long first fill keeps what it did.
        var computed = 0;
        foreach (var (hour, _) in await StaleHoursAsync(connection, null, firstHour, lastHour, cancellationToken))
        {
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CacheLock})", connection, transaction))
                {
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken);
                }

                if (await StaleHoursAsync(connection, transaction, hour, hour, cancellationToken) is [var (_, events)])
                {
                    await using var compute = new NpgsqlCommand(ComputeHour, connection, transaction);
                    compute.Parameters.Add(Sql.P(hour));
                    compute.Parameters.Add(Sql.P(hour.AddHours(1)));
                    compute.Parameters.Add(Sql.P(now.UtcDateTime));
                    compute.Parameters.Add(Sql.P(events));
                    compute.Parameters.Add(Sql.P(Layout));
                    await compute.ExecuteNonQueryAsync(cancellationToken);
                    computed++;
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (outOfTime?.Invoke() == true)
            {
                break;
            }
        }

        // Hours older than any window a check may ask for are dropped, and the day cache of the
        // release before (migration 0008) emptied: nothing reads it now.
        await using var prune = new NpgsqlBatch(connection);
        prune.BatchCommands.Add(Sql.Command(
            "DELETE FROM synthetic_realism_hours WHERE hour < $1 - make_interval(days => (SELECT retain_days FROM synthetic_settings WHERE id = 1) + 1)",
            Sql.P(lastHour)));
        prune.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_realism_sessions"));
        prune.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_realism_days"));
        await prune.ExecuteNonQueryAsync(cancellationToken);
        return computed;
    }

    // The hours from first to last (newest first) whose cache is missing, of another layout, or
    // made when the events rollup counted a different number of events for it than now.
    private static async Task<List<(DateTime Hour, long Events)>> StaleHoursAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTime firstHour, DateTime lastHour, CancellationToken cancellationToken)
    {
        await using var check = new NpgsqlCommand(
            $"""
            SELECT x.hour, coalesce(e.events, 0)::bigint, r.events
            FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 hour') AS x(hour)
            LEFT JOIN (SELECT hour, sum(count) AS events FROM {Declarations.Rollups.HoursTable}
                       WHERE hour >= $1 AND hour <= $2 AND metric LIKE '{Declarations.Rollups.EventPrefix}%' GROUP BY hour) e ON e.hour = x.hour
            LEFT JOIN synthetic_realism_hours r ON r.hour = x.hour AND r.layout = $3
            ORDER BY x.hour DESC
            """, connection, transaction);
        check.Parameters.Add(Sql.P(firstHour));
        check.Parameters.Add(Sql.P(lastHour));
        check.Parameters.Add(Sql.P(Layout));
        var stale = new List<(DateTime Hour, long Events)>();
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var events = reader.GetInt64(1);
            if (reader.IsDBNull(2) || reader.GetInt64(2) != events)
            {
                stale.Add((DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(0), DateTimeKind.Utc), events));
            }
        }

        return stale;
    }

    private async Task<Dictionary<Guid, UserFact>> ReadUsersAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT pm.profile_id, pm.timezone, us.signup_at FROM synthetic_pool pm LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id WHERE {PoolSql.Listed}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new Dictionary<Guid, UserFact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users[reader.GetGuid(0)] = new UserFact(reader.IsDBNull(2) ? null : Sql.ReadTimestamp(reader, 2), reader.GetString(1));
        }

        return users;
    }

    private static async Task<CachedHours> ReadHoursAsync(NpgsqlConnection connection, DateTime firstHour, DateTime lastHour, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sessions, signals FROM synthetic_realism_hours WHERE hour >= $1 AND hour <= $2 AND layout = $3 ORDER BY hour", connection);
        command.Parameters.Add(Sql.P(firstHour));
        command.Parameters.Add(Sql.P(lastHour));
        command.Parameters.Add(Sql.P(Layout));
        var packed = new List<(byte[] Sessions, byte[] Signals)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                packed.Add((reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        // All read first, so the session index is made once at its size.
        var hours = new CachedHours(packed.Sum(p => p.Sessions.Length));
        foreach (var (sessions, signals) in packed)
        {
            hours.Add(sessions, signals);
        }

        return hours;
    }

    private async Task<List<EnrolmentFact>> ReadEnrolmentsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // One pass over the synthetic enrolments begun before the window's end: whether each had
        // an earlier one by the same user in the same journey, kept for those begun in the window.
        // Whose they are (sim users only) is checked against the users read alongside.
        await using var command = dataSource.CreateCommand(
            """
            SELECT x.id, x.user_id, x.journey_id, x.started_at, x.completed_at, coalesce(j.scenes, 0), x.re_enrolment
            FROM (SELECT i.id, i.user_id, i.journey_id, i.started_at, i.completed_at,
                         min(i.started_at) OVER (PARTITION BY i.user_id, i.journey_id) < i.started_at AS re_enrolment
                  FROM journey_instances i
                  WHERE i.started_at < $2 AND i.metadata->>'synthetic' = 'true') x
            LEFT JOIN (SELECT journey_id, count(*)::int AS scenes FROM journey_scenes GROUP BY journey_id) j ON j.journey_id = x.journey_id
            WHERE x.started_at >= $1
            """);
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
        NpgsqlConnection connection, DateTime firstHour, DateTime lastHour, DateTimeOffset from, DateTimeOffset to, EngineSettings settings, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            $"SELECT coalesce(sum(count), 0)::bigint FROM {Declarations.Rollups.HoursTable} WHERE hour >= $1 AND hour < $2 AND metric LIKE '{Declarations.Rollups.EventPrefix}%'",
            Sql.P(from.UtcDateTime), Sql.P(to.UtcDateTime)));
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT coalesce(sum(triggers), 0)::bigint, coalesce(sum(triggers_outside), 0)::bigint, coalesce(sum(scenes_checked), 0)::bigint,
                   coalesce(sum(contract_violations), 0)::bigint, coalesce(sum(rows_checked), 0)::bigint, coalesce(sum(rows_out_of_order), 0)::bigint
            FROM synthetic_realism_hours WHERE hour >= $1 AND hour <= $2
            """,
            Sql.P(firstHour), Sql.P(lastHour)));

        // The latest hours' texts, newest first, until the sample is full.
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT capture_texts FROM (
                SELECT hour, capture_texts, sum(captures) OVER (ORDER BY hour DESC) - captures AS before
                FROM synthetic_realism_hours WHERE hour >= $1 AND hour <= $2) d
            WHERE before < {RealismFigures.CaptureSample}
            ORDER BY hour DESC
            """,
            Sql.P(firstHour), Sql.P(lastHour)));
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
            // The volume the settings ask for, paused or not: a check of a paused engine's history judges it by its rates.
            events, ExpectedVolume.EventsPerMinute(settings with { Enabled = true }, 1) * 60, settings.AbandonRate, settings.ErrorRate, settings.MindblockChance,
            texts, triggers, outside, scenes, violations, rows, disorder);
    }
}

/// <summary>
/// The cached hours' sessions as they are read, hour by hour in time order: a session's pieces
/// (one per hour it ran in) added up, the earlier piece first, and its mindblock signals in time order.
/// </summary>
internal sealed class CachedHours(int sessionBytes)
{
    private static readonly int SessionBytes = RealismStore.SessionLayout.Sum(f => f.Bytes);
    private static readonly int SignalBytes = RealismStore.SignalLayout.Sum(f => f.Bytes);
    private readonly Dictionary<Guid, int> _index = new(sessionBytes / SessionBytes);
    private readonly List<Piece> _sessions = new(sessionBytes / SessionBytes);

    /// <summary>One hour's packed sessions and signals, read field by field in the order of <see cref="RealismStore.SessionLayout"/> and <see cref="RealismStore.SignalLayout"/>.</summary>
    public void Add(byte[] sessions, byte[] signals)
    {
        for (var record = 0; record < sessions.Length; record += SessionBytes)
        {
            var r = new Packed(sessions.AsSpan(record, SessionBytes));
            var id = r.Guid();
            var piece = new Piece
            {
                User = r.Guid(),
                Instance = r.Guid(),
                Start = r.Timestamp(),
                Events = r.Int(),
                Errored = r.Bool(),
                ScenesOpened = r.Int(),
                ScenesCompleted = r.Int(),
                MindblockSignals = r.Int(),
                LastSceneOrder = r.Int(),
                ResistanceSum = r.Int(),
                ResistanceCount = r.Int(),
                IntensitySum = r.Int(),
                IntensityCount = r.Int(),
            };
            r.End();
            if (!_index.TryGetValue(id, out var at))
            {
                _index[id] = _sessions.Count;
                _sessions.Add(piece);
                continue;
            }

            ref var session = ref CollectionsMarshal.AsSpan(_sessions)[at];
            session.Events += piece.Events;
            session.Errored |= piece.Errored;
            session.ScenesOpened += piece.ScenesOpened;
            session.ScenesCompleted += piece.ScenesCompleted;
            session.MindblockSignals += piece.MindblockSignals;
            session.LastSceneOrder = Math.Max(session.LastSceneOrder, piece.LastSceneOrder);
            session.ResistanceSum += piece.ResistanceSum;
            session.ResistanceCount += piece.ResistanceCount;
            session.IntensitySum += piece.IntensitySum;
            session.IntensityCount += piece.IntensityCount;
        }

        for (var record = 0; record < signals.Length; record += SignalBytes)
        {
            var r = new Packed(signals.AsSpan(record, SignalBytes));
            var (session, mindblock, intensity) = (r.Guid(), r.Guid(), r.Int());
            r.End();
            if (_index.TryGetValue(session, out var at))
            {
                (CollectionsMarshal.AsSpan(_sessions)[at].Mindblocks ??= []).Add((mindblock, intensity));
            }
        }
    }

    /// <summary>The sessions of sim users begun at or after <paramref name="from"/>.</summary>
    public List<SessionFact> Sessions(DateTimeOffset from, IReadOnlyDictionary<Guid, UserFact> users)
    {
        var sessions = new List<SessionFact>(_sessions.Count);
        foreach (var s in _sessions)
        {
            if (s.Start >= from.UtcDateTime && users.ContainsKey(s.User))
            {
                sessions.Add(new SessionFact(
                    s.User, new DateTimeOffset(s.Start), s.Events, s.Errored, s.ScenesOpened, s.ScenesCompleted, s.MindblockSignals, s.Instance == Guid.Empty ? null : s.Instance,
                    s.LastSceneOrder, s.ResistanceSum, s.ResistanceCount, s.IntensitySum, s.IntensityCount, (IReadOnlyList<(Guid, int)>?)s.Mindblocks ?? []));
            }
        }

        return sessions;
    }

    private struct Piece
    {
        public Guid User;
        public Guid Instance;
        public DateTime Start;
        public int Events;
        public bool Errored;
        public int ScenesOpened;
        public int ScenesCompleted;
        public int MindblockSignals;
        public int LastSceneOrder;
        public int ResistanceSum;
        public int ResistanceCount;
        public int IntensitySum;
        public int IntensityCount;
        public List<(Guid Mindblock, int Intensity)>? Mindblocks;
    }

    /// <summary>Postgres binary forms (network byte order), read one field after another from one record.</summary>
    private ref struct Packed(ReadOnlySpan<byte> record)
    {
        private static readonly DateTime Epoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private readonly ReadOnlySpan<byte> _record = record;
        private int _at;

        public Guid Guid() => new(Next(16), bigEndian: true);

        public DateTime Timestamp() => Epoch.AddTicks(BinaryPrimitives.ReadInt64BigEndian(Next(8)) * (TimeSpan.TicksPerMillisecond / 1000));

        public int Int() => BinaryPrimitives.ReadInt32BigEndian(Next(4));

        public bool Bool() => Next(1)[0] != 0;

        /// <summary>Every byte of the record read: the layout and the reading agree.</summary>
        public readonly void End()
        {
            if (_at != _record.Length)
            {
                throw new InvalidOperationException($"A cached realism record was read to byte {_at} of {_record.Length}: the layout and its reader disagree.");
            }
        }

        private ReadOnlySpan<byte> Next(int bytes)
        {
            var field = _record.Slice(_at, bytes);
            _at += bytes;
            return field;
        }
    }
}
