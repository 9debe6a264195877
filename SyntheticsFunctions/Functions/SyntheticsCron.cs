using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Functions;

/// <summary>The engine's cron tick. Its schedule is the <c>SyntheticsCronSchedule</c> app setting (every minute).</summary>
public sealed class SyntheticsCron(IRunService runs, ILogger<SyntheticsCron> logger)
{
    public const string ScheduleSetting = "SyntheticsCronSchedule";

    [Function(nameof(SyntheticsCron))]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (timer.IsPastDue)
        {
            logger.LogInformation("Cron tick is past due; its window covers the time missed (at most {Minutes} minutes)", RunPlanner.MaxCatchUpMinutes);
        }

        var outcome = await runs.RunAsync(RunTrigger.Cron, 0, cancellationToken);
        switch (outcome.Status)
        {
            case RunStatus.Skipped when outcome.Result?.Skipped == RunSkip.Paused:
                logger.LogInformation("Synthetics engine is paused; cron tick did nothing");
                break;
            case RunStatus.Skipped when outcome.Result?.Skipped == RunSkip.Backfill:
                logger.LogInformation("A backfill is queued or running; cron tick did nothing (its last chunk writes where the next tick continues)");
                break;
            case RunStatus.SchemaIncompatible:
                logger.LogError("Cron tick did nothing: the schema is incompatible ({Problems})", string.Join("; ", outcome.Problems));
                break;
        }
    }
}
