using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The realism figures on windows shorter than the figures need.</summary>
public class RealismFiguresTests
{
    [Fact]
    public void A_one_day_window_without_a_weekend_day_is_computed_and_the_weekday_ratio_needs_more_days()
    {
        // Monday 2026-11-02: the window holds no weekend day, so the weekend's mean has no day to average.
        var from = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var user = Guid.NewGuid();
        var facts = new RealismFacts(
            from, from.AddDays(1), [new SessionFact(user, from.AddHours(9), Events: 10, ScenesOpened: 2, ScenesCompleted: 2)],
            new Dictionary<Guid, UserFact> { [user] = new(from.AddHours(8), "Europe/London") });

        var report = RealismFigures.Compute(facts);

        Assert.Equal(1, report.Days);
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.WeekdayWeekendRatio.Name].Verdict);
        Assert.Null(report[RealismFigures.WeekdayWeekendRatio.Name].Value);
        Assert.Equal(1, report[RealismFigures.LocalHourCorrelation.Name].N);
        Assert.Equal(RealismFigures.All.Count, report.Figures.Count);
    }

    [Fact]
    public void A_window_limited_to_the_history_held_says_so_and_judges_by_the_days_held()
    {
        var from = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var facts = new RealismFacts(from, from.AddDays(3), [], new Dictionary<Guid, UserFact>()) { AskedDays = 28 };

        var report = RealismFigures.Compute(facts);

        Assert.Equal(28, report.Days);
        Assert.Equal(from, report.From);
        Assert.StartsWith("The tables hold 3 of the 28 days asked for (history since 2026-11-02 00:00 UTC)", report.History, StringComparison.Ordinal);
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.WeekdayWeekendRatio.Name].Verdict);
        Assert.Equal("needs a window of at least 7 days", report[RealismFigures.WeekdayWeekendRatio.Name].Note);
    }
}
