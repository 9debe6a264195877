using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The population model against published health and fitness app figures, measured as an analyst
/// would from sessions alone: 70 simulated days at the moderate preset, figures over days 15-70.
/// </summary>
public class PopulationTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(11)]
    [InlineData(22)]
    [InlineData(33)]
    public void Seventy_days_at_moderate_read_like_a_real_apps_users(int seed)
    {
        var simulator = new PopulationSimulator(sessionsPerMin: 2, seed);
        simulator.WarmUp(Start);
        simulator.Run(Start, days: 70);

        var figures = PopulationFigures.Measure(simulator.Sessions, simulator.Users, Start);
        var signupsPerDay = Enumerable.Range(15, 55).Select(d => simulator.Sessions.Count(s => s.At.Date == Start.AddDays(d).Date && simulator.Users[s.User].SignupAt == s.At)).ToList();
        var backlog = simulator.Backlog(Start.AddDays(70));
        output.WriteLine($"seed {seed}: {figures}; signups a day {signupsPerDay.Min()}-{signupsPerDay.Max()} (mean {signupsPerDay.Average():F0}); backlog at the end {backlog.TotalMinutes:F0} min; mean lifetime sessions {PopulationModel.MeanLifetimeSessions:F1}; users at the end {simulator.Users.Values.Count(u => u.Lifecycle != Lifecycle.Churned)}");

        Assert.True(figures.D1Cohort >= 1000 && figures.D30Cohort >= 1000, $"cohorts too small: {figures}");
        Assert.InRange(figures.D1, 0.25, 0.45);
        Assert.InRange(figures.D7, 0.12, 0.25);
        Assert.InRange(figures.D30, 0.05, 0.15);
        Assert.InRange(figures.DauOverMau, 0.10, 0.30);
        Assert.InRange(figures.Gini, 0.40, 0.70);
        Assert.True(figures.Top10Share >= 0.30, $"top 10% hold {figures.Top10Share:P0}");
        Assert.InRange(figures.MedianSessionsOnActiveDay, 1, 2);
        Assert.True(figures.ReturnAfterLapse >= 0.05, $"{figures.ReturnAfterLapse:P1} return after a lapse");
        Assert.True(figures.MaxSessionsInADay <= PopulationModel.MaxSessionsPerDay);
        Assert.InRange(figures.SessionsPerDay, 2 * 1440 * 0.9, 2 * 1440 * 1.1);

        // The pool's local hours follow the configured curve, and its weekdays the configured ratio.
        var (correlation, weekdayRatio) = LocalShape(simulator.Sessions.Where(s => s.At >= Start.AddDays(15)), simulator.Users);
        var configuredRatio = ActivityCurve.WeekdayWeights.Where((_, d) => d is not 0 and not 6).Average() / ((ActivityCurve.WeekdayWeights[0] + ActivityCurve.WeekdayWeights[6]) / 2);
        output.WriteLine($"local-hour correlation {correlation:F3}; weekday/weekend {weekdayRatio:F3} (configured {configuredRatio:F3})");
        Assert.True(correlation >= 0.9, $"local-hour correlation {correlation:F3}");
        Assert.InRange(weekdayRatio / configuredRatio, 0.95, 1.05);

        // People join every day, and planned sessions are served within hours at the busiest
        // moments: the population neither outgrows the volume nor dies out.
        Assert.True(signupsPerDay.Min() >= signupsPerDay.Average() / 3, $"signups a day {signupsPerDay.Min()}-{signupsPerDay.Max()}");
        Assert.True(backlog < TimeSpan.FromHours(3), $"planned sessions {backlog.TotalMinutes:F0} minutes late");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(22)]
    [InlineData(33)]
    public void Journeys_take_days_lose_most_at_the_first_scenes_and_are_rarely_repeated(int seed)
    {
        // The moderate preset's rates through the live planner, at a quarter of its volume (each
        // person's journeys do not depend on how many people there are), in 10-minute ticks.
        var settings = EngineSettings.Defaults with { SessionsPerMin = 0.5, MaxPerRun = 100 };
        var population = new PopulationPlayer(settings.SessionsPerMin, new Random(seed));
        population.WarmUp(Start, TimeSpan.FromMinutes(5));
        var simulator = new EngineSimulator(settings, seed, poolSize: 0) { SignUps = true };
        simulator.Enlist(population.Alive());
        for (var now = Start.AddMinutes(10); now <= Start.AddDays(70); now = now.AddMinutes(10))
        {
            simulator.Tick(now);
        }

        var figures = JourneyFigures.Measure(simulator.Instances.Values, simulator.FurthestScene, Start, DefaultCatalog.Catalog);
        output.WriteLine($"seed {seed}: {figures}; {simulator.IdleAbandoned} abandoned idle");

        Assert.True(figures.Enrolments >= 1000, $"{figures.Enrolments} enrolments");
        Assert.InRange(figures.Completion, 0.20, 0.50);
        Assert.InRange(figures.MedianDaysToComplete, 3, 21);
        Assert.True(figures.ReEnrolment <= 0.05, $"re-enrolment {figures.ReEnrolment:P1}");
        Assert.True(figures.Drop1To2 > figures.Drop4To5, $"funnel drops {figures.Drop1To2:P1} at 1->2, {figures.Drop4To5:P1} at 4->5");
        Assert.True(simulator.IdleAbandoned > 0);
    }

    [Fact]
    public void Users_active_in_week_1_and_week_4_resist_less_and_hurt_less_and_statuses_move_one_step_at_a_time()
    {
        var simulator = new PopulationSimulator(sessionsPerMin: 2, seed: 44);
        simulator.WarmUp(Start);
        simulator.Run(Start, days: 50);
        var random = new Random(44);

        // Each session's checks and signals drawn as the session planner draws them, around the model's means.
        var byUser = simulator.Sessions.GroupBy(s => s.User).Select(g => g.OrderBy(s => s.At).ToList())
            .Where(s => simulator.Users[s[0].User].SignupAt == s[0].At && (s[0].At - Start).TotalDays < 21).ToList();
        var week1 = new List<double>();
        var week4 = new List<double>();
        var intensity1 = new List<double>();
        var intensity4 = new List<double>();
        foreach (var sessions in byUser)
        {
            var signup = sessions[0].At;
            var first = sessions.Where(s => (s.At - signup).TotalDays < 7).ToList();
            var fourth = sessions.Where(s => (s.At - signup).TotalDays is >= 21 and < 28).ToList();
            if (first.Count == 0 || fourth.Count == 0)
            {
                continue;
            }

            week1.Add(first.Average(s => PopulationModel.MeanResistance(s.Progress)));
            week4.Add(fourth.Average(s => PopulationModel.MeanResistance(s.Progress)));
            intensity1.Add(first.Average(s => PopulationModel.MeanIntensity(s.Progress)));
            intensity4.Add(fourth.Average(s => PopulationModel.MeanIntensity(s.Progress)));
        }

        var statuses = new List<int>();
        foreach (var sessions in byUser.Where(s => s.Count >= 5).Take(300))
        {
            statuses.AddRange(sessions.Select(s => Rank(Content.MindblockStatusFor((int)Math.Clamp(Math.Round(PopulationModel.MeanIntensity(s.Progress) + (1.4 * Sampling.Normal(random))), 1, 10)))));
            statuses.Add(-1);
        }

        var steps = statuses.Zip(statuses.Skip(1)).Where(p => p.First >= 0 && p.Second >= 0).Select(p => Math.Abs(p.Second - p.First)).ToList();
        output.WriteLine($"{week1.Count} users in both weeks: resistance {week1.Average():F2} -> {week4.Average():F2}, intensity {intensity1.Average():F2} -> {intensity4.Average():F2}; {steps.Count(s => s <= 1) / (double)steps.Count:P1} of {steps.Count} transitions move at most one step, {steps.Count(s => s > 0) / (double)steps.Count:P1} move");

        Assert.True(week1.Count >= 300, $"{week1.Count} users active in both weeks");
        Assert.True(week1.Average() - week4.Average() >= 1.0, $"resistance {week1.Average():F2} -> {week4.Average():F2}");
        Assert.True(intensity1.Average() > intensity4.Average());
        Assert.True(steps.Count(s => s <= 1) >= 0.9 * steps.Count);

        static int Rank(string status) => status switch { "struggling" => 0, "working_on_it" => 1, _ => 2 };
    }

    /// <summary>
    /// The correlation of sessions per local hour with the configured hourly curve, and sessions
    /// per local weekday over sessions per local weekend day.
    /// </summary>
    private static (double Correlation, double WeekdayRatio) LocalShape(IEnumerable<(Guid User, DateTimeOffset At, double Progress)> sessions, IReadOnlyDictionary<Guid, UserState> users)
    {
        var hours = new double[24];
        var weekday = new double[7];
        var days = new HashSet<DateOnly>[7];
        for (var d = 0; d < 7; d++)
        {
            days[d] = [];
        }

        foreach (var session in sessions)
        {
            var local = TimeZoneInfo.ConvertTime(session.At, Zones.Find(users[session.User].Timezone)).DateTime;
            hours[local.Hour]++;
            weekday[(int)local.DayOfWeek]++;
            days[(int)local.DayOfWeek].Add(DateOnly.FromDateTime(local));
        }

        var curve = ActivityCurve.HourlyWeights;
        double mx = hours.Average(), my = curve.Average();
        var cov = hours.Select((x, i) => (x - mx) * (curve[i] - my)).Sum();
        var correlation = cov / Math.Sqrt(hours.Sum(x => (x - mx) * (x - mx)) * curve.Sum(y => (y - my) * (y - my)));
        double PerDay(int d) => weekday[d] / days[d].Count;
        var ratio = Enumerable.Range(1, 5).Average(PerDay) / ((PerDay(0) + PerDay(6)) / 2);
        return (correlation, ratio);
    }

    [Fact]
    public void The_same_seed_gives_the_same_population()
    {
        var a = new PopulationSimulator(2, 5);
        var b = new PopulationSimulator(2, 5);
        a.Run(Start, 3);
        b.Run(Start, 3);

        Assert.Equal(a.Sessions, b.Sessions);
        Assert.Equal(a.Users.Values.OrderBy(u => u.ProfileId), b.Users.Values.OrderBy(u => u.ProfileId));
    }
}

