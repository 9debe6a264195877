namespace SyntheticsFunctions.Engine;

/// <summary>
/// What the engine should be writing right now, so status can show it beside what was written:
/// sessions per minute × the pool's activity multiplier now (capped by max_per_run) × the mean
/// scene events of a session.
/// </summary>
public static class ExpectedVolume
{
    /// <summary>
    /// Mean <c>journey_scene_events</c> rows per session with the default catalog and rates, in the
    /// model's steady state (journeys started, continued, completed and abandoned). The engine
    /// tests measure it over two weeks of the backfill's sessions (9.99 with the 12-journey catalog and each step timed on its own) and keep this within 0.05 of that.
    /// </summary>
    public const double EventsPerSession = 10.0;

    /// <summary>
    /// Steady-state scene events per minute at <paramref name="multiplier"/>: 0 while paused. A
    /// fresh start reaches it only once the first sessions have run their length (a few minutes),
    /// since a session's events are spread over its dwell times.
    /// </summary>
    public static double EventsPerMinute(EngineSettings settings, double multiplier) =>
        settings.Enabled ? Math.Min(settings.SessionsPerMin * multiplier, settings.MaxPerRun) * EventsPerSession : 0;

    /// <summary>
    /// The shortest span back from <paramref name="now"/> over which the pool expects at least
    /// <paramref name="sessions"/> sessions: <paramref name="sessionsPerMin"/> (the pool's own,
    /// after capacity) times its local-hour and weekday curve (<see cref="ActivityCurve.ForPool"/>),
    /// at most max_per_run a minute, summed in 5-minute steps. Null when even
    /// <paramref name="limit"/> expects fewer (a small pool, or a paused engine). Health calls the
    /// engine stale when no session started over this span, so nights and small pools do not flap.
    /// </summary>
    public static TimeSpan? SpanExpecting(double sessions, double sessionsPerMin, int maxPerRun, IReadOnlyList<TimezoneCount> pool, DateTimeOffset now, TimeSpan limit)
    {
        var step = TimeSpan.FromMinutes(5);
        var expected = 0.0;
        for (var span = step; span <= limit; span += step)
        {
            var perMinute = Math.Min(sessionsPerMin * ActivityCurve.ForPool(pool, now - span + step / 2), maxPerRun);
            expected += perMinute * step.TotalMinutes;
            if (expected >= sessions)
            {
                return span;
            }
        }

        return null;
    }
}
