using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

public class CalibrationTests
{
    public static TheoryData<string, double, int, double> Presets => new()
    {
        { "light", 1, 3, 600 },
        { "moderate", 2, 5, 1_200 },
        { "heavy", 5, 8, 3_000 },
        { "intense", 10, 15, 6_000 },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Simulated_week_matches_the_seeds_volume_table_within_ten_percent(string preset, double sessionsPerMin, int maxPerRun, double eventsPerHour)
    {
        var settings = EngineSettings.Defaults with { SessionsPerMin = sessionsPerMin, MaxPerRun = maxPerRun };
        var expected = sessionsPerMin * 60 * ExpectedEventsPerSession();

        foreach (var seed in new[] { 11, 22, 33 })
        {
            var simulator = new EngineSimulator(settings, seed);
            var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
            for (var minute = 1; minute <= 7 * 24 * 60; minute++)
            {
                simulator.Tick(start.AddMinutes(minute));
            }

            var measured = simulator.Events / (7.0 * 24);
            Console.WriteLine($"calibration {preset} seed {seed}: {measured:F0} events/hour (table {eventsPerHour}, model {expected:F0})");
            Assert.InRange(measured, eventsPerHour * 0.9, eventsPerHour * 1.1);
            Assert.InRange(measured, expected * 0.9, expected * 1.1);
        }
    }

    /// <summary>
    /// The model's own expectation: one user playing session after session (steady state over
    /// journeys started, completed and abandoned), averaged over many sessions.
    /// </summary>
    internal static double ExpectedEventsPerSession()
    {
        var random = new Random(7);
        var catalog = DefaultCatalog.Catalog;
        var rates = EngineSettings.Defaults.Rates;
        var user = Guid.NewGuid();
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        ActiveInstance? active = null;
        long events = 0;
        const int Sessions = 20_000;
        for (var i = 0; i < Sessions; i++)
        {
            var journey = active is null ? Sampling.Pick(random, catalog.Journeys) : catalog.FindJourney(active.JourneyId)!;
            var state = new SessionState(
                user, Guid.NewGuid(), random.NextInt64(), t, active?.Id ?? Guid.NewGuid(), journey.Id,
                active?.CurrentSceneOrder ?? journey.Scenes[0].Order, active is null, active?.StartedAt ?? t, rates, DateTimeOffset.MinValue, t);
            var plan = SessionPlanner.Plan(state, catalog, Guid.Empty);
            events += plan.Rows.Count(r => r.Row is SceneEventRow);
            var last = plan.Rows.Select(r => r.Row).OfType<InstanceRow>().Last();
            active = last.Status == InstanceStatus.Active
                ? new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt)
                : null;
            t = plan.EndsAt.AddHours(1);
        }

        return events / (double)Sessions;
    }

    [Fact]
    public void A_session_writes_about_ten_scene_events_on_average()
    {
        var perSession = ExpectedEventsPerSession();
        Console.WriteLine($"events per session: {perSession:F3}");
        Assert.InRange(perSession, 9.5, 10.5);
        Assert.InRange(ExpectedVolume.EventsPerSession - perSession, -0.05, 0.05);
    }

    [Theory]
    [InlineData(true, 2, 5, 1.5, 29.4)]
    [InlineData(true, 5, 8, 2.0, 78.4)] // 10 sessions a minute, capped at max_per_run 8
    [InlineData(true, 2, 5, 0, 0)]
    [InlineData(false, 2, 5, 1.5, 0)] // paused
    public void Expected_events_per_minute_is_sessions_times_multiplier_capped_by_max_per_run_times_events_per_session(
        bool enabled, double sessionsPerMin, int maxPerRun, double multiplier, double expected)
    {
        var settings = EngineSettings.Defaults with { Enabled = enabled, SessionsPerMin = sessionsPerMin, MaxPerRun = maxPerRun };

        var perMinute = ExpectedVolume.EventsPerMinute(settings, multiplier);

        Assert.Equal(expected, perMinute, 10);
    }
}
