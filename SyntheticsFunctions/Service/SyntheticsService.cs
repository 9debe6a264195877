using Microsoft.Extensions.Logging;
using Npgsql;
using Polly.Registry;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Telemetry;

namespace SyntheticsFunctions.Service;

public enum RunStatus
{
    Succeeded,
    Skipped,
    Failed,
    SchemaIncompatible,
}

/// <summary>What a run did, for the function that asked.</summary>
public sealed record RunOutcome(RunStatus Status, Guid RunId, RunResult? Result, string? Error, IReadOnlyList<string> Problems);

/// <summary>Health as <c>/api/health</c> reports it.</summary>
public sealed record HealthReport(
    bool Healthy,
    string? SchemaVersion,
    bool Enabled,
    DateTimeOffset? LastSuccessfulRunAt,
    double? LastSuccessfulRunAgeSeconds,
    bool Stale,
    IReadOnlyList<string> Problems,
    string? Error);

/// <summary>The use cases the functions call: one method each, no SQL and no simulation here.</summary>
public sealed class SyntheticsService(
    RunStore runs,
    HealthStore health,
    StatusStore status,
    SettingsStore settings,
    CleanupStore cleanup,
    PoolStore pool,
    ActivityStore activity,
    SchemaGate schema,
    SchemaInspector inspector,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    RandomSource random,
    SyntheticsMetrics metrics,
    ILogger<SyntheticsService> logger)
{
    /// <summary>The resilience pipeline that re-runs a whole run on a transient failure.</summary>
    public const string RunPipeline = "synthetics-run";

    /// <summary>Enabled but no successful run for this long: health says stale.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task<RunOutcome> RunAsync(RunTrigger trigger, int target, CancellationToken cancellationToken, bool dryRun = false)
    {
        var status = await schema.EnsureReadyAsync(cancellationToken);
        if (!status.Compatible)
        {
            return new RunOutcome(RunStatus.SchemaIncompatible, Guid.Empty, null, "The schema is incompatible.", status.Problems);
        }

        var seed = random.NextSeed();
        var now = time.GetUtcNow();
        var request = new RunRequest(trigger, Uuid7.Create(now, new Random(SessionPlanner.SeedOf(seed))), seed, now, target, dryRun);
        var startedAt = time.GetTimestamp();
        double ElapsedMs() => time.GetElapsedTime(startedAt).TotalMilliseconds;
        var attempts = 0;
        var pipeline = pipelines.GetPipeline(RunPipeline);
        try
        {
            var result = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    return await runs.ExecuteAsync(request, RunPlanner.Plan, ElapsedMs, attempts - 1, token);
                },
                cancellationToken);
            var triggerName = RunStore.TriggerName(trigger);
            if (dryRun)
            {
                logger.LogInformation("Dry run {RunId} would start {SessionsStarted} sessions and write {Rows} rows", request.RunId, result.SessionsStarted, result.TotalRows);
                return new RunOutcome(RunStatus.Succeeded, request.RunId, result, null, []);
            }

            if (result.Skipped != RunSkip.None)
            {
                metrics.Record(triggerName, RunStatus.Skipped, result, ElapsedMs(), attempts - 1);
                logger.LogInformation("Run {RunId} ({Trigger}) skipped: {Reason}", request.RunId, trigger, result.Skipped);
                return new RunOutcome(RunStatus.Skipped, request.RunId, result, null, []);
            }

            logger.LogInformation(
                "Run {RunId} ({Trigger}) started {SessionsStarted} of {SessionsRequested} sessions, continued {SessionsContinued}, wrote {Rows} rows {RowsPerTable} in {DurationMs:F1} ms with {Retries} retries",
                request.RunId, trigger, result.SessionsStarted, result.SessionsRequested, result.SessionsContinued,
                result.TotalRows, result.RowsPerTable, ElapsedMs(), attempts - 1);
            metrics.Record(triggerName, RunStatus.Succeeded, result, ElapsedMs(), attempts - 1);
            return new RunOutcome(RunStatus.Succeeded, request.RunId, result, null, []);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Run {RunId} ({Trigger}) failed after {Retries} retries", request.RunId, trigger, attempts - 1);
            await RecordFailureAsync(request, e, ElapsedMs(), attempts - 1);
            metrics.Record(RunStore.TriggerName(trigger), RunStatus.Failed, null, ElapsedMs(), attempts - 1);
            return new RunOutcome(RunStatus.Failed, request.RunId, null, e.Message, []);
        }
    }

    public Task<EngineStatus> GetStatusAsync(CancellationToken cancellationToken) => status.ReadAsync(time.GetUtcNow(), cancellationToken);

    /// <summary>Applies a validated partial change; the database records it in the settings history.</summary>
    public Task<EngineSettings> UpdateSettingsAsync(SettingsPatch patch, string source, CancellationToken cancellationToken) =>
        settings.UpdateAsync(patch, source, time.GetUtcNow(), cancellationToken);

    public Task<IReadOnlyList<SettingsChange>> GetSettingsHistoryAsync(int limit, CancellationToken cancellationToken) =>
        settings.HistoryAsync(limit, cancellationToken);

    /// <summary>Deletes synthetic rows older than <paramref name="retainDays"/> (default: the setting), in bounded batches.</summary>
    public async Task<CleanupResult> CleanupAsync(int? retainDays, string kind, CancellationToken cancellationToken)
    {
        var days = retainDays ?? (await settings.ReadAsync(cancellationToken)).RetainDays;
        var now = time.GetUtcNow();
        var result = await cleanup.DeleteAsync(Uuid7.Create(now, new Random(random.Next(int.MaxValue))), kind, now, now.AddDays(-days), days, CleanupStore.DefaultBatchSize, cancellationToken);
        logger.LogInformation("{Kind} {CleanupId} deleted {Rows} rows older than {Days} days {RowsPerTable} in {Transactions} transactions",
            kind, result.Id, result.TotalRows, days, result.RowsDeleted, result.Transactions);
        return result;
    }

    /// <summary>Removes every synthetic row and the sim profiles this app created.</summary>
    public async Task<(CleanupResult Result, long SimUsers, long Profiles)> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = await cleanup.DeleteAsync(Uuid7.Create(now, new Random(random.Next(int.MaxValue))), "purge", now, null, null, CleanupStore.DefaultBatchSize, cancellationToken);
        var (simUsers, profiles) = await cleanup.RemoveCreatedProfilesAsync(cancellationToken);
        logger.LogWarning("Purge {CleanupId} deleted {Rows} synthetic rows {RowsPerTable}, {SimUsers} sim users and {Profiles} profiles",
            result.Id, result.TotalRows, result.RowsDeleted, simUsers, profiles);
        return (result, simUsers, profiles);
    }

    public Task<PoolPage> ListPoolAsync(int page, int pageSize, CancellationToken cancellationToken) => pool.ListAsync(page, pageSize, cancellationToken);

    /// <summary>Resizes the pool; null when it would have to create profiles in the journey app's own table.</summary>
    public async Task<PoolResize?> ResizePoolAsync(int size, CancellationToken cancellationToken)
    {
        var resized = await pool.ResizeAsync(size, time.GetUtcNow(), cancellationToken);
        if (resized is not null)
        {
            logger.LogInformation("Pool resized from {Before} to {After}: {Added} added, {Retired} retired, {Reactivated} reactivated",
                resized.Before, resized.After, resized.Added, resized.Retired, resized.Reactivated);
        }

        return resized;
    }

    public Task<IReadOnlyList<ActivityHour>> GetActivityAsync(int hours, CancellationToken cancellationToken) =>
        activity.ReadAsync(time.GetUtcNow(), hours, cancellationToken);

    public async Task<HealthReport> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await schema.InspectAsync(cancellationToken);
            var version = await inspector.ReadVersionAsync(cancellationToken);
            if (!status.Compatible)
            {
                return new HealthReport(false, version, false, null, null, false, status.Problems, "The schema is incompatible.");
            }

            var state = await health.ReadAsync(cancellationToken);
            var age = state.LastSuccessfulRunAt is { } last ? (time.GetUtcNow() - last).TotalSeconds : (double?)null;
            var stale = state.Enabled && (age is null || age > StaleAfter.TotalSeconds);
            return new HealthReport(true, version, state.Enabled, state.LastSuccessfulRunAt, age, stale, [], null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Health check could not reach the database");
            return new HealthReport(false, null, false, null, null, false, [], "The database is unreachable: " + e.Message);
        }
    }

    private async Task RecordFailureAsync(RunRequest request, Exception error, double durationMs, int retries)
    {
        try
        {
            // Not the caller's token: the failure is recorded even when the caller gave up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await runs.RecordFailureAsync(request, error.Message, durationMs, retries, timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId} failed and its failure could not be recorded", request.RunId);
        }
    }
}
