using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The days (<see cref="ActivityDays"/>): a factor per date from the installation's seed alone,
/// holidays in each person's local calendar, the growth trend from the history's start, and the
/// cron tick's and the backfill's draw both taking them from the installation.
/// </summary>
public class ActivityDaysTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 18, 30, 0, TimeSpan.Zero);

    [Fact]
    public void The_stream_is_splitmix64_as_published()
    {
        // The reference outputs of SplitMix64 seeded 1234567 (Vigna's splitmix64.c).
        ulong state = 1234567;

        var outputs = Enumerable.Range(0, 5).Select(_ => ActivityDays.SplitMix64(ref state)).ToList();

        Assert.Equal([6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL], outputs);
    }

    [Fact]
    public void A_days_factor_depends_on_the_installations_seed_and_the_date_alone()
    {
        var date = new DateOnly(2026, 3, 4);

        Assert.Equal(ActivityDays.DayFactor(42, date), ActivityDays.DayFactor(42, date));
        Assert.NotEqual(ActivityDays.DayFactor(42, date), ActivityDays.DayFactor(43, date));
        Assert.NotEqual(ActivityDays.DayFactor(42, date), ActivityDays.DayFactor(42, date.AddDays(1)));

        // The installation's days, whatever settings and history start: the same factor for that date.
        var installation = new Installation(42, Now.AddDays(-3));
        Assert.Equal(ActivityDays.DayFactor(42, date), ActivityDays.Of(EngineSettings.Defaults, installation).OfLocalDate(date));
        Assert.Equal(1, ActivityDays.Of(EngineSettings.Defaults, Installation.Unknown).OfLocalDate(date));
        Assert.Equal(1, ActivityDays.Of(EngineSettings.Defaults, Installation.Unknown with { HistoryStart = Now }).OfLocalDate(date));
    }

    [Fact]
    public void Over_fifty_five_years_the_factor_has_mean_one_its_log_the_declared_spread_and_neighbouring_days_are_unrelated()
    {
        var first = new DateOnly(2000, 1, 1);
        var factors = Enumerable.Range(0, 20_000).Select(d => ActivityDays.DayFactor(7, first.AddDays(d))).ToList();
        var logs = factors.Select(f => Math.Log(f)).ToList();
        var mean = factors.Average();
        var logMean = logs.Average();
        var logSd = Math.Sqrt(logs.Sum(l => (l - logMean) * (l - logMean)) / (logs.Count - 1));
        var lag1 = Enumerable.Range(1, logs.Count - 1).Sum(i => (logs[i] - logMean) * (logs[i - 1] - logMean)) / logs.Sum(l => (l - logMean) * (l - logMean));

        // Standard errors: mean 0.0006, log sd 0.0005, lag-1 correlation 0.007.
        Assert.InRange(mean, 0.997, 1.003);
        Assert.InRange(logSd, ActivityDays.Sigma - 0.003, ActivityDays.Sigma + 0.003);
        Assert.InRange(lag1, -0.03, 0.03);
    }

    [Fact]
    public void New_years_day_and_christmas_day_are_damped_when_the_setting_is_on()
    {
        var on = new ActivityDays(null, true, 0, null);
        var off = new ActivityDays(null, false, 0, null);

        Assert.Equal(0.6, on.OfLocalDate(new DateOnly(2027, 1, 1)));
        Assert.Equal(0.5, on.OfLocalDate(new DateOnly(2026, 12, 25)));
        Assert.Equal(1, on.OfLocalDate(new DateOnly(2026, 12, 24)));
        Assert.Equal(1, on.OfLocalDate(new DateOnly(2026, 12, 31)));
        Assert.Equal(1, off.OfLocalDate(new DateOnly(2026, 12, 25)));
        Assert.Equal(1, off.OfLocalDate(new DateOnly(2027, 1, 1)));

        // With a seed, the damping multiplies the day's own factor.
        var seeded = new ActivityDays(5, true, 0, null);
        Assert.Equal(ActivityDays.DayFactor(5, new DateOnly(2026, 12, 25)) * 0.5, seeded.OfLocalDate(new DateOnly(2026, 12, 25)));
    }

    [Fact]
    public void The_planning_weight_is_the_dates_factor_over_a_cap_it_rarely_exceeds_and_at_most_one()
    {
        var date = new DateOnly(2026, 3, 4);
        var cap = Math.Exp(3 * ActivityDays.Sigma);
        var seeded = new ActivityDays(5, true, 0, null);

        Assert.Equal(Math.Min(1, ActivityDays.DayFactor(5, date) / cap), seeded.PlanningWeight(date));
        Assert.Equal(ActivityDays.DayFactor(5, new DateOnly(2026, 12, 25)) * 0.5 / cap, seeded.PlanningWeight(new DateOnly(2026, 12, 25)), 15);

        // Without a seed, only holidays weigh: every other date plans as before.
        var unseeded = new ActivityDays(null, true, 0, null);
        Assert.Equal(1, unseeded.PlanningWeight(date));
        Assert.Equal(0.5, unseeded.PlanningWeight(new DateOnly(2026, 12, 25)));
        Assert.Equal(1, ActivityDays.Flat.PlanningWeight(new DateOnly(2026, 12, 25)));

        var first = new DateOnly(2000, 1, 1);
        Assert.InRange(Enumerable.Range(0, 20_000).Count(d => seeded.PlanningWeight(first.AddDays(d)) >= 1), 5, 60); // about 1 in 860
    }

    [Fact]
    public void People_plan_their_next_days_where_the_installations_days_are_busier()
    {
        // Many people after a session at the same moment: where their next sessions fall, over
        // every day alike and over the installation's days (the same draws of people each time).
        var at = new DateTimeOffset(2026, 3, 4, 19, 0, 0, TimeSpan.Zero);
        var days = new ActivityDays(77, false, 0, null);
        var today = new DateOnly(2026, 3, 4);
        Dictionary<DateOnly, int> Planned(ActivityDays? over)
        {
            var people = new Random(2);
            var random = new Random(3);
            var counts = new Dictionary<DateOnly, int>();
            for (var i = 0; i < 40_000; i++)
            {
                var user = PopulationModel.SignUp(Guid.Empty, "Europe/London", at.AddDays(-people.Next(3, 60)), people) with { Lifecycle = Lifecycle.Active, Sessions = 10 };
                if (PopulationModel.AfterSession(user, at, random, over).NextSessionAt is { } next && DateOnly.FromDateTime(next.UtcDateTime) is var date && date > today)
                {
                    counts[date] = counts.GetValueOrDefault(date) + 1;
                }
            }

            return counts;
        }

        var flat = Planned(null);
        var shaped = Planned(days);

        // The next dates with plans enough to measure: each one's share of the plans moves with its factor.
        var dates = flat.Where(d => d.Value >= 1_000).Select(d => d.Key).Order().ToList();
        var ratios = dates.Select(d => shaped.GetValueOrDefault(d) / (double)flat[d]).ToList();
        var factors = dates.Select(days.OfLocalDate).ToList();
        var shown = string.Join(", ", dates.Select((d, i) => FormattableString.Invariant($"{d:MM-dd} factor {factors[i]:F3} plans x{ratios[i]:F3} of {flat[d]}")));
        Assert.True(dates.Count >= 4, shown);
        Assert.True(Correlation(ratios, factors) > 0.8, shown);
    }

    private static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average();
        var cov = x.Select((v, i) => (v - mx) * (y[i] - my)).Sum();
        return cov / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    [Theory]
    [InlineData(10, 60, 1.21)] // (1.1)^2
    [InlineData(10, 15, 1.0488088481701516)] // sqrt(1.1)
    [InlineData(-50, 30, 0.5)]
    [InlineData(200, 90, 27.0)] // 3^3
    [InlineData(0, 90, 1.0)]
    [InlineData(50, -5, 1.0)] // before the history starts: no trend yet
    public void The_trend_compounds_per_30_days_since_the_history_start(double growth, double days, double expected)
    {
        var trend = new ActivityDays(null, false, growth, Now.AddDays(-days));

        Assert.Equal(expected, trend.Trend(Now), 12);
        Assert.Equal(1, new ActivityDays(null, false, growth, null).Trend(Now));
    }

    [Fact]
    public void The_pools_multiplier_averages_each_zones_curve_times_the_factor_of_its_own_local_date()
    {
        // 03:00 UTC on Christmas Day: still the 24th (a Thursday) in New York, the 25th (a Friday) in London.
        var at = new DateTimeOffset(2026, 12, 25, 3, 0, 0, TimeSpan.Zero);
        var pool = new List<TimezoneCount> { new("America/New_York", 3), new("Europe/London", 1) };
        var installation = new Installation(99, at.AddDays(-45));
        var settings = EngineSettings.Defaults with { GrowthPercentPer30Days = 20 };

        var multiplier = ActivityCurve.ForPool(pool, at, ActivityDays.Of(settings, installation));

        var newYork = ActivityCurve.At(new DateTime(2026, 12, 24, 22, 0, 0)) * ActivityDays.DayFactor(99, new DateOnly(2026, 12, 24));
        var london = ActivityCurve.At(new DateTime(2026, 12, 25, 3, 0, 0)) * ActivityDays.DayFactor(99, new DateOnly(2026, 12, 25)) * 0.5;
        var expected = ((3 * newYork) + london) / 4 * Math.Pow(1.2, 1.5);
        Assert.Equal(expected, multiplier, 12);

        // Holidays off: London's day is not damped; no days at all: the curves alone, as before.
        var undamped = ActivityCurve.ForPool(pool, at, ActivityDays.Of(settings with { HolidayDamping = false }, installation));
        Assert.Equal(((3 * newYork) + (london / 0.5)) / 4 * Math.Pow(1.2, 1.5), undamped, 12);
        var curves = ((3 * ActivityCurve.At(new DateTime(2026, 12, 24, 22, 0, 0))) + ActivityCurve.At(new DateTime(2026, 12, 25, 3, 0, 0))) / 4;
        Assert.Equal(curves, ActivityCurve.ForPool(pool, at), 12);
        Assert.Equal(ActivityCurve.ForPool(pool, at), ActivityCurve.ForPool(pool, at, ActivityDays.Flat));
    }

    [Fact]
    public void A_cron_tick_draws_its_sessions_over_the_installations_days()
    {
        var settings = EngineSettings.Defaults with { MaxPerRun = 200, GrowthPercentPer30Days = 100 };
        var pool = new List<TimezoneCount> { new("Europe/London", 40), new("Asia/Kolkata", 20) };
        var installation = new Installation(1234, Now.AddDays(-150));
        var input = new RunInput(
            RunTrigger.Cron, Guid.Parse("00000000-0000-7000-8000-000000000001"), 8, Now, Now.AddMinutes(-10), 0, settings,
            DefaultCatalog.Catalog, [], [], pool, 0, Installation: installation);

        var output = RunPlanner.Plan(input);

        // The run's first draw is its sessions: a Poisson over ten minutes of the pool's multiplier with its days (growth 2^5).
        var mean = settings.SessionsPerMin * 10 * ActivityCurve.ForPool(pool, Now, ActivityDays.Of(settings, installation));
        Assert.Equal(Sampling.Poisson(mean, new Random(SessionPlanner.SeedOf(8))), output.SessionsRequested);
        Assert.Equal(output.SessionsRequested, RunPlanner.DrawSessions(settings, installation, pool, Now.AddMinutes(-10), Now, 0, new Random(SessionPlanner.SeedOf(8))).Requested);
        Assert.InRange(mean / (settings.SessionsPerMin * 10 * ActivityCurve.ForPool(pool, Now)), 32 * 0.7, 32 * 1.4);

        // Without the installation (or before its history starts): no trend, so a fraction of it.
        var unknown = RunPlanner.Plan(input with { Installation = null });
        Assert.InRange(unknown.SessionsRequested, 1, output.SessionsRequested / 10);
    }

    [Fact]
    public void The_backfill_draws_over_its_specs_installation()
    {
        var start = new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
        var settings = EngineSettings.Defaults with { GrowthPercentPer30Days = 100 };
        int Requested(Installation? installation)
        {
            var player = new BackfillPlayer(new BackfillSpec(3, start, start.AddHours(1), settings, BackfillRun.DefaultPoolCap, 0, Installation: installation), DefaultCatalog.Catalog);
            return player.Play(start.AddHours(1)).Hours.Sum(h => h.SessionsRequested);
        }

        // Five doublings since the history started: about 32 times the requests (carried over ones counted again each minute).
        var grown = Requested(new Installation(3, start.AddDays(-150)));
        var flat = Requested(null);
        Assert.InRange(flat, 60, 300);
        Assert.True(grown > 10 * flat, $"grown {grown}, flat {flat}");
    }
}
