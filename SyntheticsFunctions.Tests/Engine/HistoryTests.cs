using System.Globalization;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// Ninety days at the defaults (retain_days 90 so the window fits), played by the backfill's own
/// code (engine only, no database) and judged by the realism check's own figures over the last
/// 90, 28 and 7 days, as an analyst slicing the tables by date, cohort and person would. CI plays
/// seed 1; <c>scripts/realism-seeds.sh</c> plays seeds 1-3 (SYNTHETICS_REALISM_SEEDS).
/// </summary>
[LongRunning(310)]
public class HistoryTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private const int Days = 90;

    /// <summary>Figures the rule checks of the writers' SQL feed, which the engine-only run does not keep.</summary>
    private static readonly string[] KeptInSql =
    [
        RealismFigures.TriggersOutsideJourney.Name, RealismFigures.ContractViolations.Name, RealismFigures.RowsOutOfOrder.Name,
    ];

    public static TheoryData<int> Seeds()
    {
        var seeds = Environment.GetEnvironmentVariable("SYNTHETICS_REALISM_SEEDS") is { Length: > 0 } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            : [1];
        var data = new TheoryData<int>();
        foreach (var seed in seeds)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Ninety_days_at_the_defaults_pass_every_figure_over_90_28_and_7_days(int seed)
    {
        var settings = EngineSettings.Defaults with { RetainDays = Days };
        var run = BackfillRun.Play(settings, Start, Days, seed);
        var end = Start.AddDays(Days);

        var failures = new List<string>();
        foreach (var window in new[] { 90, 28, 7 })
        {
            var report = RealismFigures.Compute(run.Facts(end.AddDays(-window), end, settings));
            foreach (var f in report.Figures)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed} days {window}: {f.Name} = {f.Value} ({f.Verdict}, n {f.N}, target {f.Target}){(f.Note is null ? "" : " " + f.Note)}"));
                // not_enough_data only where the figure needs a longer window, or its facts are kept in SQL.
                var definition = RealismFigures.All.Single(d => d.Name == f.Name);
                if (f.Verdict == Verdicts.Fail || (f.Verdict == Verdicts.NotEnoughData && definition.MinWindowDays <= window && !KeptInSql.Contains(f.Name)))
                {
                    failures.Add($"{window} days: {f.Name} {f.Value} {f.Verdict} (target {f.Target}, n {f.N})");
                }
            }
        }

        // People sign up every day, and nobody starts a session right after their last one ended.
        var signupsPerDay = Enumerable.Range(0, Days).Select(d => run.Users.Values.Count(u => u.SignupAt >= Start.AddDays(d) && u.SignupAt < Start.AddDays(d + 1))).ToList();
        output.WriteLine($"seed {seed}: signups a day {signupsPerDay.Min()}-{signupsPerDay.Max()}, living at the end {run.Player.World.Alive}");
        Assert.Empty(failures);
        Assert.True(signupsPerDay.Min() > 0, "a day without signups");
    }
}
