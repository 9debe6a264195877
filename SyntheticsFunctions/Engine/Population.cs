namespace SyntheticsFunctions.Engine;

/// <summary>Where a sim user is in their life with the app.</summary>
public enum Lifecycle
{
    /// <summary>In their first week.</summary>
    New,

    /// <summary>Coming back within days.</summary>
    Active,

    /// <summary>Next session planned 7 to 13 days after the last.</summary>
    Lapsing,

    /// <summary>Next session planned 14 days or more after the last.</summary>
    Lapsed,

    /// <summary>In the week after coming back from a lapse.</summary>
    Returning,

    /// <summary>Gone: no session planned; retired at once where the engine adds people (<see cref="PopulationModel.RetireBefore"/>).</summary>
    Churned,
}

/// <summary>
/// Whether the pool can carry the settings: the members the model needs at steady state
/// (<see cref="PopulationModel.PeopleNeeded"/>), the members the pool has or may grow to, and the
/// sessions a minute to expect from them (all of the configured volume where they are enough).
/// </summary>
public sealed record PoolCapacity(int Needed, long Available, double ExpectedSessionsPerMin)
{
    public bool Short => Available < Needed;

    /// <summary>Whether the pool may grow to <see cref="Available"/> (its cap) rather than holding that many now.</summary>
    public bool Growable { get; init; }

    /// <summary>A pool carries the whole volume while it holds (or may grow to) the people needed; otherwise volume gives way in proportion: nobody comes more often because the pool is full.</summary>
    public static PoolCapacity For(EngineSettings settings, long available, bool growable)
    {
        var rate = settings.SessionsPerMin;
        var needed = PopulationModel.PeopleNeeded(rate, growable ? 0 : settings.RetainDays);
        var expected = needed <= available || needed == 0 ? rate : rate * available / needed;
        return new(needed, available, expected) { Growable = growable };
    }
}

/// <summary>
/// A persona's parameters: how engaged, when in the day, how prone to lapse; and what makes its
/// name true (<see cref="Realism.PersonaClaims"/>): how much likelier a local weekend day is
/// planned (<paramref name="WeekendFactor"/>, times the weekday curve's weekend weight), the chance of
/// another session the same day (times <paramref name="SameDayFactor"/>), and rotating shifts (half
/// of the sessions <paramref name="RotatingShiftHours"/> earlier or later than the person's hours).
/// </summary>
public sealed record Persona(
    string Name, double Engagement, double ChronotypeShiftHours, double ShiftSpreadHours, double LapseChance,
    double WeekendFactor = 1, double SameDayFactor = 1, double RotatingShiftHours = 0);

/// <summary>What is drawn once for a user when they sign up.</summary>
public sealed record UserTraits(string Persona, double Engagement, double ChronotypeShiftHours);

/// <summary>One sim user's behaviour state, as the engine keeps it between sessions.</summary>
public sealed record UserState(
    Guid ProfileId,
    string Timezone,
    DateTimeOffset SignupAt,
    UserTraits Traits,
    Lifecycle Lifecycle,
    DateTimeOffset? NextSessionAt,
    DateTimeOffset? LastSessionAt,
    DateOnly? Day,
    int SessionsThatDay,
    int Sessions,
    double Progress = 0);

/// <summary>
/// The population model: people sign up, come back on some days and not others, lapse, return and
/// mostly leave, each at their own pace. Pure: every draw comes from the caller's seeded Random.
/// <para>
/// After each session the model plans the user's next one: another later the same local day
/// (more likely the more engaged, at most <see cref="MaxSessionsPerDay"/>), or, at the end of an
/// active day, churn (likeliest in the first days, less likely the more engaged), a lapse of 14
/// days or more (heavy-tailed), or the next active day after a geometric gap whose daily chance falls with tenure
/// and rises with engagement. The time of day comes from the activity curve shifted by the
/// user's chronotype.
/// </para>
/// </summary>
public static class PopulationModel
{
    /// <summary>No one has more sessions than this in a local day.</summary>
    public const int MaxSessionsPerDay = 12;

    /// <summary>Engagement is log-normal with this sigma around the persona's median: a heavy tail of devoted users.</summary>
    public const double EngagementSigma = 0.9;

