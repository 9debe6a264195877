using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
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
    int? MissingRecommendedIndexes = null,
    PoolCapacity? Capacity = null,
    IReadOnlyList<string>? Warnings = null)
{
    /// <summary>
    /// Working, but the pool holds the volume back: a pool the engine cannot grow is smaller than
    /// the people the settings need, or nobody in it can start a session. <see cref="Warnings"/> says what to do.
    /// </summary>
    public bool Degraded => Healthy && Warnings is { Count: > 0 };
}

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
    IOptions<SyntheticsOptions> options,
    ILogger<StatusService> logger) : IStatusService
{
    /// <summary>What to do when the pool is short, as status, health and the Studio say it.</summary>
    public static readonly IReadOnlyList<string> PoolFixes =
    [
        "Add more sim users: insert rows into sim_users (profile ids of profiles that exist).",
        "Or let the pool grow: set Synthetics__SignupFunction to a function of the database owner that signs up new people.",
    ];

    /// <summary>Enabled but no successful run for this long: health says stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Enabled, ticking, but no session started over a span in which at least this many were
    /// expected (<see cref="ExpectedVolume.SpanExpecting"/>): health says stale. Nights and small
    /// pools, which expect fewer, do not flap.
    /// </summary>
    public const double StaleExpectedSessions = 10;

    /// <summary>The longest span the stale rule looks back over.</summary>
    public static readonly TimeSpan StaleSpanLimit = TimeSpan.FromDays(2);

    /// <summary>Health's warning when nobody in a pool the engine cannot grow can start a session.</summary>
    public const string NobodyCanStart =
        "Nobody in the pool can start a session (no members, all retired, or all gone for good), and the engine cannot add people here. " +
        "Add sim users: insert rows into sim_users (profile ids of profiles that exist), or set Synthetics__SignupFunction so the pool can grow.";

    /// <summary>Health's fixed answer while the database cannot be reached.</summary>
    public const string DatabaseUnreachable = "The database is unreachable.";

    public async Task<EngineStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var current = await status.ReadAsync(now, cancellationToken);
        var multiplier = ActivityCurve.ForPool(current.PoolTimezones, now);
        var capacity = Capacity(current.Settings, current.PoolSize, current.OwnsPool);
        var expected = current.Settings with { SessionsPerMin = capacity.ExpectedSessionsPerMin };
        return current with { ActivityMultiplier = multiplier, ExpectedEventsPerMinute = ExpectedVolume.EventsPerMinute(expected, multiplier), Capacity = capacity };
    }

    /// <summary>
    /// Needed vs available: a pool that may grow (the engine's own tables, or the owner's signup
    /// function) has its cap available; a pool it cannot grow has its members.
    /// </summary>
    private PoolCapacity Capacity(EngineSettings settings, long members, bool ownsPool) => CapacityOf(settings, members, ownsPool, options.Value);

    /// <summary>The rule of <see cref="Capacity"/>, shared with the estimate.</summary>
    internal static PoolCapacity CapacityOf(EngineSettings settings, long members, bool ownsPool, SyntheticsOptions options) =>
        ownsPool || !string.IsNullOrEmpty(options.SignupFunction)
            ? PoolCapacity.For(settings, Math.Max(members, options.PoolSize), growable: true)
            : PoolCapacity.For(settings, members, growable: false);

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
            var now = time.GetUtcNow();
            var age = state.LastSuccessfulRunAt is { } last ? (now - last).TotalSeconds : (double?)null;
            var stale = state.Enabled == true && (age is null || age > StaleAfter.TotalSeconds);
            var missing = (await indexes.ReadAsync(cancellationToken)).Count(i => !i.Present);
            var capacity = state.Settings is { } settings ? Capacity(settings, state.PoolMembers, state.OwnsPool) : null;
            var warnings = new List<string>();
            if (capacity is { Growable: false } && state.LivingMembers == 0)
            {
                warnings.Add(NobodyCanStart);
            }
            else if (capacity is { Short: true, Growable: false })
            {
                warnings.Add(FormattableString.Invariant(
                    $"The pool is short: {capacity.Available} members for the {capacity.Needed} people the settings need, so the volume gives way to {capacity.ExpectedSessionsPerMin:0.###} sessions a minute. ") +
                    string.Join(" ", PoolFixes));
            }

            if (!stale && state.Enabled == true && capacity is not null && state.Settings is { } current)
            {
                stale = await NoSessionsWhereExpectedAsync(state, current, capacity, now, cancellationToken);
            }

            return new HealthReport(true, version, state.Enabled, state.LastSuccessfulRunAt, age, stale, [], null, missing, capacity, warnings);
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            // Health is anonymous: the driver's message (host, port, server text) goes to the logs only.
            logger.LogWarning(e, "Health check could not reach the database");
            return new HealthReport(false, null, null, null, null, false, [], DatabaseUnreachable);
        }
    }

    /// <summary>
    /// Ticking, but no session started over the span in which the pool expected
    /// <see cref="StaleExpectedSessions"/> (a pool with nobody in it expects its signups' volume),
    /// where cron runs that succeeded cover that whole span (a pause is not "stale").
    /// </summary>
    private async Task<bool> NoSessionsWhereExpectedAsync(EngineState state, EngineSettings settings, PoolCapacity capacity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pool = state.PoolTimezones is { Count: > 0 } zones ? zones : options.Value.ParsedRegionMix().SignupPool;
        if (ExpectedVolume.SpanExpecting(StaleExpectedSessions, capacity.ExpectedSessionsPerMin, settings.MaxPerRun, pool, now, StaleSpanLimit) is not { } span)
        {
            return false;
        }

        var runs = await health.ReadCronRunsSinceAsync(now - span, cancellationToken);
        return runs.EarliestWindowStart is { } earliest && earliest <= now - span + StaleAfter && runs.SessionsStarted == 0;
    }
}
