namespace SyntheticsFunctions.Engine;

/// <summary>
/// How active people are by local hour and weekday. Both curves are normalised to a mean of 1,
/// so over a whole week the pool's multiplier averages 1 and the presets' volumes hold; the days
/// (a shared factor per local date with mean 1, holidays, the growth trend) are
/// <see cref="ActivityDays"/>.
/// </summary>
public static class ActivityCurve
{
    // Relative activity by local hour: quiet nights, a morning peak, lunch, and the evening peak.
    private static readonly double[] RawHourly =
    [
        0.25, 0.15, 0.10, 0.10, 0.12, 0.25, 0.55, 1.05, 1.40, 1.30, 1.15, 1.15,
        1.30, 1.25, 1.05, 1.00, 1.05, 1.20, 1.45, 1.65, 1.70, 1.50, 1.05, 0.55,
    ];

    // Monday..Sunday (index by DayOfWeek, Sunday = 0).
    private static readonly double[] RawWeekday = [0.85, 1.05, 1.05, 1.05, 1.05, 1.0, 0.85];

    private static readonly double[] Hourly = Normalise(RawHourly);
    private static readonly double[] Weekday = Normalise(RawWeekday);

    /// <summary>The hourly multipliers, index = local hour (the population model draws users' session times from them).</summary>
    public static IReadOnlyList<double> HourlyWeights => Hourly;

    /// <summary>The weekday multipliers, index = <see cref="DayOfWeek"/> (Sunday = 0).</summary>
    public static IReadOnlyList<double> WeekdayWeights => Weekday;

    /// <summary>A local hour drawn in proportion to the hourly curve.</summary>
    public static int DrawLocalHour(Random random)
    {
        var target = random.NextDouble() * Hourly.Sum();
        for (var hour = 0; hour < Hourly.Length; hour++)
        {
            target -= Hourly[hour];
            if (target <= 0)
            {
                return hour;
            }
        }

        return Hourly.Length - 1;
    }

    /// <summary>The multiplier for someone whose local time is <paramref name="local"/>.</summary>
    public static double At(DateTime local) => Hourly[local.Hour] * Weekday[(int)local.DayOfWeek];

    /// <summary>The multiplier for a user in <paramref name="timezone"/> (IANA id) at <paramref name="utcNow"/>.</summary>
    public static double For(string timezone, DateTimeOffset utcNow) => At(LocalTime(timezone, utcNow));

    /// <summary>The wall-clock time in <paramref name="timezone"/> (IANA id) at <paramref name="utcNow"/>.</summary>
    private static DateTime LocalTime(string timezone, DateTimeOffset utcNow) => TimeZoneInfo.ConvertTime(utcNow, Zones.Find(timezone)).DateTime;

    /// <summary>
    /// The pool's timezone-weighted multiplier: the mean over its users of the hourly × weekday
    /// curve times the factor of their own local date (<see cref="ActivityDays.OfLocalDate"/>: the
    /// day factor and holidays), times the growth trend at <paramref name="utcNow"/>. Without
    /// <paramref name="days"/>, the curves alone (<see cref="ActivityDays.Flat"/>).
    /// </summary>
    public static double ForPool(IReadOnlyList<TimezoneCount> pool, DateTimeOffset utcNow, ActivityDays? days = null)
    {
        days ??= ActivityDays.Flat;
        long total = 0;
        double weighted = 0;
        foreach (var group in pool)
        {
            var local = LocalTime(group.Timezone, utcNow);
            total += group.Users;
            weighted += group.Users * At(local) * days.OfLocalDate(DateOnly.FromDateTime(local));
        }

        return total == 0 ? 0 : weighted / total * days.Trend(utcNow);
    }

    private static double[] Normalise(double[] raw)
    {
        var mean = raw.Average();
        return [.. raw.Select(v => v / mean)];
    }
}

/// <summary>How many pool users live in one timezone.</summary>
public sealed record TimezoneCount(string Timezone, long Users);

/// <summary>Resolves IANA ids once; an unknown id falls back to UTC rather than stopping the engine.</summary>
public static class Zones
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeZoneInfo> Cache = new();

    /// <summary>Whether <paramref name="id"/> is a time zone this machine knows; unknown ids are refused when users are enlisted.</summary>
    public static bool IsKnown(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>The id itself when it is known; otherwise a clear error, so a user is never enlisted in a zone the curve cannot place.</summary>
    public static string Require(string id) => IsKnown(id)
        ? id
        : throw new ArgumentException($"Time zone '{id}' is not known to this machine's time zone data; give an IANA id such as Europe/London.", nameof(id));

    public static TimeZoneInfo Find(string id) => Cache.GetOrAdd(id, static key =>
        TimeZoneInfo.TryFindSystemTimeZoneById(key, out var zone) ? zone : TimeZoneInfo.Utc);

    /// <summary>The local date of <paramref name="at"/> in <paramref name="zone"/>: the day a person's day caps and journey pace count in.</summary>
    public static DateOnly LocalDay(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
}
