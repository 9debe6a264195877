using System.Globalization;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// What a newcomer's activation check sees after a fresh start: the backfill's own code (the engine
/// alone, no database) from a fresh install's steady-state population at the default settings and
/// pool cap (no pre-roll: a fresh install's first ticks start from the steady state itself), a
/// start at every UTC hour of every weekday.
/// </summary>
[LongRunning(95)]
public class FreshStartTests(ITestOutputHelper output)
{
    /// <summary>Starts per UTC hour.</summary>
    private const int Days = 2;

    [Fact]
    public void A_fresh_start_at_any_hour_gives_the_activation_counts_the_realism_page_states()
    {
        var first3 = new List<long>();
        var first5 = new List<long>();
        var next5 = new List<long>();
        var hourly = new List<(int Hour, double First5, double Next5, double Expected5)>();
        // Monday 2026-03-02 to Sunday 2026-03-08: every weekday factor.
        var monday = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        // Each UTC hour on two weekdays, which rotate so that every weekday is in; each start warms
        // a year-long population up first, as a fresh install does, so the starts are few.
        var starts = Enumerable.Range(0, 24 * Days).Select(i => (Hour: i % 24, Start: monday.AddDays(((i % 24) + (i / 24 * 3)) % 7).AddHours(i % 24))).ToList();
        var counts = new (long First3, long First5, long Next5, double Expected5)[starts.Count];
        var populations = new (int People, int Zones)[starts.Count];
        Parallel.For(0, starts.Count, i =>
        {
            var start = starts[i].Start;
            var player = new BackfillPlayer(new BackfillSpec(i + 1, start, start.AddMinutes(10), EngineSettings.Defaults, BackfillRun.DefaultPoolCap, 0, PreRollDays: 0), DefaultCatalog.Catalog);
            var pool = player.World.Pool;
            populations[i] = (player.World.Alive, pool.Count);
            var events = player.Play(start.AddMinutes(10)).Batch.Events;
            long Until(int minute) => events.Count(e => e.CreatedAt <= start.AddMinutes(minute));
            counts[i] = (Until(3), Until(5), Until(10) - Until(5), 5 * ExpectedVolume.EventsPerMinute(EngineSettings.Defaults, ActivityCurve.ForPool(pool, start)));
        });

        for (var hour = 0; hour < 24; hour++)
        {
            var ofHour = Enumerable.Range(0, starts.Count).Where(i => starts[i].Hour == hour).Select(i => counts[i]).ToList();
            hourly.Add((hour, ofHour.Average(c => c.First5), ofHour.Average(c => c.Next5), ofHour.Average(c => c.Expected5)));
        }

        first3.AddRange(counts.Select(c => c.First3));
        first5.AddRange(counts.Select(c => c.First5));
        next5.AddRange(counts.Select(c => c.Next5));

        foreach (var (hour, a, b, expected) in hourly)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hour:00}:00 UTC  first 5 min {a,6:F1}  minutes 6-10 {b,6:F1}  steady state (5 x expected/min) {expected,6:F1}"));
        }

        output.WriteLine(Summary("first 3 minutes", first3).Text);
        output.WriteLine(Summary("first 5 minutes", first5).Text);
        output.WriteLine(Summary("minutes 6-10", next5).Text);
        // The hour's shape is the pool's steady-state rate: two starts an hour are too few for their own means to show it.
        var low = hourly.MinBy(h => h.Expected5);
        var high = hourly.MaxBy(h => h.Expected5);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady state over 5 min: {low.Expected5:F1} at {low.Hour:00}:00 to {high.Expected5:F1} at {high.Hour:00}:00"));
        var people = Summary("", [.. populations.Select(p => (long)p.People)]).Range;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fresh install's population at the defaults: p5 {people.P5}, median {people.Median}, p95 {people.P95} people in {populations.Min(p => p.Zones)}-{populations.Max(p => p.Zones)} time zones; mean lifetime sessions {PopulationModel.MeanLifetimeSessions:F1}"));

        // docs/realism.md's activation section states these figures; both change together.
        Assert.Equal((11L, 27L, 48L), Summary("", first3).Range);
        Assert.Equal((30L, 61L, 97L), Summary("", first5).Range);
        Assert.Equal((51L, 101L, 154L), Summary("", next5).Range);
        Assert.Equal((5, 73, 18, 131), (low.Hour, (int)Math.Round(low.Expected5), high.Hour, (int)Math.Round(high.Expected5)));
        // Line breaks in the page are wrapping only.
        var page = string.Join(' ', File.ReadAllText(Path.Combine(LocalHost.LocalHostTests.RepoRoot(), "docs", "realism.md")).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("11-48 events after 3 minutes (median 27)", page, StringComparison.Ordinal);
        Assert.Contains("30-97 after 5 minutes (median 61)", page, StringComparison.Ordinal);
        Assert.Contains("51-154 (median 101)", page, StringComparison.Ordinal);
        Assert.Contains("from 73 (a start at 05:00 UTC:", page, StringComparison.Ordinal);
        Assert.Contains("to 131 (18:00 UTC:", page, StringComparison.Ordinal);
    }

    /// <summary>The 5th percentile, median and 95th percentile, and a line for the test's output.</summary>
    private static ((long P5, long Median, long P95) Range, string Text) Summary(string label, List<long> counts)
    {
        var sorted = counts.Order().ToList();
        long At(double q) => sorted[(int)Math.Round(q * (sorted.Count - 1))];
        return ((At(0.05), At(0.5), At(0.95)), string.Create(CultureInfo.InvariantCulture, $"{label}: n {sorted.Count}, min {sorted[0]}, p5 {At(0.05)}, median {At(0.5)}, mean {sorted.Average():F1}, p95 {At(0.95)}, max {sorted[^1]}"));
    }
}