/// <summary>Retention and engagement figures from sessions (user, start), with the definitions: the realism check's own (<see cref="RealismFigures"/>), over days 15-70.</summary>
internal sealed record PopulationFigures(
    double D1, int D1Cohort, double D7, double D30, int D30Cohort, double DauOverMau, double Gini, double Top10Share,
    double MedianSessionsOnActiveDay, int MaxSessionsInADay, double ReturnAfterLapse, double SessionsPerDay)
{
    public override string ToString() =>
        $"D1 {D1:P1} ({D1Cohort} users), D7 {D7:P1}, D30 {D30:P1} ({D30Cohort}), DAU/MAU {DauOverMau:F2}, Gini {Gini:F2}, top10% {Top10Share:P0}, " +
        $"median sessions/active day {MedianSessionsOnActiveDay}, max/day {MaxSessionsInADay}, return after lapse {ReturnAfterLapse:P1}, sessions/day {SessionsPerDay:F0}";

    public static PopulationFigures Measure(IReadOnlyList<(Guid User, DateTimeOffset At, double Progress)> sessions, IReadOnlyDictionary<Guid, UserState> users, DateTimeOffset start)
    {
        var report = RealismFigures.Compute(new RealismFacts(
            start.AddDays(15), start.AddDays(70),
            [.. sessions.Select(s => new SessionFact(s.User, s.At))],
            users.ToDictionary(u => u.Key, u => new UserFact(u.Value.SignupAt, u.Value.Timezone))));
        double Value(FigureDefinition figure) => report[figure.Name].Value ?? 0;
        int N(FigureDefinition figure) => (int)report[figure.Name].N;

        return new PopulationFigures(
            Value(RealismFigures.D1), N(RealismFigures.D1), Value(RealismFigures.D7), Value(RealismFigures.D30), N(RealismFigures.D30),
            Value(RealismFigures.DauMau), Value(RealismFigures.Gini), Value(RealismFigures.Top10Share),
            Value(RealismFigures.SessionsOnActiveDay), (int)Value(RealismFigures.MaxSessionsInLocalDay), Value(RealismFigures.ReturnAfterLapse),
            sessions.Count(s => s.At >= start.AddDays(15) && s.At < start.AddDays(70)) / 55.0);
    }
}

