using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>What the caller asks of one run; a dry run plans and claims as a real run would, then rolls back.</summary>
public sealed record RunRequest(RunTrigger Trigger, Guid RunId, long Seed, DateTimeOffset Now, int Target, bool DryRun = false);

/// <summary>Why a run wrote nothing without failing.</summary>
public enum RunSkip
{
    None,
    Paused,
    AnotherTickRunning,
}

/// <summary>The outcome of one committed run (or of one that was skipped).</summary>
public sealed record RunResult(
    Guid RunId,
    RunTrigger Trigger,
    RunSkip Skipped,
    long Seed,
    int SessionsRequested,
    int SessionsStarted,
    int SessionsContinued,
    IReadOnlyDictionary<string, int> RowsPerTable)
{
    public int TotalRows => RowsPerTable.Values.Sum();
}

/// <summary>
/// One run as one transaction in three round trips: (1) lock, read settings, the last cron
/// run, sessions in progress, the catalog and the pool, and claim free users
/// <c>FOR UPDATE SKIP LOCKED</c>; (2) write every row, the run row and the notification;
/// (3) commit. The plan in between is the pure engine's.
/// </summary>
public sealed class RunStore(NpgsqlDataSource dataSource, IOptions<SyntheticsOptions> options)
{
    public const string NotifyChannel = "synthetics_run";

    /// <summary>Adds to an hourly rollup row (the rollups are kept in the run's own transaction).</summary>
    internal const string AddToHours = "ON CONFLICT (hour, metric) DO UPDATE SET count = synthetic_activity_hours.count + excluded.count";

    private readonly string _cronLock = Sql.LockName("cron", options.Value.Schema);

    public async Task<RunResult> ExecuteAsync(RunRequest request, Func<RunInput, RunOutput> plan, Func<double> elapsedMs, int retries, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var loaded = await LoadAsync(connection, transaction, request, cancellationToken);
        if (loaded.Skip != RunSkip.None)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new RunResult(request.RunId, request.Trigger, loaded.Skip, request.Seed, 0, 0, 0, new Dictionary<string, int>());
        }

