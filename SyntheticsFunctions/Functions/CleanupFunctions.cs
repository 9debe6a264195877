using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Functions;

/// <summary>Cleanup on demand, the daily retention timer (same code path) and purge.</summary>
public sealed class CleanupFunctions(ICleanupService cleanup, ILogger<CleanupFunctions> logger)
{
    public const string RetentionScheduleSetting = "RetentionSchedule";
    public const string PurgeConfirmation = "purge all synthetic data";

    [Function(nameof(Cleanup))]
    [ApiResponse(typeof(CleanupResponse))]
    [ApiBody(typeof(CleanupRequest), required: false)]
    public async Task<IResult> Cleanup(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/cleanup")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: false, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown(SettingDeclarations.RetainDays);
        var retainDays = (int?)fields.Setting(SettingDeclarations.Get(SettingDeclarations.RetainDays));
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
            ApiResults.Ok(View(await cleanup.CleanupAsync(retainDays, "cleanup", cancellationToken))));
    }

    /// <summary>Daily retention (04:00 UTC by default); switch off with <c>AzureWebJobs.Retention.Disabled</c>.</summary>
    [Function(nameof(Retention))]
    public async Task Retention([TimerTrigger("%" + RetentionScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await cleanup.CleanupAsync(null, "retention", cancellationToken);
        logger.LogInformation("Retention pass {CleanupId} done", result.Id);
    }

    [Function(nameof(Purge))]
    [ApiResponse(typeof(PurgeResponse))]
    [ApiBody(typeof(PurgeRequest))]
    public async Task<IResult> Purge(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/purge")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: true, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown("confirm");
        var confirm = fields.Text("confirm", required: true);
        if (!fields.HasErrors && confirm != PurgeConfirmation)
        {
            fields.Fail("confirm", $"Type exactly \"{PurgeConfirmation}\".");
        }

        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var purge = await cleanup.PurgeAsync(cancellationToken);
            return ApiResults.Ok(new PurgeResponse(View(purge.Result), purge.SimUsers, purge.Profiles, purge.Pool.Members, purge.PoolNote));
        });
    }

    private static CleanupResponse View(CleanupResult result) => new(
        result.Id, result.Kind, result.Cutoff, result.RowsDeleted, result.TotalRows, result.Transactions, result.MaxRowsPerTransaction);
}
