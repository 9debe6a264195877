using Npgsql;

namespace SyntheticsFunctions.Storage;

/// <summary>One UTC hour of synthetic activity.</summary>
public sealed record ActivityHour(
    DateTimeOffset Hour,
    IReadOnlyDictionary<string, long> EventsByType,
    long Sessions,
    long JourneysStarted,
    long JourneysCompleted,
    long JourneysAbandoned,
    long Captures,
    long ResistanceChecks,
    long MindblockEvents);

/// <summary>Synthetic activity per UTC hour: sim users' tagged rows only.</summary>
public sealed class ActivityStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ActivityHour>> ReadAsync(DateTimeOffset now, int hours, CancellationToken cancellationToken)
    {
        var to = now.UtcDateTime;
        var from = new DateTime(to.Year, to.Month, to.Day, to.Hour, 0, 0, DateTimeKind.Utc).AddHours(1 - hours);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT date_trunc('hour', created_at), event_type, count(*)
            FROM journey_scene_events
            WHERE created_at >= $1 AND created_at <= $2 AND (event_payload->>'synthetic') = 'true'
              AND user_id IN (SELECT profile_id FROM sim_users)
            GROUP BY 1, 2
            """, Sql.P(from), Sql.P(to)));
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT h, kind, count(*) FROM (
                SELECT date_trunc('hour', started_at) h, 'journeys_started' kind FROM journey_instances ji
                WHERE started_at >= $1 AND started_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                UNION ALL
                SELECT date_trunc('hour', completed_at), 'journeys_completed' FROM journey_instances
                WHERE status = 'completed' AND completed_at >= $1 AND completed_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                UNION ALL
                SELECT date_trunc('hour', last_activity_at), 'journeys_abandoned' FROM journey_instances
                WHERE status = 'abandoned' AND last_activity_at >= $1 AND last_activity_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                UNION ALL
                SELECT date_trunc('hour', created_at), 'captures' FROM journey_scene_captures
                WHERE created_at >= $1 AND created_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                UNION ALL
                SELECT date_trunc('hour', created_at), 'resistance_checks' FROM journey_resistance_checks
                WHERE created_at >= $1 AND created_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
                UNION ALL
                SELECT date_trunc('hour', created_at), 'mindblock_events' FROM mindblock_events
                WHERE created_at >= $1 AND created_at <= $2 AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
            ) t GROUP BY 1, 2
            """, Sql.P(from), Sql.P(to)));
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT date_trunc('hour', window_end), sum(sessions_started)
            FROM synthetic_runs WHERE status = 'succeeded' AND window_end >= $1 AND window_end <= $2 GROUP BY 1
            """, Sql.P(from), Sql.P(to)));

        var events = new Dictionary<DateTime, Dictionary<string, long>>();
        var counts = new Dictionary<(DateTime, string), long>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var hour = reader.GetDateTime(0);
            if (!events.TryGetValue(hour, out var byType))
            {
                events[hour] = byType = [];
            }

            byType[reader.GetString(1)] = reader.GetInt64(2);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetDateTime(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[(reader.GetDateTime(0), "sessions")] = reader.GetInt64(1);
        }

        return
        [
            .. Enumerable.Range(0, hours).Select(i =>
            {
                var hour = from.AddHours(i);
                long Count(string kind) => counts.GetValueOrDefault((hour, kind));
                return new ActivityHour(
                    new DateTimeOffset(hour), events.GetValueOrDefault(hour) ?? new Dictionary<string, long>(), Count("sessions"),
                    Count("journeys_started"), Count("journeys_completed"), Count("journeys_abandoned"),
                    Count("captures"), Count("resistance_checks"), Count("mindblock_events"));
            }),
        ];
    }
}