    /// <summary>
    /// The personas. Each name makes a claim (<see cref="Realism.PersonaClaims.All"/>) its
    /// parameters make true: the early bird's hours earliest, the night owl's latest, the weekend
    /// warrior's weekend days likeliest, the steady habit builder the most engaged and least prone
    /// to lapse, the lapsed returner the likeliest to lapse, the busy parent the least likely to
    /// come back the same day, the shift worker's hours the most spread (rotating shifts); the
    /// anxious achiever's resistance starts highest (<see cref="Outcomes.Personas"/>).
    /// </summary>
    public static IReadOnlyList<Persona> Personas { get; } =
    [
        new("early_bird_planner", 1.1, -1.5, 0.5, 0.06),
        new("night_owl", 1.0, 1.5, 0.5, 0.08),
        new("weekend_warrior", 0.8, 0.0, 0.8, 0.10, WeekendFactor: 2.0),
        new("steady_habit_builder", 1.6, 0.0, 0.5, 0.04),
        new("lapsed_returner", 0.7, 0.0, 0.8, 0.25),
        new("anxious_achiever", 1.3, 0.0, 0.5, 0.06),
        new("busy_parent", 0.8, 0.5, 0.5, 0.10, SameDayFactor: 0.4),
        new("shift_worker", 0.9, 0.0, 1.0, 0.10, RotatingShiftHours: 4),
    ];

    private static readonly Dictionary<string, Persona> PersonaByName = Personas.ToDictionary(p => p.Name);

    /// <summary>The persona named <paramref name="name"/>; the first where the name is unknown.</summary>
    public static Persona PersonaOf(string? name) => name is not null && PersonaByName.TryGetValue(name, out var p) ? p : Personas[0];

    public static UserTraits DrawTraits(Random random, string? persona = null)
    {
        var p = persona is null ? Sampling.Pick(random, Personas) : Personas.FirstOrDefault(x => x.Name == persona) ?? Sampling.Pick(random, Personas);
        var engagement = p.Engagement * Math.Exp(EngagementSigma * Sampling.Normal(random));
        var shift = Math.Clamp(p.ChronotypeShiftHours + (p.ShiftSpreadHours * Sampling.Normal(random)), -8, 8);
        return new UserTraits(p.Name, Math.Round(engagement, 4), Math.Round(shift, 2));
    }

    /// <summary>A new user, signing up with their first session at <paramref name="at"/>.</summary>
    public static UserState SignUp(Guid profileId, string timezone, DateTimeOffset at, Random random, string? persona = null) =>
        new(profileId, timezone, at, DrawTraits(random, persona), Lifecycle.New, at, null, null, 0, 0);

    /// <summary>
    /// How long after signing up someone opens their first session: most look around first (a
    /// log-normal of median <see cref="Onboarding.MedianMinutes"/> minutes, seconds to hours, at most
    /// <see cref="Onboarding.MaxHours"/> hours); <see cref="Onboarding.StraightInShare"/> go straight
    /// in, within a second.
    /// </summary>
    public static TimeSpan OnboardingDelay(Random random) =>
        random.NextDouble() < Onboarding.StraightInShare
            ? TimeSpan.FromSeconds(Onboarding.StraightInMinSeconds + ((1 - Onboarding.StraightInMinSeconds) * random.NextDouble()))
            : TimeSpan.FromMinutes(Math.Min(Onboarding.MaxHours * 60, Sampling.LogNormal(random, Onboarding.MedianMinutes, Onboarding.Sigma)));

    /// <summary>
    /// The onboarding delay of a member whose profile someone else created (a pool the app owns):
    /// drawn as <see cref="OnboardingDelay(Random)"/> from a seed of their id, so every run, the
    /// claim and the session's start agree on it.
    /// </summary>
    public static TimeSpan OnboardingDelay(Guid profileId) => OnboardingDelay(new Random(profileId.GetHashCode()));

    /// <summary>The onboarding delay's calibration (<see cref="OnboardingDelay(Random)"/>).</summary>
    public static class Onboarding
    {
        /// <summary>The share who open their first session within a second of signing up ...</summary>
        public const double StraightInShare = 0.1;

        /// <summary>... at least this many seconds after.</summary>
        public const double StraightInMinSeconds = 0.2;

        /// <summary>The others: a log-normal delay of this median, in minutes ...</summary>
        public const double MedianMinutes = 4;

        /// <summary>... and shape (a heavy tail: a tenth wait more than half an hour) ...</summary>
        public const double Sigma = 1.8;

        /// <summary>... at most this many hours.</summary>
        public const double MaxHours = 12;
    }

