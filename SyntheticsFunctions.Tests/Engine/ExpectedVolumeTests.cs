using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The span health waits over before calling the engine stale.</summary>
public class ExpectedVolumeTests
{
    private static readonly IReadOnlyList<TimezoneCount> Utc = [new("Etc/UTC", 100)];

    // A Wednesday: 19:00-20:00 UTC is the evening peak (above 1), 03:00-04:00 the night's trough.
    private static readonly DateTimeOffset EveningPeak = new(2026, 11, 4, 19, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Night = new(2026, 11, 4, 3, 30, 0, TimeSpan.Zero);

    [Fact]
    public void At_the_evening_peak_two_sessions_a_minute_expect_ten_within_the_first_five_minutes()
    {
        Assert.True(ActivityCurve.For("Etc/UTC", EveningPeak) > 1);
        Assert.Equal(TimeSpan.FromMinutes(5), ExpectedVolume.SpanExpecting(10, 2, 5, Utc, EveningPeak, TimeSpan.FromDays(2)));
    }

    [Fact]
    public void At_night_the_span_reaches_back_into_the_evening_so_quiet_hours_do_not_flap()
    {
        // 03:30 back to about 22:00 expects fewer than ten at two a minute only if the night is near zero; the span is hours, not minutes.
        var span = ExpectedVolume.SpanExpecting(10, 2, 5, Utc, Night, TimeSpan.FromDays(2))!.Value;

        Assert.InRange(span, TimeSpan.FromMinutes(15), TimeSpan.FromHours(3));
        Assert.True(span > ExpectedVolume.SpanExpecting(10, 2, 5, Utc, EveningPeak, TimeSpan.FromDays(2))!.Value);
    }

    [Fact]
    public void A_pool_that_expects_fewer_than_ten_sessions_in_two_days_is_never_stale_for_sessions()
    {
        // 0.003 a minute is 8.6 over two days at a multiplier of 1.
        Assert.Null(ExpectedVolume.SpanExpecting(10, 0.003, 5, Utc, EveningPeak, TimeSpan.FromDays(2)));
    }

    [Fact]
    public void Max_per_run_bounds_each_minute()
    {
        // A thousand a minute, but at most one a tick: ten minutes, in whole five-minute steps.
        Assert.Equal(TimeSpan.FromMinutes(10), ExpectedVolume.SpanExpecting(10, 1000, 1, Utc, EveningPeak, TimeSpan.FromDays(2)));
    }
}
