using System.Globalization;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// What a newcomer's activation check sees after a fresh start: the engine alone (no database),
/// default settings, the seeded pool's time zones, a start at every UTC hour of every weekday.
/// </summary>
public class FreshStartTests(ITestOutputHelper output)
{
    private const int Seeds = 10;

    [Fact]
    public void A_fresh_start_at_any_hour_gives_the_activation_counts_the_readme_states()
    {
        var first3 = new List<long>();
        var first5 = new List<long>();
        var next5 = new List<long>();
        var hourly = new List<(int Hour, double First5, double Next5, double Expected5)>();
        // Monday 2026-03-02 to Sunday 2026-03-08: every weekday factor.
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        var pool = Enumerable.Range(0, 200).Select(i => Seeder.Timezones[i % Seeder.Timezones.Length])
            .GroupBy(z => z).Select(g => new TimezoneCount(g.Key, g.Count())).ToList();
        for (var hour = 0; hour < 24; hour++)
        {
            var (a, b, expected) = (0L, 0L, 0.0);
            for (var day = 0; day < 7; day++)
            {
                var start = monday.AddDays(day).AddHours(hour);
                expected += 5 * ExpectedVolume.EventsPerMinute(EngineSettings.Defaults, ActivityCurve.ForPool(pool, start));
                for (var seed = 1; seed <= Seeds; seed++)
                {
                    var simulator = new EngineSimulator(EngineSettings.Defaults, seed * 100 + hour, timezones: Seeder.Timezones);
                    for (var minute = 1; minute <= 5; minute++)
                    {
                        simulator.Tick(start.AddMinutes(minute));
                        if (minute == 3)
                        {
                            first3.Add(simulator.Events);
                        }
                    }

                    var atFive = simulator.Events;
                    for (var minute = 6; minute <= 10; minute++)
                    {
                        simulator.Tick(start.AddMinutes(minute));
                    }

                    first5.Add(atFive);
                    next5.Add(simulator.Events - atFive);
                    a += atFive;
                    b += simulator.Events - atFive;
                }
            }

            hourly.Add((hour, a / (7.0 * Seeds), b / (7.0 * Seeds), expected / 7));
        }

        foreach (var (hour, a, b, expected) in hourly)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hour:00}:00 UTC  first 5 min {a,6:F1}  minutes 6-10 {b,6:F1}  steady state (5 x expected/min) {expected,6:F1}"));
        }

        output.WriteLine(Summary("first 3 minutes", first3).Text);
        output.WriteLine(Summary("first 5 minutes", first5).Text);
        output.WriteLine(Summary("minutes 6-10", next5).Text);
        var low = hourly.MinBy(h => h.First5);
        var high = hourly.MaxBy(h => h.First5);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hourly mean, first 5 min: {low.First5:F1} at {low.Hour:00}:00 to {high.First5:F1} at {high.Hour:00}:00"));

        // The README's activation section states these figures; both change together.
        Assert.Equal((8L, 27L, 51L), Summary("", first3).Range);
        Assert.Equal((27L, 60L, 102L), Summary("", first5).Range);
        Assert.Equal((54L, 105L, 164L), Summary("", next5).Range);
        Assert.Equal((7, 38, 21, 79), (low.Hour, (int)Math.Round(low.First5), high.Hour, (int)Math.Round(high.First5)));
        // Line breaks in the README are wrapping only.
        var readme = string.Join(' ', File.ReadAllText(Path.Combine(LocalHost.LocalHostTests.RepoRoot(), "README.md")).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("8-51 events after 3 minutes (median 27)", readme, StringComparison.Ordinal);
        Assert.Contains("27-102 after 5 minutes (median 60)", readme, StringComparison.Ordinal);
        Assert.Contains("54-164 (median 105)", readme, StringComparison.Ordinal);
        Assert.Contains("from 38 (a start at 07:00 UTC:", readme, StringComparison.Ordinal);
        Assert.Contains("to 79 (21:00 UTC:", readme, StringComparison.Ordinal);
    }

    /// <summary>The 5th percentile, median and 95th percentile, and a line for the test's output.</summary>
    private static ((long P5, long Median, long P95) Range, string Text) Summary(string label, List<long> counts)
    {
        var sorted = counts.Order().ToList();
        long At(double q) => sorted[(int)Math.Round(q * (sorted.Count - 1))];
        return ((At(0.05), At(0.5), At(0.95)), string.Create(CultureInfo.InvariantCulture, $"{label}: n {sorted.Count}, min {sorted[0]}, p5 {At(0.05)}, median {At(0.5)}, mean {sorted.Average():F1}, p95 {At(0.95)}, max {sorted[^1]}"));
    }
}
