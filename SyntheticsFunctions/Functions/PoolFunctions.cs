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
            return ApiResults.Ok(new
            {
                page,
                page_size = pageSize,
                total = result.Total,
                pool_size = result.Active,
                users = result.Users.Select(u => new
                {
                    profile_id = u.ProfileId,
                    persona = u.Persona,
                    timezone = u.Timezone,
                    retired = u.Retired,
                    session_in_progress = u.SessionStartedAt is not null,
                    session_started_at = u.SessionStartedAt,
                    active_journey = u.ActiveInstanceId is null ? null : new { instance_id = u.ActiveInstanceId, journey = u.ActiveJourney, current_scene_order = u.CurrentSceneOrder },
                    last_activity_at = u.LastActivityAt,
                    lifecycle = u.Lifecycle,
                    signup_at = u.SignupAt,
                    next_session_at = u.NextSessionAt,
                }),
            });
        });
    }

    [Function(nameof(ResizePool))]
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

            return ApiResults.Ok(new
            {
                pool_size = resized.After,
                previous_pool_size = resized.Before,
                added = resized.Added,
                retired = resized.Retired,
                reactivated = resized.Reactivated,
            });
        });
    }

    [Function(nameof(Activity))]
    public async Task<IResult> Activity(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/activity/{hours}")] HttpRequest request,
        string hours,
        CancellationToken cancellationToken)
    {
        if (!hours.All(char.IsAsciiDigit) || !int.TryParse(hours, out var count) || count is < 1 or > MaxActivityHours)
        {
            return ApiResults.Invalid("hours", $"hours must be an integer from 1 to {MaxActivityHours}.");
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var buckets = await status.GetActivityAsync(count, cancellationToken);
            return ApiResults.Ok(new
            {
                hours = count,
                buckets = buckets.Select(b => new
                {
                    hour = b.Hour,
                    events = b.EventsByType.Values.Sum(),
                    events_by_type = b.EventsByType,
                    sessions = b.Sessions,
                    journeys_started = b.JourneysStarted,
                    journeys_completed = b.JourneysCompleted,
                    journeys_abandoned = b.JourneysAbandoned,
                    captures = b.Captures,
                    resistance_checks = b.ResistanceChecks,
                    mindblock_events = b.MindblockEvents,
                }),
            });
        });
    }
}
