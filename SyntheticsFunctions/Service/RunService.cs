using Microsoft.Extensions.Logging;
using Polly.Registry;
using SyntheticsFunctions.Engine;
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

/// <summary>What a run did, for the function that asked.</summary>
public sealed record RunOutcome(RunStatus Status, Guid RunId, RunResult? Result, string? Error, IReadOnlyList<string> Problems);

/// <summary>Runs of the engine: a cron tick or a manual run (optionally dry).</summary>
public interface IRunService
{
    Task<RunOutcome> RunAsync(RunTrigger trigger, int target, CancellationToken cancellationToken, bool dryRun = false);
}

/// <summary>
/// One run: load → <see cref="RunPlanner.Plan"/> → write → commit, as one transaction inside the
/// resilience pipeline, so a transient failure re-runs the whole unit and never half of one. A
/// run that fails is recorded in a transaction of its own.
/// </summary>
public sealed class RunService(
    RunTransactions transactions,
    RunJournal journal,
    SchemaGate schema,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    RandomSource random,
    SyntheticsMetrics metrics,
    ILogger<RunService> logger) : IRunService
{
    /// <summary>The resilience pipeline that re-runs a whole run on a transient failure.</summary>
    public const string Pipeline = "synthetics-run";

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
        var triggerName = RunJournal.TriggerName(trigger);
        try
        {
            var result = await pipelines.GetPipeline(Pipeline).ExecuteAsync(
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

            logger.LogInformation(
                "Run {RunId} ({Trigger}) started {SessionsStarted} of {SessionsRequested} sessions, continued {SessionsContinued}, wrote {Rows} rows {RowsPerTable} in {DurationMs:F1} ms with {Retries} retries",
                request.RunId, trigger, result.SessionsStarted, result.SessionsRequested, result.SessionsContinued,
                result.TotalRows, result.RowsPerTable, ElapsedMs(), attempts - 1);
            metrics.Record(triggerName, RunStatus.Succeeded.ToString(), new RunMetrics(result.SessionsStarted, result.RowsPerTable), ElapsedMs(), attempts - 1);
            return new RunOutcome(RunStatus.Succeeded, request.RunId, result, null, []);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Run {RunId} ({Trigger}) failed after {Retries} retries", request.RunId, trigger, attempts - 1);
            await RecordFailureAsync(request, e, ElapsedMs(), attempts - 1);
            metrics.Record(triggerName, RunStatus.Failed.ToString(), null, ElapsedMs(), attempts - 1);
            return new RunOutcome(RunStatus.Failed, request.RunId, null, e.Message, []);
        }
    }

    /// <summary>One attempt: three round trips (load, write, commit); disposing an uncommitted transaction rolls it back.</summary>
    private async Task<RunResult> ExecuteOnceAsync(RunRequest request, Func<double> elapsedMs, int retries, CancellationToken cancellationToken)
    {
        await using var transaction = await transactions.BeginAsync(cancellationToken);
        var loaded = await transaction.LoadAsync(request, cancellationToken);
        if (loaded.Skip != RunSkip.None)
        {
            return RunResult.Skip(request, loaded.Skip);
        }

        var output = RunPlanner.Plan(loaded.Input!);
        if (request.DryRun)
        {
            return RunResult.Planned(request, output, output.Batch.RowsPerTable());
        }

        var rows = await transaction.WriteAsync(request, output, elapsedMs(), retries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RunResult.Planned(request, output, rows);
    }

    private async Task RecordFailureAsync(RunRequest request, Exception error, double durationMs, int retries)
    {
        try
        {
            // Not the caller's token: the failure is recorded even when the caller gave up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await journal.RecordFailureAsync(request, error.Message, durationMs, retries, timeout.Token);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Run {RunId} failed and its failure could not be recorded", request.RunId);
        }
    }
}
