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

/// <summary>Synthetic activity per UTC hour (sim users' tagged rows), read from the hourly rollup: at most hours × metrics rows.</summary>
public sealed class ActivityStore(NpgsqlDataSource dataSource)
{
    private const string EventMetricPrefix = "event:";

    public async Task<IReadOnlyList<ActivityHour>> ReadAsync(DateTimeOffset now, int hours, CancellationToken cancellationToken)
    {
        var to = now.UtcDateTime;
        var from = new DateTime(to.Year, to.Month, to.Day, to.Hour, 0, 0, DateTimeKind.Utc).AddHours(1 - hours);
        await using var command = dataSource.CreateCommand(
            "SELECT hour, metric, count FROM synthetic_activity_hours WHERE hour >= $1 AND hour <= $2 AND count <> 0");
        command.Parameters.Add(Sql.P(from));
        command.Parameters.Add(Sql.P(to));
        var events = new Dictionary<DateTime, Dictionary<string, long>>();
        var counts = new Dictionary<(DateTime, string), long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var hour = reader.GetDateTime(0);
                var metric = reader.GetString(1);
                if (metric.StartsWith(EventMetricPrefix, StringComparison.Ordinal))
                {
                    if (!events.TryGetValue(hour, out var byType))
                    {
                        events[hour] = byType = [];
                    }

                    byType[metric[EventMetricPrefix.Length..]] = reader.GetInt64(2);
                }
                else
                {
                    counts[(hour, metric)] = reader.GetInt64(2);
                }
            }
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
