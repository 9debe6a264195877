using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Functions;

/// <summary>The seed's manual trigger: <c>POST /api/synthetics/run?target=N</c>. Works while paused.</summary>
public sealed class RunFunction(IRunService runs)
{
    public const int DefaultTarget = 5;
    public const int MaxTarget = 50;

    [Function(nameof(ManualRun))]
    [ApiResponse(typeof(RunResponse))]
    [ApiQuery("target", "integer", "Sessions to start, 1-50, default 5.")]
    public async Task<IResult> ManualRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/run")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!TryParseTarget(request.Query["target"], out var target, out var error))
        {
            return ApiResults.Invalid("target", error);
        }

        var outcome = await runs.RunAsync(RunTrigger.Manual, target, cancellationToken);
        return RunResponses.From(outcome);
    }

    /// <summary>Absent means the default; anything but one integer in 1..50 is refused, never coerced.</summary>
    public static bool TryParseTarget(Microsoft.Extensions.Primitives.StringValues values, out int target, out string error)
    {
        target = DefaultTarget;
        error = "";
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1)
        {
            error = "target must be given once.";
            return false;
        }

        var text = values[0];
        if (!BodyFields.TryPlainInteger(text, out target) || target is < 1 or > MaxTarget)
        {
            error = $"target must be an integer from 1 to {MaxTarget}.";
            target = 0;
            return false;
        }

        return true;
    }
}

/// <summary>Shapes a run's outcome as the API answers it. A failure answers a fixed text with the run id and correlation id; the cause goes to the logs.</summary>
public static class RunResponses
{
    public const string RunFailed = "The run failed and wrote nothing.";

    public static IResult From(RunOutcome outcome, bool dryRun = false) => outcome.Status switch
    {
        RunStatus.Succeeded or RunStatus.Skipped => ApiResults.Ok(new RunResponse(
            outcome.RunId,
            dryRun,
            outcome.Status == RunStatus.Succeeded ? "succeeded" : "skipped",
            outcome.Result!.Skipped == RunSkip.None ? null : outcome.Result.Skipped.ToString(),
            Storage.Runs.RunJournal.TriggerName(outcome.Result.Trigger),
            outcome.Result.Seed,
            outcome.Result.SessionsRequested,
            outcome.Result.SessionsStarted,
            outcome.Result.SessionsContinued,
            outcome.Result.RowsPerTable,
            outcome.Result.TotalRows)),
        RunStatus.SchemaIncompatible => ApiResults.SchemaIncompatible(outcome.Problems),
        _ when outcome.Category == Storage.Runs.FailureCategories.DatabaseUnavailable => ApiResults.Unavailable(
            outcome.CorrelationId ?? "", new Dictionary<string, object?> { ["run_id"] = outcome.RunId, ["failure_category"] = outcome.Category }),
        _ => ApiResults.Problem(
            StatusCodes.Status500InternalServerError, RunFailed, ApiResults.InternalError,
            new Dictionary<string, object?> { ["run_id"] = outcome.RunId, ["failure_category"] = outcome.Category, ["correlation_id"] = outcome.CorrelationId }),
    };
}