    /// <summary>
    /// The state after a session that started at <paramref name="sessionAt"/>: the next session
    /// planned, the lifecycle updated. With <paramref name="days"/>, the planned day is thinned by
    /// its activity too (<see cref="ActivityDays.PlanningWeight"/>), so the people due each day
    /// follow the volume the day factor draws.
    /// </summary>
    public static UserState AfterSession(UserState user, DateTimeOffset sessionAt, Random random, ActivityDays? days = null)
    {
        var zone = Zones.Find(user.Timezone);
        var day = Zones.LocalDay(sessionAt, zone);
        var sessionsThatDay = user.Day == day ? user.SessionsThatDay + 1 : 1;
        var tenureDays = (sessionAt - user.SignupAt).TotalDays;
        var returning = user.Lifecycle == Lifecycle.Lapsed || (user.Lifecycle == Lifecycle.Returning && user.LastSessionAt is { } last && (sessionAt - last).TotalDays < 7);
        var e = user.Traits.Engagement;

        // Behaviour change: each session moves the user along (faster the more engaged); a
        // return after 14 days or more away finds them partly regressed.
        var progress = user.LastSessionAt is { } previous && (sessionAt - previous).TotalDays >= Rates.RegressionAfterDays ? user.Progress * Rates.ProgressKeptAfterRegression : user.Progress;
        // Each at the pace of their persona and response type (Outcomes): some relapse, some never move.
        progress = Outcomes.Advance(user, progress, Rates.ProgressStep * Math.Pow(e, Rates.ProgressEngagementPower));
        var after = user with { LastSessionAt = sessionAt, Day = day, SessionsThatDay = sessionsThatDay, Sessions = user.Sessions + 1, Progress = Math.Round(progress, 4) };

        // Another session later the same local day.
        var persona = PersonaOf(user.Traits.Persona);
        var again = Math.Min(Rates.SameDayMax, Rates.SameDay * persona.SameDayFactor * Math.Pow(e, Rates.SameDayEngagementPower));
        if (sessionsThatDay < MaxSessionsPerDay && random.NextDouble() < again)
        {
            // Later the same local day, at an hour drawn from the user's own curve.
            var next = TimeOfDay(user, day, zone, random);
            if (next >= sessionAt.AddMinutes(Rates.SameDayMinGapMinutes) && Zones.LocalDay(next, zone) == day)
            {
                return after with { NextSessionAt = next, Lifecycle = Label(tenureDays, returning, 0) };
            }
        }

        // The day is over for them: do they leave?
        var churn = Rates.ChurnAtTenure(tenureDays) / Math.Sqrt(e);
        if (random.NextDouble() < Math.Min(Rates.ChurnMax, churn))
        {
            return after with { NextSessionAt = null, Lifecycle = Lifecycle.Churned };
        }

        var lapse = random.NextDouble() < persona.LapseChance * (tenureDays < Rates.EarlyLapseDays ? Rates.EarlyLapseFactor : 1);
        var daily = DailyReturn(user, tenureDays);

        var gapDays = GapDays(persona, day, random, days, () => lapse ? Rates.LapseDays(random) : 1 + Sampling.Geometric(random, daily));
        var nextDay = day.AddDays(gapDays);
        return after with
        {
            NextSessionAt = TimeOfDay(user, nextDay, zone, random),
            Lifecycle = Label(tenureDays + gapDays, returning && gapDays < 7, gapDays),
        };
    }

    /// <summary>
    /// Someone whose planned session is more than <see cref="MaxWait"/> behind <paramref name="now"/>
    /// (a quiet day drew fewer sessions than people planned): they missed their moment and come
    /// back on a later day, at an hour of their own curve, as after a day's last session (no
    /// lapse, no churn). Their session is never served hours late, off their hours.
    /// </summary>
    public static DateTimeOffset Missed(UserState user, DateTimeOffset now, Random random, ActivityDays? days = null)
    {
        var zone = Zones.Find(user.Timezone);
        var day = Zones.LocalDay(user.NextSessionAt ?? now, zone);
        var tenureDays = (now - user.SignupAt).TotalDays;
        var daily = DailyReturn(user, tenureDays);
        while (true)
        {
            day = day.AddDays(GapDays(PersonaOf(user.Traits.Persona), day, random, days, () => 1 + Sampling.Geometric(random, daily)));
            var next = TimeOfDay(user, day, zone, random);
            if (next > now)
            {
                return next;
            }
        }
    }

    /// <summary>The daily chance of coming back, by tenure and engagement.</summary>
    private static double DailyReturn(UserState user, double tenureDays) =>
        Math.Clamp(Rates.ReturnAtTenure(tenureDays) * Math.Pow(user.Traits.Engagement, Rates.ReturnEngagementPower), Rates.ReturnMin, Rates.ReturnMax);