/// <summary>Journey figures from instances, with the definitions.</summary>
internal sealed record JourneyFigures(int Enrolments, double Completion, double MedianDaysToComplete, double ReEnrolment, double Drop1To2, double Drop4To5)
{
    public override string ToString() =>
        $"{Enrolments} enrolments by day 42: {Completion:P1} complete in a median {MedianDaysToComplete:F1} days; re-enrolment {ReEnrolment:P1}; funnel drop 1->2 {Drop1To2:P1}, 4->5 {Drop4To5:P1}";

    /// <summary>
    /// Enrolments started on days 15-42 (at least 28 days before the end of 70): the share that
    /// completed and the median days to complete; re-enrolments (a journey the user had an
    /// instance of before) among enrolments on days 15-70; the share of instances that reached
    /// scene k but not k+1.
    /// </summary>
    public static JourneyFigures Measure(IEnumerable<InstanceRow> instances, IReadOnlyDictionary<Guid, int> furthest, DateTimeOffset start, Catalog catalog)
    {
        int DayOf(DateTimeOffset at) => (int)Math.Floor((at - start).TotalDays);
        var all = instances.OrderBy(i => i.StartedAt).ThenBy(i => i.Id).ToList();
        var cohort = all.Where(i => DayOf(i.StartedAt) is >= 15 and <= 42).ToList();
        var completed = cohort.Where(i => i.Status == InstanceStatus.Completed).Select(i => (i.CompletedAt!.Value - i.StartedAt).TotalDays).Order().ToList();

        var seen = new HashSet<(Guid, Guid)>();
        int enrolments = 0, again = 0;
        foreach (var instance in all)
        {
            var repeat = !seen.Add((instance.UserId, instance.JourneyId));
            if (DayOf(instance.StartedAt) is >= 15 and < 70)
            {
                enrolments++;
                again += repeat ? 1 : 0;
            }
        }

        double Drop(int from)
        {
            var reached = cohort.Count(i => furthest.GetValueOrDefault(i.Id, -1) >= from - 1);
            var next = cohort.Count(i => furthest.GetValueOrDefault(i.Id, -1) >= from);
            return reached == 0 ? 0 : 1 - ((double)next / reached);
        }

        return new JourneyFigures(
            cohort.Count, (double)completed.Count / cohort.Count, completed.Count == 0 ? 0 : completed[completed.Count / 2],
            (double)again / enrolments, Drop(1), Drop(4));
    }
}