        var output = plan(loaded.Input!);
        var rows = new Dictionary<string, int>(output.Batch.RowsPerTable());
        if (request.DryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new RunResult(request.RunId, request.Trigger, RunSkip.None, request.Seed, output.SessionsRequested, output.SessionsStarted, output.SessionsContinued, rows);
        }

        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            AddWrites(write, request, output, elapsedMs, retries);
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);

            // The first statement answers how many idle instances it abandoned.
            await reader.ReadAsync(cancellationToken);
            rows[Tables.JourneyInstances] += (int)reader.GetInt64(0);
        }

        await transaction.CommitAsync(cancellationToken);
        return new RunResult(request.RunId, request.Trigger, RunSkip.None, request.Seed, output.SessionsRequested, output.SessionsStarted, output.SessionsContinued, rows);
    }

    /// <summary>Records a run that failed, in a transaction of its own, after the run's own was rolled back.</summary>
    public async Task RecordFailureAsync(RunRequest request, string error, double durationMs, int retries, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                        sessions_continued, carry_over, rows_written, duration_ms, retries, error)
            VALUES ($1, $2, 'failed', $3, $4, $4, $5, 0, 0, 0, '{}'::jsonb, $6, $7, $8)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(Sql.P(request.RunId));
        command.Parameters.Add(Sql.P(TriggerName(request.Trigger)));
        command.Parameters.Add(Sql.P(request.Seed));
        command.Parameters.Add(Sql.P(request.Now.UtcDateTime));
        command.Parameters.Add(Sql.P(request.Trigger == RunTrigger.Manual ? request.Target : 0));
        command.Parameters.Add(Sql.P(durationMs));
        command.Parameters.Add(Sql.P(retries));
        command.Parameters.Add(Sql.P(error));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string TriggerName(RunTrigger trigger) => trigger == RunTrigger.Cron ? "cron" : "manual";

    private sealed record Loaded(RunSkip Skip, RunInput? Input);

    private async Task<Loaded> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRequest request, CancellationToken cancellationToken)
    {
        var cron = request.Trigger == RunTrigger.Cron;
        await using var read = new NpgsqlBatch(connection, transaction);

        // Cron ticks serialise on a transaction-level advisory lock; every later statement of the
        // batch is conditional on holding it (re-taking a held xact lock just stacks), so a tick
        // that lost the race claims nothing and touches no session.
        const string HoldsLock = "(NOT $1 OR (SELECT pg_try_advisory_xact_lock(hashtextextended($2, 0))))";
        read.BatchCommands.Add(Sql.Command(
            $"SELECT {HoldsLock}", Sql.P(cron), Sql.P(_cronLock)));
        read.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        read.BatchCommands.Add(Sql.Command(
            """
            SELECT window_end, carry_over FROM synthetic_runs
            WHERE trigger = 'cron' AND status = 'succeeded' ORDER BY window_end DESC LIMIT 1
            """));
        read.BatchCommands.Add(Sql.Command(
            $"""
            SELECT profile_id, session_id, seed, started_at, instance_id, journey_id, start_scene_order, new_instance,
                   instance_started_at, mindblock_chance::float8, abandon_rate::float8, error_rate::float8, written_until, ends_at
            FROM synthetic_sessions
            WHERE $1 AND {HoldsLock} AND (SELECT enabled FROM synthetic_settings WHERE id = 1)
            ORDER BY profile_id
            FOR UPDATE
            """, Sql.P(cron), Sql.P(_cronLock)));
        // Free users, claimed in the order of a pick weighted by each one's local-hour multiplier
        // (Efraimidis-Spirakis keys -ln(u)/w from a seeded hash), only as many as may start.
        read.BatchCommands.Add(Sql.Command(
            $"""
            SELECT su.profile_id, su.timezone, ji.id, ji.journey_id, ji.current_scene_order, ji.started_at, ji.last_activity_at
            FROM sim_users su
            LEFT JOIN LATERAL (
                SELECT i.id, i.journey_id, i.current_scene_order, i.started_at, i.last_activity_at
                FROM journey_instances i
                WHERE i.user_id = su.profile_id AND i.status = 'active'
                ORDER BY i.last_activity_at DESC
                LIMIT 1) ji ON true
            WHERE su.retired_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = su.profile_id)
              AND {HoldsLock}
              AND (NOT $1 OR (SELECT enabled FROM synthetic_settings WHERE id = 1))
            ORDER BY -ln((('x' || substr(md5(su.profile_id::text || $3::text), 1, 8))::bit(32)::bigint + 1) / 4294967297.0)
                     / ($5::float8[])[extract(hour FROM $6::timestamptz AT TIME ZONE su.timezone)::int + 1]
                     / ($7::float8[])[extract(dow FROM $6::timestamptz AT TIME ZONE su.timezone)::int + 1],
                     su.profile_id
            LIMIT CASE WHEN $1 THEN (SELECT max_per_run FROM synthetic_settings WHERE id = 1) ELSE $4 END
            FOR UPDATE OF su SKIP LOCKED
            """,
            Sql.P(cron), Sql.P(_cronLock), Sql.P(request.Seed), Sql.P(request.Target),
            Sql.P(ActivityCurve.HourlyWeights.ToArray()), Sql.P(request.Now.UtcDateTime), Sql.P(ActivityCurve.WeekdayWeights.ToArray())));
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
            sessions.Add(new SessionState(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetInt64(2), Sql.ReadTimestamp(reader, 3), reader.GetGuid(4),
                reader.GetGuid(5), reader.GetInt32(6), reader.GetBoolean(7), Sql.ReadTimestamp(reader, 8),
                new SessionRates(reader.GetDouble(9), reader.GetDouble(10), reader.GetDouble(11)),
                Sql.ReadTimestamp(reader, 12), Sql.ReadTimestamp(reader, 13)));
        }

        await reader.NextResultAsync(cancellationToken);
        var candidates = new List<CandidateUser>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var instance = reader.IsDBNull(2)
                ? null
                : new ActiveInstance(reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4), Sql.ReadTimestamp(reader, 5), Sql.ReadTimestamp(reader, 6));
            candidates.Add(new CandidateUser(reader.GetGuid(0), reader.GetString(1), instance));
        }

        await reader.NextResultAsync(cancellationToken);
        var pool = new List<TimezoneCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pool.Add(new TimezoneCount(reader.GetString(0), reader.GetInt64(1)));
        }

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
            return new Loaded(RunSkip.AnotherTickRunning, null);
        }

        if (cron && !settings.Enabled)
        {
            return new Loaded(RunSkip.Paused, null);
        }

        var input = new RunInput(
            request.Trigger, request.RunId, request.Seed, request.Now, lastCron, carry, settings,
            new Catalog(journeys, mindblocks), sessions, candidates, pool, request.Target);
        return new Loaded(RunSkip.None, input);
    }

    private static void AddWrites(NpgsqlBatch write, RunRequest request, RunOutput output, Func<double> elapsedMs, int retries)
    {
        var b = output.Batch;
        var commands = write.BatchCommands;

        // Instances of sim users idle past the limit are abandoned; rows of real users never match.
        commands.Add(Sql.Command(
            $"""
            WITH abandoned AS (
                UPDATE journey_instances ji SET status = 'abandoned'
                WHERE ji.status = 'active' AND ji.last_activity_at < $1
                  AND ji.metadata->>'synthetic' = 'true'
                  AND ji.user_id IN (SELECT profile_id FROM sim_users)
                  AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.instance_id = ji.id)
                RETURNING ji.last_activity_at),
            rollup AS (
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT date_trunc('hour', last_activity_at), 'journeys_abandoned', count(*) FROM abandoned GROUP BY 1
                {AddToHours})
            SELECT count(*) FROM abandoned
            """, Sql.P(output.IdleCutoff.UtcDateTime)));

        if (b.Instances.Count > 0)
        {
            commands.Add(Sql.Command(
                $"""
                WITH upserted AS (
                INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, completed_at, created_at, metadata)
                SELECT u.id, u.user_id, u.journey_id, u.status, u.scene_order, u.started_at, u.last_activity_at, u.completed_at, u.started_at, u.metadata
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::jsonb[])
                    AS u(id, user_id, journey_id, status, scene_order, started_at, last_activity_at, completed_at, metadata)
                ON CONFLICT (id) DO UPDATE SET
                    status = excluded.status, current_scene_order = excluded.current_scene_order,
                    last_activity_at = excluded.last_activity_at, completed_at = excluded.completed_at
                WHERE journey_instances.user_id = excluded.user_id
                RETURNING (xmax = 0) AS inserted, status, started_at, completed_at, last_activity_at)
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT hour, metric, count(*) FROM (
                    SELECT date_trunc('hour', started_at) AS hour, 'journeys_started' AS metric FROM upserted WHERE inserted
                    UNION ALL SELECT date_trunc('hour', completed_at), 'journeys_completed' FROM upserted WHERE status = 'completed'
                    UNION ALL SELECT date_trunc('hour', last_activity_at), 'journeys_abandoned' FROM upserted WHERE status = 'abandoned') t
                GROUP BY 1, 2
                {AddToHours}
                """,
                Sql.P(b.Instances.Select(r => r.Id).ToArray()), Sql.P(b.Instances.Select(r => r.UserId).ToArray()),
                Sql.P(b.Instances.Select(r => r.JourneyId).ToArray()), Sql.P(b.Instances.Select(r => r.Status).ToArray()),
                Sql.P(b.Instances.Select(r => r.CurrentSceneOrder).ToArray()), Sql.P(b.Instances.Select(r => r.StartedAt.UtcDateTime).ToArray()),
                Sql.P(b.Instances.Select(r => r.LastActivityAt.UtcDateTime).ToArray()), Sql.P(b.Instances.Select(r => r.CompletedAt?.UtcDateTime).ToArray()),
                Sql.JsonbArray([.. b.Instances.Select(r => r.Metadata)])));
        }

        if (b.InstanceScenes.Count > 0)
        {
            commands.Add(Sql.Command(
                """
                INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, completed_at, created_at, metadata)
                SELECT u.id, u.instance_id, u.user_id, u.scene_id, u.status, u.opened_at, u.completed_at, u.opened_at, u.metadata
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
                    AS u(id, instance_id, user_id, scene_id, status, opened_at, completed_at, metadata)
                ON CONFLICT (id) DO UPDATE SET status = excluded.status, completed_at = excluded.completed_at
                WHERE journey_instance_scenes.user_id = excluded.user_id
                """,
                Sql.P(b.InstanceScenes.Select(r => r.Id).ToArray()), Sql.P(b.InstanceScenes.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.InstanceScenes.Select(r => r.UserId).ToArray()), Sql.P(b.InstanceScenes.Select(r => r.SceneId).ToArray()),
                Sql.P(b.InstanceScenes.Select(r => r.Status).ToArray()), Sql.P(b.InstanceScenes.Select(r => r.OpenedAt.UtcDateTime).ToArray()),
                Sql.P(b.InstanceScenes.Select(r => r.CompletedAt?.UtcDateTime).ToArray()), Sql.JsonbArray([.. b.InstanceScenes.Select(r => r.Metadata)])));
        }

        if (b.Events.Count > 0)
        {
            commands.Add(Sql.Command(
                $"""
                WITH inserted AS (
                    INSERT INTO journey_scene_events (id, instance_id, instance_scene_id, user_id, scene_id, event_type, event_payload, created_at)
                    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::jsonb[], $8::timestamptz[])
                    RETURNING created_at, event_type),
                minutes AS (
                    INSERT INTO synthetic_event_minutes (minute, event_type, events)
                    SELECT date_trunc('minute', created_at), event_type, count(*) FROM inserted GROUP BY 1, 2
                    ON CONFLICT (minute, event_type) DO UPDATE SET events = synthetic_event_minutes.events + excluded.events)
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT date_trunc('hour', created_at), 'event:' || event_type, count(*) FROM inserted GROUP BY 1, 2
                {AddToHours}
                """,
                Sql.P(b.Events.Select(r => r.Id).ToArray()), Sql.P(b.Events.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.Events.Select(r => r.InstanceSceneId).ToArray()), Sql.P(b.Events.Select(r => r.UserId).ToArray()),
                Sql.P(b.Events.Select(r => r.SceneId).ToArray()), Sql.P(b.Events.Select(r => r.EventType).ToArray()),
                Sql.JsonbArray([.. b.Events.Select(r => r.Payload)]), Sql.P(b.Events.Select(r => r.CreatedAt.UtcDateTime).ToArray())));
        }

        if (b.Captures.Count > 0)
        {
            commands.Add(Sql.Command(
                $"""
                WITH inserted AS (
                INSERT INTO journey_scene_captures (id, instance_id, instance_scene_id, user_id, scene_id, prompt, response, created_at, metadata)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::timestamptz[], $9::jsonb[])
                RETURNING created_at)
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT date_trunc('hour', created_at), 'captures', count(*) FROM inserted GROUP BY 1
                {AddToHours}
                """,
                Sql.P(b.Captures.Select(r => r.Id).ToArray()), Sql.P(b.Captures.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.Captures.Select(r => r.InstanceSceneId).ToArray()), Sql.P(b.Captures.Select(r => r.UserId).ToArray()),
                Sql.P(b.Captures.Select(r => r.SceneId).ToArray()), Sql.P(b.Captures.Select(r => r.Prompt).ToArray()),
                Sql.P(b.Captures.Select(r => r.Response).ToArray()), Sql.P(b.Captures.Select(r => r.CreatedAt.UtcDateTime).ToArray()),
                Sql.JsonbArray([.. b.Captures.Select(r => r.Metadata)])));
        }

        if (b.ResistanceChecks.Count > 0)
        {
            commands.Add(Sql.Command(
                $"""
                WITH inserted AS (
                INSERT INTO journey_resistance_checks (id, instance_id, instance_scene_id, user_id, scene_id, resistance_level, strategy, created_at, metadata)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::timestamptz[], $9::jsonb[])
                RETURNING created_at)
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT date_trunc('hour', created_at), 'resistance_checks', count(*) FROM inserted GROUP BY 1
                {AddToHours}
                """,
                Sql.P(b.ResistanceChecks.Select(r => r.Id).ToArray()), Sql.P(b.ResistanceChecks.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.ResistanceChecks.Select(r => r.InstanceSceneId).ToArray()), Sql.P(b.ResistanceChecks.Select(r => r.UserId).ToArray()),
                Sql.P(b.ResistanceChecks.Select(r => r.SceneId).ToArray()), Sql.P(b.ResistanceChecks.Select(r => r.ResistanceLevel).ToArray()),
                Sql.P(b.ResistanceChecks.Select(r => r.Strategy).ToArray()), Sql.P(b.ResistanceChecks.Select(r => r.CreatedAt.UtcDateTime).ToArray()),
                Sql.JsonbArray([.. b.ResistanceChecks.Select(r => r.Metadata)])));
        }

        if (b.RealWorldTriggers.Count > 0)
        {
            commands.Add(Sql.Command(
                """
                INSERT INTO journey_real_world_triggers (id, instance_id, user_id, trigger_type, description, created_at, metadata)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
                """,
                Sql.P(b.RealWorldTriggers.Select(r => r.Id).ToArray()), Sql.P(b.RealWorldTriggers.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.RealWorldTriggers.Select(r => r.UserId).ToArray()), Sql.P(b.RealWorldTriggers.Select(r => r.TriggerType).ToArray()),
                Sql.P(b.RealWorldTriggers.Select(r => r.Description).ToArray()), Sql.P(b.RealWorldTriggers.Select(r => r.CreatedAt.UtcDateTime).ToArray()),
                Sql.JsonbArray([.. b.RealWorldTriggers.Select(r => r.Metadata)])));
        }

        if (b.MindblockEvents.Count > 0)
        {
            commands.Add(Sql.Command(
                $"""
                WITH inserted AS (
                INSERT INTO mindblock_events (id, user_id, mindblock_id, instance_id, signal, intensity, created_at, metadata)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::timestamptz[], $8::jsonb[])
                RETURNING created_at)
                INSERT INTO synthetic_activity_hours (hour, metric, count)
                SELECT date_trunc('hour', created_at), 'mindblock_events', count(*) FROM inserted GROUP BY 1
                {AddToHours}
                """,
                Sql.P(b.MindblockEvents.Select(r => r.Id).ToArray()), Sql.P(b.MindblockEvents.Select(r => r.UserId).ToArray()),
                Sql.P(b.MindblockEvents.Select(r => r.MindblockId).ToArray()), Sql.P(b.MindblockEvents.Select(r => r.InstanceId).ToArray()),
                Sql.P(b.MindblockEvents.Select(r => r.Signal).ToArray()), Sql.P(b.MindblockEvents.Select(r => r.Intensity).ToArray()),
                Sql.P(b.MindblockEvents.Select(r => r.CreatedAt.UtcDateTime).ToArray()), Sql.JsonbArray([.. b.MindblockEvents.Select(r => r.Metadata)])));
        }

        if (b.MindblockStatuses.Count > 0)
        {
            commands.Add(Sql.Command(
                """
                INSERT INTO user_mindblock_status (id, user_id, mindblock_id, status, intensity, event_count, last_event_at, updated_at, metadata)
                SELECT u.id, u.user_id, u.mindblock_id, u.status, u.intensity, u.delta, u.last_event_at, u.last_event_at, u.metadata
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::int[], $7::timestamptz[], $8::jsonb[])
                    AS u(id, user_id, mindblock_id, status, intensity, delta, last_event_at, metadata)
                ON CONFLICT (user_id, mindblock_id) DO UPDATE SET
                    status = excluded.status, intensity = excluded.intensity,
                    event_count = user_mindblock_status.event_count + excluded.event_count,
                    last_event_at = excluded.last_event_at, updated_at = excluded.updated_at, metadata = excluded.metadata
                """,
                Sql.P(b.MindblockStatuses.Select(r => r.Id).ToArray()), Sql.P(b.MindblockStatuses.Select(r => r.UserId).ToArray()),
                Sql.P(b.MindblockStatuses.Select(r => r.MindblockId).ToArray()), Sql.P(b.MindblockStatuses.Select(r => r.Status).ToArray()),
                Sql.P(b.MindblockStatuses.Select(r => r.Intensity).ToArray()), Sql.P(b.MindblockStatuses.Select(r => r.EventCountDelta).ToArray()),
                Sql.P(b.MindblockStatuses.Select(r => r.LastEventAt.UtcDateTime).ToArray()), Sql.JsonbArray([.. b.MindblockStatuses.Select(r => r.Metadata)])));
        }

        if (output.SessionsEnded.Count > 0)
        {
            commands.Add(Sql.Command("DELETE FROM synthetic_sessions WHERE profile_id = ANY($1)", Sql.P(output.SessionsEnded.ToArray())));
        }

        var keep = output.SessionsToKeep;
        if (keep.Count > 0)
        {
            commands.Add(Sql.Command(
                """
                INSERT INTO synthetic_sessions (profile_id, session_id, seed, started_at, instance_id, journey_id, start_scene_order, new_instance,
                                                instance_started_at, mindblock_chance, abandon_rate, error_rate, written_until, ends_at)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::timestamptz[], $5::uuid[], $6::uuid[], $7::int[], $8::bool[],
                                     $9::timestamptz[], $10::numeric[], $11::numeric[], $12::numeric[], $13::timestamptz[], $14::timestamptz[])
                ON CONFLICT (profile_id) DO UPDATE SET written_until = excluded.written_until, ends_at = excluded.ends_at
                """,
                Sql.P(keep.Select(s => s.ProfileId).ToArray()), Sql.P(keep.Select(s => s.SessionId).ToArray()), Sql.P(keep.Select(s => s.Seed).ToArray()),
                Sql.P(keep.Select(s => s.StartedAt.UtcDateTime).ToArray()), Sql.P(keep.Select(s => s.InstanceId).ToArray()),
                Sql.P(keep.Select(s => s.JourneyId).ToArray()), Sql.P(keep.Select(s => s.StartSceneOrder).ToArray()), Sql.P(keep.Select(s => s.NewInstance).ToArray()),
                Sql.P(keep.Select(s => s.InstanceStartedAt.UtcDateTime).ToArray()), Sql.P(keep.Select(s => (decimal)s.Rates.MindblockChance).ToArray()),
                Sql.P(keep.Select(s => (decimal)s.Rates.AbandonRate).ToArray()), Sql.P(keep.Select(s => (decimal)s.Rates.ErrorRate).ToArray()),
                Sql.P(keep.Select(s => s.WrittenUntil.UtcDateTime).ToArray()), Sql.P(keep.Select(s => s.EndsAt.UtcDateTime).ToArray())));
        }

        if (output.SessionsStarted > 0)
        {
            commands.Add(Sql.Command(
                $"""
                INSERT INTO synthetic_activity_hours (hour, metric, count) VALUES (date_trunc('hour', $1::timestamptz), 'sessions', $2)
                {AddToHours}
                """, Sql.P(output.WindowEnd.UtcDateTime), Sql.P((long)output.SessionsStarted)));
        }

        commands.Add(Sql.Command(
            """
            INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                        sessions_continued, carry_over, rows_written, duration_ms, retries, error)
            VALUES ($1, $2, 'succeeded', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)
            """,
            Sql.P(request.RunId), Sql.P(TriggerName(request.Trigger)), Sql.P(request.Seed),
            Sql.P(output.WindowStart.UtcDateTime), Sql.P(output.WindowEnd.UtcDateTime), Sql.P(output.SessionsRequested),
            Sql.P(output.SessionsStarted), Sql.P(output.SessionsContinued), Sql.P(output.CarryOver),
            Sql.Jsonb(JsonSerializer.Serialize(b.RowsPerTable())), Sql.P(elapsedMs()), Sql.P(retries)));
        commands.Add(Sql.Command("SELECT pg_notify($1, $2)", Sql.P(NotifyChannel), Sql.P(request.RunId.ToString())));
    }
}