    /// <summary>
    /// A gap in days from <paramref name="day"/>, drawn by <paramref name="draw"/>. Fewer people open
    /// the app on the quieter days of the week (and on quieter dates): a gap that lands on a quiet
    /// day is drawn again with the chance the weekday curve times the date's planning weight (to
    /// the power <see cref="WeekdayThinning"/>) says, so the moved days spread over the week rather
    /// than piling onto the next one. The weekday curve is the persona's own
    /// (<see cref="PlanningWeekdayWeights"/>): a weekend warrior's weekends are its busiest days.
    /// </summary>
    private static int GapDays(Persona persona, DateOnly day, Random random, ActivityDays? days, Func<int> draw)
    {
        var weekdays = PlanningWeekdays[persona.Name];
        int gapDays;
        var tries = 0;
        do
        {
            gapDays = draw();
        }
        while (++tries < Rates.QuietDayRedraws && random.NextDouble() > Math.Pow(weekdays[(int)day.AddDays(gapDays).DayOfWeek] * (days?.PlanningWeight(day.AddDays(gapDays)) ?? 1), WeekdayThinning));

        return gapDays;
    }

    /// <summary>
    /// How readily a persona plans each weekday (index = <see cref="DayOfWeek"/>), at most 1: the
    /// weekday curve with its weekend days times the persona's <see cref="Persona.WeekendFactor"/>,
    /// over its largest day.
    /// </summary>
    public static IReadOnlyList<double> PlanningWeekdayWeights(Persona persona)
    {
        var weights = ActivityCurve.WeekdayWeights.Select((w, d) => w * ((DayOfWeek)d is DayOfWeek.Saturday or DayOfWeek.Sunday ? persona.WeekendFactor : 1)).ToList();
        var max = weights.Max();
        return [.. weights.Select(w => w / max)];
    }

    private static readonly Dictionary<string, double[]> PlanningWeekdays = Personas.ToDictionary(p => p.Name, p => PlanningWeekdayWeights(p).ToArray());

    /// <summary>
    /// The calibration of <see cref="AfterSession"/>, in one place: what a session does to a user's
    /// progress, and the chances of another session the same day, of leaving, of lapsing and of
    /// returning the next days, by tenure and engagement (e, a trait near 1). Tuned so that the
    /// realism figures (retention, DAU/MAU, concentration, behaviour change) fall in their targets.
    /// </summary>
    public static class Rates
    {
        /// <summary>A return after this many days or more away finds the user partly regressed ...</summary>
        public const double RegressionAfterDays = 14;

        /// <summary>... keeping this share of their progress.</summary>
        public const double ProgressKeptAfterRegression = 0.6;

        /// <summary>Each session closes this share of the remaining way (times e to <see cref="ProgressEngagementPower"/>, times the person's pace: <see cref="Outcomes.Advance"/>), at most <see cref="ProgressStepMax"/>.</summary>
        public const double ProgressStep = 0.07;

        public const double ProgressEngagementPower = 0.3;

        public const double ProgressStepMax = 0.2;

        /// <summary>The chance of another session the same local day (times e to <see cref="SameDayEngagementPower"/>), at most <see cref="SameDayMax"/>, at least this many minutes later.</summary>
        public const double SameDay = 0.18;

        public const double SameDayEngagementPower = 0.6;

        public const double SameDayMax = 0.55;

        public const int SameDayMinGapMinutes = 30;

        /// <summary>The chance of leaving after a day's last session (divided by the square root of e), at most this.</summary>
        public const double ChurnMax = 0.9;

        /// <summary>The chance of lapsing (a persona's) is this factor of itself in the first days.</summary>
        public const double EarlyLapseFactor = 0.3;

        public const double EarlyLapseDays = 3;

        /// <summary>A lapse lasts at least this many days ...</summary>
        public const int LapseMinDays = 14;

        /// <summary>
        /// ... plus a stretch from one of two log-normals: a short lapse (this share, about a week
        /// more) or a long one (about two months more, a heavy tail): returns after three weeks, a
        /// month, six weeks, two months and more all happen, with no wall below ten years.
        /// </summary>
        public const double ShortLapseShare = 0.5;

        public const double ShortLapseMedianDays = 8;

        public const double ShortLapseSigma = 0.6;

        public const double LongLapseMedianDays = 60;

        public const double LongLapseSigma = 1.0;

