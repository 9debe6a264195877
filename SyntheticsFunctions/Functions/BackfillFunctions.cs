using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Functions;

/// <summary>
/// History from day one: <c>POST synthetics/backfill</c> creates a job (202 with its status URL),
/// <c>GET synthetics/backfill/{id}</c> reports it, <c>POST synthetics/backfill/{id}/cancel</c> stops
/// it after a whole chunk, and the <see cref="SyntheticsBackfill"/> timer runs its chunks.
/// </summary>
public sealed class BackfillFunctions(IBackfillService backfill, ILogger<BackfillFunctions> logger)
{
    [Function(nameof(Backfill))]
    [ApiResponse(typeof(BackfillResponse), StatusCodes.Status202Accepted)]
    [ApiBody(typeof(BackfillRequest))]
    [ApiProblem(StatusCodes.Status409Conflict, "A backfill is already queued or running, or the engine runs and purge_first is not true.")]
    public async Task<IResult> Backfill(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/backfill")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: true, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown("days", "purge_first");
        // The range in force is 1 to retain_days: a bad days is answered once the setting is read.
        var days = fields.IntegerInRangeInForce("days", required: true);
        var purgeFirst = fields.Bool("purge_first") ?? false;
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var start = await backfill.StartAsync(days!.Value, purgeFirst, cancellationToken);
            if (start.Job is { } job)
            {
                return ApiResults.Json(View(job), StatusCodes.Status202Accepted);
            }

            return start.Refusal switch
            {
                BackfillRefusal.AnotherRunning => ApiResults.Problem(
                    StatusCodes.Status409Conflict, "A backfill is already queued or running.", "Wait for it to finish, or cancel it, before starting another."),
                BackfillRefusal.EngineRunning => ApiResults.Problem(
                    StatusCodes.Status409Conflict, "The engine is running.", "Pause the engine (POST synthetics/toggle) or set purge_first to true."),
                _ => ApiResults.Invalid("days", $"Must be an integer from 1 to {start.RetainDays} (retain_days: older rows are not kept)."),
            };
        });
    }

    [Function(nameof(BackfillStatus))]
    [ApiResponse(typeof(BackfillResponse))]
    [ApiProblem(StatusCodes.Status404NotFound, "No backfill job has this id.")]
    public async Task<IResult> BackfillStatus(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/backfill/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await WithJobAsync(request, id, jobId => backfill.GetAsync(jobId, cancellationToken));

    [Function(nameof(BackfillCancel))]
    [ApiResponse(typeof(BackfillResponse))]
    [ApiProblem(StatusCodes.Status404NotFound, "No backfill job has this id.")]
    public async Task<IResult> BackfillCancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/backfill/{id}/cancel")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await WithJobAsync(request, id, jobId => backfill.CancelAsync(jobId, cancellationToken));

    /// <summary>
    /// Runs the active backfill's chunks for up to four minutes; its schedule is the cron's (every
    /// minute). Nothing else: each chunk writes its realism facts itself.
    /// </summary>
    [Function(nameof(SyntheticsBackfill))]
    public async Task SyntheticsBackfill([TimerTrigger("%" + Functions.SyntheticsCron.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var pass = await backfill.RunAsync(BackfillService.PassBudget, cancellationToken);
        if (pass.JobId is { } id)
        {
            logger.LogInformation("Backfill pass wrote {Chunks} chunks of job {JobId}; the job is {State}", pass.Chunks, id, pass.State);
        }
    }

    // The job a route's id names: 400 naming id when it is not a UUID, 404 when no job has it.
    private static async Task<IResult> WithJobAsync(HttpRequest request, string id, Func<Guid, Task<BackfillProgress?>> job)
    {
        if (!Guid.TryParse(id, out var jobId))
        {
            return ApiResults.Invalid("id", "Must be a backfill job id (a UUID).");
        }

        return await ApiResults.GuardAsync(request, async () => await job(jobId) is { } found
            ? ApiResults.Ok(View(found))
            : ApiResults.Problem(StatusCodes.Status404NotFound, "No such backfill job.", $"No backfill job has the id {jobId}."));
    }

    internal static BackfillResponse View(BackfillProgress progress)
    {
        var job = progress.Job;
        return new BackfillResponse(
            job.Id, $"/api/synthetics/backfill/{job.Id}", job.State, job.Days, job.PurgeFirst, job.Seed, job.WindowStart, job.WindowEnd, job.Cursor,
            progress.Percent, job.Chunks, job.Rows, progress.TotalRows, progress.RowsPerSecond, progress.EtaSeconds, job.CancelRequested,
            job.CreatedAt, job.StartedAt, job.FinishedAt,
            // A chunk that failed again and again: the text the service composed (the server's
            // words about the statement, or the fixed answer). Any other error: the fixed answer.
            job.Error is null ? null : job.FailedAttempts > 0 ? job.Error : "The backfill failed; the database's owner finds the cause in synthetic_backfills.error.",
            job.FailedAttempts);
    }
}
