using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Service;

/// <summary>
/// The realism check on a database the engine filled: a fresh start's steady-state population at
/// the default (moderate) preset, then eight days of cron ticks on a fake clock. Every figure the window has
/// enough data for must pass. (Once the backfill lands, this fills 28 days with it instead.)
/// </summary>
[Collection(PostgresCollection.Name)]
public class RealismServiceTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Eight_days_of_engine_ticks_at_the_default_preset_pass_every_figure_the_window_can_show()
    {
        var start = new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, start);
        await app.ExecuteAsync("UPDATE synthetic_settings SET max_per_run = 200 WHERE id = 1");
        await RealUserRows.InsertAsync(app, start.AddDays(3));
        await RealUserRows.InsertAsync(app, start.AddDays(4), taggedSynthetic: true);
        await app.RunAsync(RunTrigger.Cron);
        for (var tick = 0; tick < 8 * 144; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(10));
            await app.RunAsync(RunTrigger.Cron);
        }

        var check = await app.Provider.GetRequiredService<IRealismService>().CheckAsync(7, CancellationToken.None);

        var report = check.Report!;
        foreach (var f in report.Figures)
        {
            output.WriteLine($"{f.Name,-36} {f.Value,10} target {f.Target,-14} {f.Verdict,-16} n={f.N} {f.Note}");
        }

        Assert.Empty(report.Figures.Where(f => f.Verdict == Verdicts.Fail).Select(f => $"{f.Name} {f.Value} (target {f.Target})"));
        string[] shown =
        [
            RealismFigures.EventsPerHour.Name, RealismFigures.EventsPerSession.Name, RealismFigures.AbandonRate.Name, RealismFigures.ErrorRate.Name,
            RealismFigures.MindblockShare.Name, RealismFigures.LocalHourCorrelation.Name, RealismFigures.WeekdayWeekendRatio.Name, RealismFigures.D1.Name,
            RealismFigures.SessionsOnActiveDay.Name, RealismFigures.MaxSessionsInLocalDay.Name, RealismFigures.ReEnrolment.Name,
            RealismFigures.StatusSteps.Name, RealismFigures.ContractViolations.Name, RealismFigures.TriggersOutsideJourney.Name, RealismFigures.RowsOutOfOrder.Name,
        ];
        Assert.All(shown, name => Assert.Equal(Verdicts.Pass, report[name].Verdict));
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.D30.Name].Verdict);
        Assert.Contains("backfill", report.History);
    }
}
