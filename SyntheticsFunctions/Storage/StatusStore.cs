using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>The last run as status reports it.</summary>
public sealed record LastRun(Guid Id, string Trigger, string Status, DateTimeOffset At, int SessionsRequested, int SessionsStarted, long Rows, double DurationMs, string? Error, string? FailureCategory = null, string? CorrelationId = null);

/// <summary>
/// The population as status reports it: non-retired users, those with a session in the last 24
/// hours, those who signed up in the last 24 hours, lapsing or lapsed, churned (not yet retired),
/// and DAU/MAU as users active in the last 24 hours over those active in the last 28 days.
/// </summary>
public sealed record PopulationStatus(long Total, long ActiveToday, long NewToday, long Lapsed, long Churned, double? DauOverMau);

/// <summary>What the status route reports, read in one round trip, from rollups wherever a count would otherwise scan a table.</summary>
public sealed record EngineStatus(
    EngineSettings Settings,
    LastRun? LastRun,
    long EventsLast5Minutes,
    long EventsLast24Hours,
    IReadOnlyDictionary<string, long> EventsByType24Hours,
    long ActiveJourneys,
    long SessionsInProgress,
    long PoolSize,
    IReadOnlyList<TimezoneCount> PoolTimezones,
    PopulationStatus? Population = null,
    bool OwnsPool = true)
{
    /// <summary>Whether the pool can carry the settings (needed vs available, the volume to expect); set by the status service.</summary>
    public PoolCapacity? Capacity { get; init; }

    /// <summary>The pool's activity multiplier at the time of the read (<see cref="ActivityCurve.ForPool"/>); set by the status service.</summary>
    public double ActivityMultiplier { get; init; }

    /// <summary>Scene events per minute the engine should write now (<see cref="ExpectedVolume.EventsPerMinute"/>); set by the status service.</summary>
    public double ExpectedEventsPerMinute { get; init; }
}

public sealed class StatusStore(NpgsqlDataSource dataSource)
{
    /// <summary>The first whole minute after <paramref name="at"/>.</summary>
    internal static DateTime NextMinute(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
    }

    /// <summary>Counts use the seed's windows, (now - 5 minutes, now] and (now - 24 hours, now], on the synthetic-tag index.</summary>
    public async Task<EngineStatus> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT id, trigger, status, window_end, sessions_requested, sessions_started,
                   coalesce((SELECT sum(value::bigint) FROM jsonb_each_text(rows_written)), 0), duration_ms, error, failure_category, correlation_id
            FROM synthetic_runs ORDER BY window_end DESC LIMIT 1
            """));
        // Whole minutes come from the per-minute rollup; only the part-minute at each window's
        // start is counted from the events table (an index range of under a minute of rows).
        var dayStart = now.AddHours(-24);
        var fiveStart = now.AddMinutes(-5);
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT event_type, sum(last5), sum(last24) FROM (
                SELECT event_type, CASE WHEN minute >= $4 THEN events ELSE 0 END AS last5, events AS last24
                FROM synthetic_event_minutes WHERE minute >= $2 AND minute <= $5
                UNION ALL
                SELECT event_type, count(*) FILTER (WHERE created_at > $3 AND created_at < $4), count(*) FILTER (WHERE created_at < $2)
                FROM journey_scene_events
                WHERE ((created_at > $1 AND created_at < $2) OR (created_at > $3 AND created_at < $4))
                  AND (event_payload->>'synthetic') = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                GROUP BY event_type) t
            GROUP BY event_type
            """,
            Sql.P(dayStart.UtcDateTime), Sql.P(NextMinute(dayStart)), Sql.P(fiveStart.UtcDateTime), Sql.P(NextMinute(fiveStart)), Sql.P(now.UtcDateTime)));
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT (SELECT count(*) FROM journey_instances ji JOIN sim_users su ON su.profile_id = ji.user_id WHERE ji.status = 'active'),
                   (SELECT count(*) FROM synthetic_sessions),
                   ({PoolSql.CountActive}),
                   {PoolSql.OwnsPoolTables}
            """));
        // The pool by time zone, as a run reads it, for the activity multiplier now.
        batch.BatchCommands.Add(PoolSql.SelectTimezones());
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT count(*),
                   count(*) FILTER (WHERE us.last_session_at > $1 - interval '1 day'),
                   count(*) FILTER (WHERE us.signup_at > $1 - interval '1 day'),
                   count(*) FILTER (WHERE us.lifecycle IN ('lapsing', 'lapsed')),
                   count(*) FILTER (WHERE us.lifecycle = 'churned'),
                   count(*) FILTER (WHERE us.last_session_at > $1 - interval '28 days')
            FROM synthetic_pool pm LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id
            WHERE {PoolSql.ActiveMember}
            """, Sql.P(now.UtcDateTime)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var settings = SettingsStore.ReadSettings(reader);

        await reader.NextResultAsync(cancellationToken);
        LastRun? last = null;
        if (await reader.ReadAsync(cancellationToken))
        {
            last = new LastRun(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), Sql.ReadTimestamp(reader, 3), reader.GetInt32(4), reader.GetInt32(5),
                reader.GetInt64(6), reader.GetDouble(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10));
        }

        await reader.NextResultAsync(cancellationToken);
        var byType = new Dictionary<string, long>();
        long last5 = 0, last24 = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var day = (long)reader.GetDecimal(2);
            if (day > 0)
            {
                byType[reader.GetString(0)] = day;
            }

            last5 += (long)reader.GetDecimal(1);
            last24 += day;
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (activeJourneys, sessions, poolSize, ownsPool) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3));

        await reader.NextResultAsync(cancellationToken);
        var zones = await PoolSql.ReadTimezonesAsync(reader, cancellationToken);

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var monthly = reader.GetInt64(5);
        var population = new PopulationStatus(
            reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            monthly == 0 ? null : Math.Round((double)reader.GetInt64(1) / monthly, 3));
        return new EngineStatus(settings, last, last5, last24, byType, activeJourneys, sessions, poolSize, zones, population, ownsPool);
    }
}
