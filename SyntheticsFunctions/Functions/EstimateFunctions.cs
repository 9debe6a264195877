using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Functions;

/// <summary>What settings would cost before they are saved: the Studio asks as its settings form changes.</summary>
public sealed class EstimateFunctions(IEstimateService estimates)
{
    private const string SettingQuery = "A setting to try (the one of the same name in settings/schema, with its range); absent: the one in force.";

    [Function(nameof(Estimate))]
    [ApiResponse(typeof(EstimateResponse))]
    [ApiQuery(SettingDeclarations.Enabled, "boolean", SettingQuery)]
    [ApiQuery(SettingDeclarations.SessionsPerMin, "number", SettingQuery)]
    [ApiQuery(SettingDeclarations.MaxPerRun, "integer", SettingQuery)]
    [ApiQuery(SettingDeclarations.ErrorRate, "number", SettingQuery)]
    [ApiQuery(SettingDeclarations.AbandonRate, "number", SettingQuery)]
    [ApiQuery(SettingDeclarations.MindblockChance, "number", SettingQuery)]
    [ApiQuery(SettingDeclarations.RetainDays, "integer", SettingQuery)]
    [ApiQuery(SettingDeclarations.IdleAbandonDays, "integer", SettingQuery)]
    [ApiQuery(SettingDeclarations.GrowthPercentPer30Days, "number", SettingQuery)]
    [ApiQuery(SettingDeclarations.HolidayDamping, "boolean", SettingQuery)]
    public async Task<IResult> Estimate(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/estimate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var fields = new BodyFields(default);
        fields.RejectUnknownQuery(request.Query, [.. SettingDeclarations.Names]);
        var values = new Dictionary<string, object>();
        foreach (var setting in SettingDeclarations.All)
        {
            if (fields.QuerySetting(request.Query, setting) is { } value)
            {
                values[setting.Name] = value;
            }
        }

        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
            ApiResults.Ok(EstimateResponse.From(await estimates.EstimateAsync(new SettingsPatch(values), cancellationToken))));
    }
}
