namespace SyntheticsFunctions.Engine;

/// <summary>
/// How active a whole day is, on top of the hourly and weekday curves (<see cref="ActivityCurve"/>):
/// <list type="bullet">
/// <item>a factor per calendar date that everyone shares (<see cref="DayFactor"/>), drawn from the
/// installation's seed and the date alone, so cron ticks, backfills and reruns agree on every day:
/// log-normal with mean 1 and <see cref="Sigma"/>;</item>
/// <item>holidays (setting <c>holiday_damping</c>): New Year's Day and Christmas Day damped;</item>
/// <item>a growth trend (setting <c>growth_percent_per_30_days</c>): volume times
/// (1 + g/100)^(days since the recorded history start / 30), 1 while the start is unknown.</item>
/// </list>
/// A date is a person's local date: the pool's multiplier averages each time zone's curve times
/// the factor of that zone's own date (<see cref="ActivityCurve.ForPool"/>).
/// </summary>
/// <param name="Seed">The installation's seed; null (no installation row) draws no day factor, every day's is 1.</param>
/// <param name="HolidayDamping">Whether New Year's Day and Christmas Day are damped.</param>
/// <param name="GrowthPercentPer30Days">The growth trend, percent per 30 days (0: none).</param>
/// <param name="HistoryStart">Where the recorded history begins; the trend counts from here (null: no trend).</param>
public sealed record ActivityDays(long? Seed, bool HolidayDamping, double GrowthPercentPer30Days, DateTimeOffset? HistoryStart)
{
    /// <summary>
    /// The spread of the day factor: the sigma of its log. Calibrated so that, at the default
    /// settings, the same-weekday coefficient of variation of UTC-daily sessions is about 0.08
    /// (a UTC day mixes neighbouring local dates, which narrows the factor's own spread of about
    /// 0.09; Poisson noise alone gives about 0.02). <c>CalibrationTests</c> measures it.
    /// </summary>
    public const double Sigma = 0.09;

    /// <summary>New Year's Day (1 January, local): activity times this.</summary>
    public const double NewYearsDayFactor = 0.6;

    /// <summary>Christmas Day (25 December, local): activity times this.</summary>
    public const double ChristmasDayFactor = 0.5;

    private const ulong Golden = 0x9E3779B97F4A7C15;

    /// <summary>The day factor a date rarely exceeds (about one date in 860): the planning weight's scale.</summary>
    private static readonly double PlanningCap = Math.Exp(3 * Sigma);

    /// <summary>Every day alike: no day factor, no holidays, no trend (the curves alone).</summary>
    public static ActivityDays Flat { get; } = new(null, false, 0, null);

    /// <summary>The days as <paramref name="settings"/> and <paramref name="installation"/> make them.</summary>
    public static ActivityDays Of(EngineSettings settings, Installation installation) =>
        new(installation.HasSeed ? installation.Seed : null, settings.HolidayDamping, settings.GrowthPercentPer30Days, installation.HistoryStart);

    /// <summary>The factor of a local date: its day factor times its holiday damping.</summary>
    public double OfLocalDate(DateOnly date) =>
        (Seed is { } seed ? DayFactor(seed, date) : 1) * (HolidayDamping ? Holiday(date) : 1);

    /// <summary>
    /// How readily people plan a session on a local date, for the population model's thinning of
    /// planned days (<see cref="PopulationModel.AfterSession"/>): the date's factor over the
    /// largest one a date is likely to have (exp(3 <see cref="Sigma"/>) with a seed, 1 without),
    /// at most 1. Without this the people due would not follow the days: a busy date would fill
    /// with signups and the next ones run late, off the hours people planned.
    /// </summary>
    public double PlanningWeight(DateOnly date) => Math.Min(1, OfLocalDate(date) / (Seed is null ? 1 : PlanningCap));

    /// <summary>The growth trend at <paramref name="at"/>: (1 + g/100)^(days since the history start / 30); 1 before it and while it is unknown.</summary>
    public double Trend(DateTimeOffset at) =>
        HistoryStart is { } start && GrowthPercentPer30Days != 0
            ? Math.Pow(1 + (GrowthPercentPer30Days / 100), Math.Max(0, (at - start).TotalDays) / 30)
            : 1;

    /// <summary>
    /// The day factor of <paramref name="date"/> for the installation seeded <paramref name="seed"/>:
    /// exp(<see cref="Sigma"/> z - <see cref="Sigma"/>²/2), mean 1, z a standard normal drawn
    /// (Box-Muller) from a SplitMix64 stream whose start mixes the seed with the date's day
    /// number (never a string's hash code, which changes from process to process): the uniforms
    /// are integer arithmetic, the same on every platform and in every process.
    /// </summary>
    public static double DayFactor(long seed, DateOnly date)
    {
        var state = Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)date.DayNumber));
        var u1 = 1.0 - Uniform(ref state);
        var u2 = Uniform(ref state);
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Exp((Sigma * z) - (Sigma * Sigma / 2));
    }

    /// <summary>The holiday damping of a local date: <see cref="NewYearsDayFactor"/> on 1 January, <see cref="ChristmasDayFactor"/> on 25 December, else 1.</summary>
    public static double Holiday(DateOnly date) => date switch
    {
        { Month: 1, Day: 1 } => NewYearsDayFactor,
        { Month: 12, Day: 25 } => ChristmasDayFactor,
        _ => 1,
    };

    /// <summary>SplitMix64's next output (Steele, Lea and Flood 2014), advancing <paramref name="state"/>.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits of the stream's next output.</summary>
    private static double Uniform(ref ulong state) => (SplitMix64(ref state) >> 11) * (1.0 / (1UL << 53));

    /// <summary>SplitMix64's finaliser: a bijection of 64-bit values that spreads every input bit.</summary>
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