        /// <summary>How long a lapse lasts, in whole days.</summary>
        public static int LapseDays(Random random)
        {
            var stretch = random.NextDouble() < ShortLapseShare
                ? Sampling.LogNormal(random, ShortLapseMedianDays, ShortLapseSigma)
                : Sampling.LogNormal(random, LongLapseMedianDays, LongLapseSigma);
            return LapseMinDays + (int)Math.Min(3650, Math.Round(stretch));
        }

        /// <summary>The daily chance of returning (times e to <see cref="ReturnEngagementPower"/>) is kept between these.</summary>
        public const double ReturnEngagementPower = 0.7;

        public const double ReturnMin = 0.02;

        public const double ReturnMax = 0.95;

        /// <summary>How many times a gap landing on a quiet weekday is drawn again at most.</summary>
        public const int QuietDayRedraws = 10;

        /// <summary>The chance of leaving after a day's last session at this tenure (days since signup), before engagement.</summary>
        public static double ChurnAtTenure(double tenureDays) => tenureDays switch
        {
            < 1 => 0.42,
            < 7 => 0.09,
            < 30 => 0.02,
            < 60 => 0.03,
            _ => 0.05,
        };

        /// <summary>The daily chance of returning at this tenure, before engagement.</summary>
        public static double ReturnAtTenure(double tenureDays) => tenureDays switch
        {
            < 2 => 0.62,
            < 7 => 0.42,
            _ => 0.38,
        };
    }

    /// <summary>How far a user with this progress (0 to 1) has come: their mean resistance level on the 0-10 scale.</summary>
    public static double MeanResistance(double progress) => 7.0 - (6.0 * progress);

    /// <summary>Their mean mindblock intensity on the 1-10 scale.</summary>
    public static double MeanIntensity(double progress) => 8.0 - (5.5 * progress);

