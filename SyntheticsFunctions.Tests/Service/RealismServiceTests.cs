using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Service;

/// <summary>
/// The realism check on a database the backfill filled: 28 days at the light preset, with real
/// users' rows present (some even tagged synthetic) and ignored. The first check after the
/// backfill reads what the chunks wrote; every figure the window has enough data for must pass,
/// but those the engine does not meet yet (<see cref="NotYetMet"/>).
/// </summary>
[LongRunning(225)]
public class RealismServiceTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Figures the engine's backfills do not meet yet, which the check finds: none now (the last,
    /// same_weekday_cv, 0.023 with every day alike, passes since the day factor: issue 24, item 3).
    /// Such a figure may fail here; once it passes, the test fails until it is taken off this list.
    /// </summary>
    private static readonly string[] NotYetMet = [];

    [Fact]
    public async Task Twenty_eight_backfilled_days_at_the_light_preset_pass_every_figure_the_window_can_show()
    {
        await using var app = await BackfilledAsync(28, "enabled = false, sessions_per_min = 1, max_per_run = 3");
        await RealUserRows.InsertAsync(app, Now.AddDays(-20));
        await RealUserRows.InsertAsync(app, Now.AddDays(-10), taggedSynthetic: true);
        await app.ExecuteAsync("UPDATE synthetic_settings SET retain_days = 28 WHERE id = 1");
        var realism = app.Provider.GetRequiredService<IRealismService>();

        // The writers kept the facts: every session the backfill wrote is there, and the check only reads.
        Assert.Equal(
            await app.CountAsync("SELECT count(DISTINCT event_payload->>'session_id') FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)"),
            await app.CountAsync("SELECT count(DISTINCT session_id) FROM synthetic_realism_pieces"));
        var checks = await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks");

        var check = await realism.CheckAsync(28, CancellationToken.None);

        Assert.Equal(checks, await app.CountAsync("SELECT count(*) FROM synthetic_realism_checks"));
        var report = check.Report!;
        foreach (var f in report.Figures)
        {
            output.WriteLine($"{f.Name,-36} {f.Value,10} target {f.Target,-14} {f.Verdict,-16} n={f.N} {f.Note}");
        }

        AssertPassesButNotYetMet(report);
        string[] shown =
        [
            RealismFigures.EventsPerHour.Name, RealismFigures.EventsPerSession.Name, RealismFigures.AbandonRate.Name, RealismFigures.ErrorRate.Name,
            RealismFigures.MindblockShare.Name, RealismFigures.LocalHourCorrelation.Name, RealismFigures.WeekdayWeekendRatio.Name, RealismFigures.D1.Name,
            RealismFigures.SessionsOnActiveDay.Name, RealismFigures.MaxSessionsInLocalDay.Name, RealismFigures.ReEnrolment.Name,
            RealismFigures.D7.Name, RealismFigures.DauMau.Name, RealismFigures.Gini.Name, RealismFigures.Top10Share.Name,
            RealismFigures.StatusSteps.Name, RealismFigures.ContractViolations.Name, RealismFigures.TriggersOutsideJourney.Name, RealismFigures.RowsOutOfOrder.Name,
        ];
        Assert.All(shown, name => Assert.Equal(Verdicts.Pass, report[name].Verdict));
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.D30.Name].Verdict);
    }

    [Fact]
    public async Task After_a_seven_day_backfill_the_default_window_judges_only_the_seven_days_the_tables_hold()
    {
        // A fresh install at the defaults (moderate, the default pool cap), 7 days backfilled, then
        // the default 28-day check: computed on the 7 days held; what needs more says so, none fails.
        await using var app = await BackfilledAsync(7, "enabled = false");
        // The history begins with the backfill's first session, in its first minutes.
        var historyStart = (await app.Provider.GetRequiredService<RealismStore>().HistoryStartAsync(CancellationToken.None))!.Value;
        Assert.InRange(historyStart, Now.AddDays(-7), Now.AddDays(-7).AddMinutes(10));

        var check = await app.Provider.GetRequiredService<IRealismService>().CheckAsync(null, CancellationToken.None);

        var report = check.Report!;
        foreach (var f in report.Figures)
        {
            output.WriteLine($"{f.Name,-36} {f.Value,10} target {f.Target,-14} {f.Verdict,-16} n={f.N} {f.Note}");
        }

        Assert.Equal(RealismService.DefaultDays, check.Days);
        Assert.Equal(RealismService.DefaultDays, report.Days);
        Assert.Equal(historyStart, report.From);
        AssertPassesButNotYetMet(report);
        Assert.All(
            RealismFigures.All.Where(d => d.MinWindowDays > 7),
            d => Assert.True(report[d.Name].Verdict == Verdicts.NotEnoughData, $"{d.Name} needs {d.MinWindowDays} days: {report[d.Name].Verdict}"));
        Assert.Equal(Verdicts.Pass, report[RealismFigures.EventsPerHour.Name].Verdict);
        Assert.Equal(Verdicts.Pass, report[RealismFigures.D1.Name].Verdict);
        Assert.All(report.Cohorts, c => Assert.True(c.WeekStart >= historyStart, $"a cohort from {c.WeekStart} begins before the history"));
        Assert.Contains("The tables hold 7 of the 28 days asked for", report.History, StringComparison.Ordinal);
    }

    // No figure fails but those the engine does not meet yet, and none of those passes (then it comes off the list).
    private static void AssertPassesButNotYetMet(RealismReport report)
    {
        Assert.Empty(report.Figures.Where(f => f.Verdict == Verdicts.Fail && !NotYetMet.Contains(f.Name)).Select(f => $"{f.Name} {f.Value} (target {f.Target})"));
        Assert.Empty(NotYetMet.Where(name => report[name].Verdict == Verdicts.Pass).Select(name => $"{name} passes now: take it off NotYetMet"));
    }

    // A fresh install at the default pool cap, the settings given, then a backfill of the last days (seeded by them) run to the end.
    private async Task<TestApp> BackfilledAsync(int days, string settings)
    {
        var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, Now);
        await app.ExecuteAsync($"UPDATE synthetic_settings SET {settings} WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(days, purgeFirst: true, CancellationToken.None, seed: days)).Job);
        Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        return app;
    }
}
