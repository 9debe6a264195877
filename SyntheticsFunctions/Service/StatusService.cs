using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>Health as <c>/api/health</c> reports it.</summary>
public sealed record HealthReport(
    bool Healthy,
    string? SchemaVersion,
    bool? Enabled,
    DateTimeOffset? LastSuccessfulRunAt,
    double? LastSuccessfulRunAgeSeconds,
    bool Stale,
    IReadOnlyList<string> Problems,
    string? Error,
    int? MissingRecommendedIndexes = null);

/// <summary>What the engine is doing: status, activity per hour, health.</summary>
public interface IStatusService
{
    Task<EngineStatus> GetStatusAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ActivityHour>> GetActivityAsync(int hours, CancellationToken cancellationToken);

    Task<HealthReport> GetHealthAsync(CancellationToken cancellationToken);

    /// <summary>The indexes the engine's queries want, present (under any name) or recommended with their statement.</summary>
    Task<IReadOnlyList<IndexRecommendation>> GetIndexRecommendationsAsync(CancellationToken cancellationToken);
}

public sealed class StatusService(
    StatusStore status,
    ActivityStore activity,
    HealthStore health,
    SchemaGate schema,
    SchemaInspector inspector,
    IndexAdvisor indexes,
    TimeProvider time,
    ILogger<StatusService> logger) : IStatusService
{
    /// <summary>Enabled but no successful run for this long: health says stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>Health's fixed answer while the database cannot be reached.</summary>
    public const string DatabaseUnreachable = "The database is unreachable.";

    public async Task<EngineStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var current = await status.ReadAsync(now, cancellationToken);
        var multiplier = ActivityCurve.ForPool(current.PoolTimezones, now);
        return current with { ActivityMultiplier = multiplier, ExpectedEventsPerMinute = ExpectedVolume.EventsPerMinute(current.Settings, multiplier) };
    }

    public async Task<IReadOnlyList<IndexRecommendation>> GetIndexRecommendationsAsync(CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        return await indexes.ReadAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ActivityHour>> GetActivityAsync(int hours, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        return await activity.ReadAsync(time.GetUtcNow(), hours, cancellationToken);
    }

    public async Task<HealthReport> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var schemaStatus = await schema.InspectAsync(cancellationToken);
            var version = await inspector.ReadVersionAsync(cancellationToken);
            if (!schemaStatus.Compatible)
            {
                return new HealthReport(false, version, null, null, null, false, schemaStatus.Problems, "The schema is incompatible.");
            }

            var state = await health.ReadAsync(cancellationToken);
            var age = state.LastSuccessfulRunAt is { } last ? (time.GetUtcNow() - last).TotalSeconds : (double?)null;
            var stale = state.Enabled == true && (age is null || age > StaleAfter.TotalSeconds);
            var missing = (await indexes.ReadAsync(cancellationToken)).Count(i => !i.Present);
            return new HealthReport(true, version, state.Enabled, state.LastSuccessfulRunAt, age, stale, [], null, missing);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            // Health is anonymous: the driver's message (host, port, server text) goes to the logs only.
            logger.LogWarning(e, "Health check could not reach the database");
            return new HealthReport(false, null, null, null, null, false, [], DatabaseUnreachable);
        }
    }
}