    /// <summary>
    /// A moment on <paramref name="day"/> (the user's local date) drawn from the activity curve,
    /// shifted by the user's chronotype; on rotating shifts (<see cref="Persona.RotatingShiftHours"/>),
    /// half of the moments an early or a late shift's hours away.
    /// </summary>
    public static DateTimeOffset TimeOfDay(UserState user, DateOnly day, TimeZoneInfo zone, Random random)
    {
        var hour = ActivityCurve.DrawLocalHour(random);
        var shifted = hour + random.NextDouble() + user.Traits.ChronotypeShiftHours;
        var rotation = PersonaOf(user.Traits.Persona).RotatingShiftHours;
        if (rotation > 0)
        {
            shifted += rotation * (random.Next(4) switch { 0 => -1, 1 => 1, _ => 0 });
        }

        // A shift past midnight lands early the next day (or late the day before), not piled on the day's edge.
        var local = day.ToDateTime(TimeOnly.MinValue).AddHours(shifted);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static Lifecycle Label(double tenureDays, bool returning, int gapDays) => gapDays switch
    {
        >= 14 => Lifecycle.Lapsed,
        >= 7 => Lifecycle.Lapsing,
        _ when returning => Lifecycle.Returning,
        _ when tenureDays < 7 => Lifecycle.New,
        _ => Lifecycle.Active,
    };

    /// <summary>
    /// The mean number of sessions a user has in their whole life with the app, under this model
    /// (computed once, from a fixed seed). One session in this many is a signup, so the population
    /// neither dies out nor outgrows the volume.
    /// </summary>
    public static double MeanLifetimeSessions => Lifetime.Value.Sessions;

    /// <summary>The mean number of days from a user's signup to their last session, under this model (measured with <see cref="MeanLifetimeSessions"/>).</summary>
    public static double MeanLifetimeDays => Lifetime.Value.Days;

    // Measured on first use (a run or a warm-up), not whenever anything reads the personas.
    private static readonly Lazy<(double Sessions, double Days)> Lifetime = new(MeasureLifetime);

    /// <summary>
    /// How many pool members the settings need at steady state: people sign up at
    /// <paramref name="sessionsPerMin"/> / <see cref="MeanLifetimeSessions"/> a minute and each
    /// holds a place in the pool from signup until their last session,
    /// <see cref="MeanLifetimeDays"/> on average, and <paramref name="heldAfterChurnDays"/> more
    /// (Little's law): the living where the engine adds people (the churned retire at once), the
    /// living and the recently churned on a pool it cannot grow (a member's place comes back
    /// <c>retain_days</c> after their last session). A pool smaller than this cannot carry the
    /// configured volume.
    /// </summary>
    public static int PeopleNeeded(double sessionsPerMin, int heldAfterChurnDays = 0)
    {
        var signupsPerDay = sessionsPerMin * 1440 / MeanLifetimeSessions;
        return (int)Math.Ceiling(signupsPerDay * (MeanLifetimeDays + heldAfterChurnDays));
    }

    /// <summary>
    /// Churned people whose last session is before this retire at <paramref name="now"/>: at once
    /// where the engine adds people (the cap counts the living, and a person who left never comes
    /// back), <paramref name="retainDays"/> later on a pool it cannot grow, whose members' places
    /// come back to it then.
    /// </summary>
    public static DateTimeOffset RetireBefore(DateTimeOffset now, int retainDays, PoolGrowth growth) =>
        growth == PoolGrowth.Fixed ? now.AddDays(-retainDays) : now;

    /// <summary>The power of the weekday curve by which planned days are thinned (see <see cref="AfterSession"/>).</summary>
    public const double WeekdayThinning = 2.5;

    /// <summary>How far ahead of plan a session may be brought where people may still join instead.</summary>
    public static readonly TimeSpan MaxBringForward = TimeSpan.FromHours(1);

    /// <summary>How late a planned session may run before signups give way to the users who are due.</summary>
    public static readonly TimeSpan MaxLateness = TimeSpan.FromMinutes(10);

    /// <summary>How late a planned session may run before its person has missed it and comes back another day (<see cref="Missed"/>).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Who starts the <paramref name="draw"/> sessions of this moment, from users in the order of
    /// their next planned session (the churned, with none, last). Each session is a signup with
    /// chance 1 / <see cref="MeanLifetimeSessions"/> where new users may join
    /// (<paramref name="canSignUp"/>; none while planned sessions run more than
    /// <see cref="MaxLateness"/> late), so the population stays at the size the volume keeps busy;
    /// the due take the rest. Where fewer are due, the next planned come forward (with
    /// <paramref name="fillIn"/>), the churned last of all, and new users only when there is no one
    /// at all: volume always wins, without growing the population past what the volume sustains.
    /// Storage claims the same order with an indexed query. With <paramref name="bringForward"/>
    /// off (a pool that cannot grow), nobody comes before their own plan.
    /// </summary>
    public static (IReadOnlyList<UserState> Starting, int SignUps) Pick(
        IEnumerable<UserState> byNextSession, DateTimeOffset now, int draw, bool canSignUp, Random random, bool fillIn = true, bool bringForward = true)
    {
        var ordered = byNextSession as IReadOnlyList<UserState> ?? [.. byNextSession];
        var signUps = 0;
        if (canSignUp)
        {
            var share = 1.0 / MeanLifetimeSessions;
            for (var i = 0; i < draw; i++)
            {
                signUps += random.NextDouble() < share ? 1 : 0;
            }
        }

        // Bringing someone forward never gives them more than a day's fill, and where people
        // may join, nobody is brought forward more than MaxBringForward: newcomers fill the rest,
        // so sessions keep to the hours people planned them for.
        var starting = fillIn
            ? ordered.Where(u => u.NextSessionAt <= now || (bringForward && !AtDayCap(u, now) && (!canSignUp || u.NextSessionAt <= now + MaxBringForward))).Take(draw - signUps).ToList()
            : ordered.TakeWhile(u => u.NextSessionAt <= now).Take(draw - signUps).ToList();
        if (fillIn && canSignUp && !(ordered.Count > 0 && ordered[0].NextSessionAt < now - MaxLateness))
        {
            signUps = draw - starting.Count;
        }

        return (starting, signUps);
    }

    /// <summary>A day's fill already: another session brought forward today would make more than <see cref="MaxSessionsPerDay"/>.</summary>
    private static bool AtDayCap(UserState user, DateTimeOffset now) =>
        user.SessionsThatDay >= MaxSessionsPerDay
        && user.Day == Zones.LocalDay(now, Zones.Find(user.Timezone));

    private static (double Sessions, double Days) MeasureLifetime()
    {
        var random = new Random(20261130);
        const int Users = 20_000;
        long sessions = 0;
        double days = 0;
        var start = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Users; i++)
        {
            var user = SignUp(Guid.Empty, "UTC", start, random);
            var at = start;
            while (true)
            {
                sessions++;
                user = AfterSession(user, at, random);
                if (user.NextSessionAt is not { } next || (next - start).TotalDays > 3 * 365)
                {
                    break;
                }

                at = next;
            }

            days += (at - start).TotalDays;
        }

        return ((double)sessions / Users, days / Users);
    }
}
