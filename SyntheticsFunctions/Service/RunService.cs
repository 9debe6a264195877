using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly.Registry;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Telemetry;

namespace SyntheticsFunctions.Service;

public enum RunStatus
{
    Succeeded,
    Skipped,
    Failed,
    SchemaIncompatible,
}

/// <summary>
/// What a run did, for the function that asked. A failed run has a <paramref name="Category"/>
/// (<see cref="FailureCategories"/>); <paramref name="Error"/> is for the logs, never for callers.
/// </summary>
public sealed record RunOutcome(
    RunStatus Status, Guid RunId, RunResult? Result, string? Error, IReadOnlyList<string> Problems,
    string? Category = null, string? CorrelationId = null);

/// <summary>Runs of the engine: a cron tick or a manual run (optionally dry).</summary>
public interface IRunService
{
    Task<RunOutcome> RunAsync(RunTrigger trigger, int target, CancellationToken cancellationToken, bool dryRun = false);
}

/// <summary>
/// One run: load → <see cref="RunPlanner.Plan"/> → write → commit, as one transaction inside the
/// resilience pipeline, so a transient failure re-runs the whole unit and never half of one. A
/// retry that finds its own run already committed (the commit's answer was lost) reports it as
/// succeeded. A run that fails is recorded once, with its category and correlation id, through
/// the same pipeline; a record that cannot be written waits in <see cref="PendingFailures"/>.
/// </summary>
public sealed class RunService(
    RunTransactions transactions,
    RunJournal journal,
    SchemaGate schema,
    PendingFailures pending,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    RandomSource random,
    SyntheticsMetrics metrics,
    ILogger<RunService> logger) : IRunService
{
    /// <summary>The resilience pipeline that re-runs a whole run on a transient failure.</summary>
    public const string Pipeline = "synthetics-run";

    /// <summary>How long a failure's record may take, retries included, whatever the caller's token says.</summary>
    public static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(15);

    public async Task<RunOutcome> RunAsync(RunTrigger trigger, int target, CancellationToken cancellationToken, bool dryRun = false)
    {
        var seed = random.NextSeed();
        var now = time.GetUtcNow();
        var request = new RunRequest(trigger, Uuid7.Create(now, new Random(SessionPlanner.SeedOf(seed))), seed, now, target, dryRun);
        var correlationId = Activity.Current?.TraceId.ToHexString() ?? request.RunId.ToString("N");
        var startedAt = time.GetTimestamp();
        double ElapsedMs() => time.GetElapsedTime(startedAt).TotalMilliseconds;
        var attempts = 0;
        var triggerName = RunJournal.TriggerName(trigger);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = request.RunId, ["CorrelationId"] = correlationId });
        try
        {
            var status = await schema.EnsureReadyAsync(cancellationToken);
            if (!status.Compatible)
            {
                return new RunOutcome(RunStatus.SchemaIncompatible, Guid.Empty, null, "The schema is incompatible.", status.Problems);
            }

            await WritePendingFailuresAsync(cancellationToken);
            var pipeline = pipelines.GetPipeline(Pipeline);
            var result = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    return await ExecuteOnceAsync(request, ElapsedMs, attempts - 1, token);
                },
                cancellationToken);
            if (dryRun)
            {
                logger.LogInformation("Dry run {RunId} would start {SessionsStarted} sessions and write {Rows} rows", request.RunId, result.SessionsStarted, result.TotalRows);
                return new RunOutcome(RunStatus.Succeeded, request.RunId, result, null, []);
            }

            if (result.Skipped != RunSkip.None)
            {
                metrics.Record(triggerName, RunStatus.Skipped.ToString(), null, ElapsedMs(), attempts - 1);
                logger.LogInformation("Run {RunId} ({Trigger}) skipped: {Reason}", request.RunId, trigger, result.Skipped);
                return new RunOutcome(RunStatus.Skipped, request.RunId, result, null, []);
            }

            if (result.AlreadyCommitted)
            {
                logger.LogWarning("Run {RunId} ({Trigger}) had committed before its connection dropped; its retry found the committed row", request.RunId, trigger);
            }

            logger.LogInformation(
                "Run {RunId} ({Trigger}) started {SessionsStarted} of {SessionsRequested} sessions, continued {SessionsContinued}, wrote {Rows} rows {RowsPerTable} in {DurationMs:F1} ms with {Retries} retries",
                request.RunId, trigger, result.SessionsStarted, result.SessionsRequested, result.SessionsContinued,
                result.TotalRows, result.RowsPerTable, ElapsedMs(), attempts - 1);
            metrics.Record(triggerName, RunStatus.Succeeded.ToString(), new RunMetrics(result.SessionsStarted, result.RowsPerTable), ElapsedMs(), attempts - 1);
            return new RunOutcome(RunStatus.Succeeded, request.RunId, result, null, []);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var category = FailureCategories.Of(e);
            logger.LogError(e, "Run {RunId} ({Trigger}) failed ({Category}) after {Retries} retries; correlation id {CorrelationId}", request.RunId, trigger, category, Math.Max(attempts - 1, 0), correlationId);
            if (!dryRun)
            {
                await RecordFailureAsync(new RunFailure(request, category, correlationId, e.Message, ElapsedMs(), Math.Max(attempts - 1, 0)));
            }

            metrics.Record(triggerName, RunStatus.Failed.ToString(), null, ElapsedMs(), Math.Max(attempts - 1, 0));
            return new RunOutcome(RunStatus.Failed, request.RunId, null, e.Message, [], category, correlationId);
        }
    }

    /// <summary>One attempt: three round trips (load, write, commit); disposing an uncommitted transaction rolls it back.</summary>
    private async Task<RunResult> ExecuteOnceAsync(RunRequest request, Func<double> elapsedMs, int retries, CancellationToken cancellationToken)
    {
        await using var transaction = await transactions.BeginAsync(cancellationToken);
        var loaded = await transaction.LoadAsync(request, cancellationToken);
        if (loaded.Committed is not null)
        {
            return loaded.Committed;
        }

        if (loaded.Skip != RunSkip.None)
        {
            return RunResult.Skip(request, loaded.Skip);
        }

        var output = RunPlanner.Plan(loaded.Input!);
        if (request.DryRun)
        {
            return RunResult.Planned(request, output, output.Batch.RowsPerTable());
        }

        var realism = RealismRecord.Of(output.Batch, loaded.Input!.Catalog, loaded.Input.SessionsInProgress);
        var rows = await transaction.WriteAsync(request, output, realism, elapsedMs(), retries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RunResult.Planned(request, output, rows);
    }

    private async Task RecordFailureAsync(RunFailure failure)
    {
        try
        {
            // Not the caller's token: the failure is recorded even when the caller gave up.
            using var timeout = new CancellationTokenSource(RecordTimeout);
            await pipelines.GetPipeline(Pipeline).ExecuteAsync(token => new ValueTask(journal.RecordFailuresAsync([failure], token)), timeout.Token);
        }
        catch (Exception e)
        {
            var dropped = pending.Add(failure);
            logger.LogError(e, "Run {RunId} failed and its failure could not be recorded; kept in memory ({Pending} waiting) for the next run to write", failure.Request.RunId, pending.Count);
            if (dropped is not null)
            {
                logger.LogError("Failed run {RunId} ({Category}, correlation id {CorrelationId}) dropped from the in-memory queue of {Capacity}; it stays unrecorded",
                    dropped.Request.RunId, dropped.Category, dropped.CorrelationId, PendingFailures.Capacity);
            }
        }
    }

    /// <summary>Failures that could not be recorded when they happened are written before the next run; if that fails too, they keep waiting.</summary>
    private async Task WritePendingFailuresAsync(CancellationToken cancellationToken)
    {
        var waiting = pending.Snapshot();
        if (waiting.Count == 0)
        {
            return;
        }

        await journal.RecordFailuresAsync(waiting, cancellationToken);
        pending.Remove(waiting);
        logger.LogInformation("Recorded {Count} failed runs that had waited in memory", waiting.Count);
    }
}
