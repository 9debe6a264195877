using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Functions;

/// <summary>Anonymous health, at <c>/api/health</c> and beside the seed's generator endpoints at <c>/api/synthetics/health</c>.</summary>
public sealed class HealthFunctions(IStatusService status)
{
    [Function(nameof(Health))]
    [ApiResponse(typeof(HealthResponse))]
    public Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken) => ReportAsync(cancellationToken);

    [Function(nameof(SyntheticsHealth))]
    [ApiResponse(typeof(HealthResponse))]
    public Task<IResult> SyntheticsHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "synthetics/health")] HttpRequest request,
        CancellationToken cancellationToken) => ReportAsync(cancellationToken);

    private async Task<IResult> ReportAsync(CancellationToken cancellationToken)
    {
        var report = await status.GetHealthAsync(cancellationToken);
        var body = new HealthResponse(
            report.Degraded ? "degraded" : report.Healthy ? "healthy" : "unhealthy", AppVersion.Current, report.SchemaVersion, report.Enabled, report.LastSuccessfulRunAt,
            report.LastSuccessfulRunAgeSeconds is { } age ? Math.Round(age, 1) : null, report.Stale, [.. report.Problems, .. report.Warnings ?? []],
            report.MissingRecommendedIndexes, report.Error, PoolCapacityResponse.From(report.Capacity));
        return ApiResults.Json(body, report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
