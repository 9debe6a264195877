using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Functions;

/// <summary>The realism self-check: whether the synthetic rows read like people, figure by figure.</summary>
public sealed class RealismFunctions(IRealismService realism)
{
    [Function(nameof(Realism))]
    [ApiResponse(typeof(RealismResponse))]
    [ApiQuery("days", "integer", "The window, the last N days: 1 to retain_days, default 28 (or retain_days if shorter).")]
    public async Task<IResult> Realism(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/realism")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        // The range in force is 1 to retain_days: any bad window is answered once the setting is read.
        var days = BodyFields.QueryIntegerInRangeInForce(request.Query, "days");
        return await ApiResults.GuardAsync(request, async () =>
        {
            var check = await realism.CheckAsync(days, cancellationToken);
            if (check.Report is not { } report)
            {
                return ApiResults.Invalid("days", $"days must be an integer from 1 to {check.RetainDays} (retain_days: older rows are not kept).");
            }

            return ApiResults.Ok(new RealismResponse(
                report.From,
                report.To,
                report.Days,
                report.Figures.Count(f => f.Verdict == Engine.Realism.Verdicts.Pass),
                report.Figures.Count(f => f.Verdict == Engine.Realism.Verdicts.Fail),
                report.Figures.Count(f => f.Verdict == Engine.Realism.Verdicts.NotEnoughData),
                report.History,
                [.. report.Figures.Select(f => new RealismFigureResponse(f.Name, f.Meaning, f.Value, f.Min, f.Max, f.Target, f.Verdict, f.N, f.SampleUnit, f.Note))],
                [.. report.Cohorts.Select(c => new CohortResponse(c.WeekStart, c.Users, c.Retention))],
                [.. report.SessionsPerUser.Select(b => new SessionsBucketResponse(b.Sessions, b.Users))]));
        });
    }
}
