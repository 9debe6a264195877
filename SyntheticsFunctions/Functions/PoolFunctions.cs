using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Functions;

/// <summary>The sim-user pool and the activity analytics.</summary>
public sealed class PoolFunctions(IPoolService pool, IStatusService status)
{
    public const int MaxPoolSize = 100_000;
    public const int MaxActivityHours = 1080;

    [Function(nameof(SimUsers))]
    [ApiResponse(typeof(PoolPageResponse))]
    [ApiQuery("page", "integer", "Page, from 1.")]
    [ApiQuery("page_size", "integer", "Users per page.")]
    public async Task<IResult> SimUsers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/sim-users")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var fields = new BodyFields(default);
        var page = fields.QueryInteger(request.Query, "page", 1, 1, 1_000_000);
        var pageSize = fields.QueryInteger(request.Query, "page_size", 50, 1, 500);
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var result = await pool.ListAsync(page, pageSize, cancellationToken);
            return ApiResults.Ok(new PoolPageResponse(
                page,
                pageSize,
                result.Total,
                result.Active,
                [
                    .. result.Users.Select(u => new SimUserResponse(
                        u.ProfileId, u.Persona, u.Timezone, u.Retired, u.SessionStartedAt is not null, u.SessionStartedAt,
                        u.ActiveInstanceId is null ? null : new ActiveJourneyResponse(u.ActiveInstanceId, u.ActiveJourney, u.CurrentSceneOrder),
                        u.LastActivityAt, u.Lifecycle, u.SignupAt, u.NextSessionAt)),
                ]));
        });
    }

    [Function(nameof(ResizePool))]
    [ApiResponse(typeof(PoolResizeResponse))]
    [ApiBody(typeof(PoolResizeRequest))]
    public async Task<IResult> ResizePool(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/sim-users")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: true, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown("pool_size");
        var size = fields.Integer("pool_size", 1, MaxPoolSize, required: true);
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var resized = await pool.ResizeAsync(size!.Value, cancellationToken);
            if (resized is null)
            {
                fields.Fail("pool_size", "profiles belongs to the journey app: the pool can only grow through Synthetics:PoolProfileIds.");
                return fields.Rejection();
            }

            return ApiResults.Ok(new PoolResizeResponse(resized.After, resized.Before, resized.Added, resized.Retired, resized.Reactivated));
        });
    }

    [Function(nameof(Activity))]
    [ApiResponse(typeof(ActivityResponse))]
    public async Task<IResult> Activity(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/activity/{hours}")] HttpRequest request,
        string hours,
        CancellationToken cancellationToken)
    {
        if (!BodyFields.TryPlainInteger(hours, out var count) || count is < 1 or > MaxActivityHours)
        {
            return ApiResults.Invalid("hours", $"hours must be an integer from 1 to {MaxActivityHours}.");
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var buckets = await status.GetActivityAsync(count, cancellationToken);
            return ApiResults.Ok(new ActivityResponse(
                count,
                [
                    .. buckets.Select(b => new ActivityHourResponse(
                        b.Hour, b.EventsByType.Values.Sum(), b.EventsByType, b.Sessions, b.JourneysStarted, b.JourneysCompleted,
                        b.JourneysAbandoned, b.Captures, b.ResistanceChecks, b.MindblockEvents)),
                ]));
        });
    }
}
