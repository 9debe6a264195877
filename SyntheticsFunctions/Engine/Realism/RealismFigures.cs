using System.Text;

namespace SyntheticsFunctions.Engine.Realism;

/// <summary>What a figure says about the data: within its target, outside it, or the window cannot say.</summary>
public static class Verdicts
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string NotEnoughData = "not_enough_data";
}

/// <summary>
/// A figure's declaration: its name, what it measures, its target range (either end open), the
/// smallest sample it may rest on and the shortest window that can show it.
/// </summary>
public sealed record FigureDefinition(string Name, string Meaning, double? Min, double? Max, int MinSample, string SampleUnit, int MinWindowDays = 1)
{
    public string TargetText(double? min, double? max) => (min, max) switch
    {
        ({ } a, { } b) when a == b => $"= {Format(a)}",
        ({ } a, { } b) => $"{Format(a)} to {Format(b)}",
        ({ } a, null) => $">= {Format(a)}",
        (null, { } b) => $"<= {Format(b)}",
        _ => "any",
    };

    private static string Format(double v) => Math.Round(v, 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One computed figure: its value, target, verdict and the sample it rests on.</summary>
public sealed record RealismFigure(
    string Name, string Meaning, double? Value, double? Min, double? Max, string Target, string Verdict, long N, string SampleUnit, string? Note);

/// <summary>A weekly signup cohort's retention: <see cref="Retention"/>[n] is the share active on day n after signup (null where the window cannot show day n).</summary>
public sealed record CohortCurve(DateTimeOffset WeekStart, int Users, IReadOnlyList<double?> Retention);

/// <summary>How many users had how many sessions in the window.</summary>
public sealed record SessionsBucket(string Sessions, int Users);

/// <summary>The realism check's answer.</summary>
public sealed record RealismReport(
    DateTimeOffset From, DateTimeOffset To, int Days, IReadOnlyList<RealismFigure> Figures,
    IReadOnlyList<CohortCurve> Cohorts, IReadOnlyList<SessionsBucket> SessionsPerUser, string? History)
{
    public RealismFigure this[string name] => Figures.First(f => f.Name == name);
}

/// <summary>
/// The realism figures, defined once: the engine's statistical tests and the API's check over the
/// tables both call <see cref="Compute"/>. Definitions, as an analyst reads the tables, with day n
/// of a user = [signup + 24n h, +24 h) and day k of the window = [From + 24k h, +24 h):
/// <list type="bullet">
/// <item>D1, D7, D30: of users signing up in the window early enough for day n to be over by its end, the share with a session on day n.</item>
/// <item>DAU/MAU: the mean, over window days with 28 days of history inside the window, of users active that day over users active in the 28 days ending that day.</item>
/// <item>Gini, top-10% share, median sessions on an active day: over the window's last 28 days, users with a session.</item>
/// <item>Return after lapse: of users whose first gap of 14 days or more began on an active day at least 14 days before the end, the share who came back.</item>
/// <item>Journeys: enrolments started at least 28 days before the end, completed (share) and in how many days (median); re-enrolment in a journey the user had already completed; scene funnel drops.</item>
/// <item>Behaviour: users signing up 28 days or more before the end with resistance checks (mindblock signals) in both week 1 and week 4: mean week 1 minus mean week 4.</item>
/// <item>Spread growth: of those users, the standard deviation of their week-4 mean resistance over that of their week-1 mean (week n = days 7(n-1) to 7n - 1 after signup).</item>
/// <item>Responders: users who signed up in the window with 8 or more checks in it whose last 3 checks average lower than their first 3; persona baselines: the persona means of those users' first check; Cramér's V: persona x strategy over the window's checks, persona x signal over its mindblock events.</item>
/// <item>Signup floor and same-weekday variation: by whole UTC day inside the window (the history's, where it begins later).</item>
/// <item>Back to back: of sessions whose end (last event) is recorded, those starting at most 5 minutes after the end of the same user's previous session in the window (or before it).</item>
/// <item>Return gaps: of gaps of 30 days or more between a user's consecutive sessions in the window (start to start), the shares in [30, 45), [45, 60) and 60 days or more.</item>
/// <item>First-day enrolments: enrolments on day 0 of the window over the median of its whole days' enrolments.</item>
/// </list>
/// </summary>
public static class RealismFigures
{
    public const int FigureWindowDays = 28;

    public static readonly FigureDefinition EventsPerHour = new("events_per_hour", "Synthetic scene events per hour against the preset's volume (sessions_per_min x 60 x events per session), weekly mean within 10%", null, null, 1, "events", 7);
    public static readonly FigureDefinition EventsPerSession = new("events_per_session", "Scene events per session (the seed's flow: 1-3 scenes, about 10 events)", 8.8, 10.8, 100, "sessions");
    public static readonly FigureDefinition AbandonRate = new("abandon_rate", "Sessions that stop mid-scene (a scene opened and not completed), against abandon_rate", null, null, 200, "sessions");
    public static readonly FigureDefinition ErrorRate = new("error_rate", "Sessions with a client error, against error_rate", null, null, 200, "sessions");
    public static readonly FigureDefinition MindblockShare = new("mindblock_share", "Mindblock signals per scene opened, against mindblock_chance", null, null, 200, "scenes");
    public static readonly FigureDefinition LocalHourCorrelation = new("local_hour_correlation", "Correlation of sessions by the user's local hour with the configured activity curve", 0.9, null, 500, "sessions");
    public static readonly FigureDefinition WeekdayWeekendRatio = new("weekday_weekend_ratio", "Sessions on a local weekday over a local weekend day, against the curve's weekday weights (within 15%)", null, null, 500, "sessions", 7);
    public static readonly FigureDefinition D1 = new("d1_retention", "Share of new users with a session on day 1 after signup", 0.25, 0.45, 100, "users", 2);
    public static readonly FigureDefinition D7 = new("d7_retention", "Share of new users with a session on day 7 after signup", 0.12, 0.25, 100, "users", 8);
    public static readonly FigureDefinition D30 = new("d30_retention", "Share of new users with a session on day 30 after signup", 0.05, 0.15, 100, "users", 31);
    public static readonly FigureDefinition DauMau = new("dau_mau", "Daily over 28-day active users, the mean over days with 28 days of history in the window", 0.10, 0.30, 100, "users", FigureWindowDays);
    public static readonly FigureDefinition Gini = new("sessions_gini", "Gini coefficient of sessions per user, the window's last 28 days", 0.4, 0.7, 100, "users", FigureWindowDays);
    public static readonly FigureDefinition Top10Share = new("top10_share", "Share of sessions held by the top 10% of users, the window's last 28 days", 0.30, null, 100, "users", FigureWindowDays);
    public static readonly FigureDefinition SessionsOnActiveDay = new("median_sessions_on_active_day", "Median sessions of a user on a day they are active (UTC day of the window), the last 28 days", 1, 2, 100, "user-days");
    public static readonly FigureDefinition MaxSessionsInLocalDay = new("max_sessions_in_a_local_day", "Most sessions any user had in one of their local days", null, PopulationModel.MaxSessionsPerDay, 1, "users");
    public static readonly FigureDefinition ReturnAfterLapse = new("return_after_lapse", "Of users whose gap of 14 days or more began by 14 days before the end, the share who returned", 0.05, null, 20, "users", 21);
    public static readonly FigureDefinition JourneyCompletion = new("journey_completion", "Enrolments started at least 28 days before the end that completed", 0.20, 0.50, 50, "enrolments", 29);
    public static readonly FigureDefinition DaysToComplete = new("median_days_to_complete", "Median days from enrolment to completion, of those enrolments", 3, 21, 10, "completions", 29);
    public static readonly FigureDefinition ReEnrolment = new("re_enrolment", "Enrolments in a journey the user had enrolled in before (completed or not)", null, 0.05, 50, "enrolments");
    public static readonly FigureDefinition FunnelDrop = new("funnel_drop_difference", "Drop from scene 1 to 2 minus drop from scene 4 to 5 (the funnel loses most at the first scenes), enrolments that began in the window at least 14 days before its end", 0.000001, null, 50, "enrolments", 15);
    public static readonly FigureDefinition ResistanceChange = new("resistance_change_week1_to_week4", "Mean resistance level in week 1 after signup minus week 4, users with checks in both (0-10 scale)", 1.0, null, 30, "users", 29);
    public static readonly FigureDefinition IntensityChange = new("intensity_change_week1_to_week4", "Mean mindblock intensity in week 1 after signup minus week 4, users with signals in both", 0.000001, null, 30, "users", 29);
    public static readonly FigureDefinition StatusSteps = new("status_steps_within_one", "Mindblock status transitions moving at most one step along struggling -> working_on_it -> easing", 0.90, null, 100, "transitions");
    public static readonly FigureDefinition DistinctCaptures = new("distinct_capture_texts_per_10k", "Distinct capture texts (lower-cased, digits and punctuation stripped) among the window's last 10,000 captures", 1000, null, 10_000, "captures");
    public static readonly FigureDefinition TriggersOutsideJourney = new("triggers_outside_journey", "Real-world triggers dated after their journey completed or was abandoned", null, 0, 1, "triggers");
    public static readonly FigureDefinition ContractViolations = new("contract_violations", "Completed scenes missing a required capture or check, or with a dwell time outside the contract", null, 0, 1, "scenes");
    public static readonly FigureDefinition RowsOutOfOrder = new("rows_out_of_order", "Rows dated before their scene opened or after it completed, before their journey started, or in the future", null, 0, 1, "rows");
    public static readonly FigureDefinition SignupsPerDayFloor = new("signups_per_day_floor", "The fewest signups on one UTC day among the window's last 21 whole UTC days, over the mean signups per day of its whole UTC days (signups never stop)", 0.25, null, SignupFloorDays, "UTC days", SignupFloorDays);
    public static readonly FigureDefinition BackToBackSessions = new("back_to_back_sessions", "Sessions starting at most 5 minutes after the end (last event) of the same user's previous session in the window (or before it ended), of sessions whose end is recorded", null, 0.01, 200, "sessions");
    public static readonly FigureDefinition ReturnGap30To45 = new("return_gap_30_45_share", "Of returns after a gap of 30 days or more between a user's consecutive sessions (both in the window, start to start), the share after 30 to under 45 days", 0.10, null, 30, "returns", ReturnGapWindowDays);
    public static readonly FigureDefinition ReturnGap45To60 = new("return_gap_45_60_share", "Of returns after a gap of 30 days or more between a user's consecutive sessions (both in the window, start to start), the share after 45 to under 60 days", 0.10, null, 30, "returns", ReturnGapWindowDays);
    public static readonly FigureDefinition ReturnGap60Plus = new("return_gap_60_plus_share", "Of returns after a gap of 30 days or more between a user's consecutive sessions (both in the window, start to start), the share after 60 days or more", 0.10, null, 30, "returns", ReturnGapWindowDays);
    public static readonly FigureDefinition SameWeekdayCv = new("same_weekday_cv", "Coefficient of variation (sample sd over mean) of a weekday's UTC-daily sessions, whole UTC days of the window's last 8 weeks without Dec 24-26 and Dec 31-Jan 2, averaged over the 7 weekdays", 0.04, 0.15, 21, "UTC days", 21);
    public static readonly FigureDefinition FirstDayEnrolments = new("first_day_enrolments_ratio", "Enrolments started on the window's first day (its first 24 hours: the history's first day where the window reaches back to it) over the median of its whole days' enrolments", null, 2, 50, "enrolments", 3);
    public static readonly FigureDefinition EnrolmentsBeforeJourneyCreated = new("enrolments_before_journey_created", "Enrolments started before their journey's created_at", null, 0, 1, "enrolments");
    public static readonly FigureDefinition EqualGapShare = new("equal_gap_share", "Of the window's latest 5,000 scenes opened, those with 3 or more timestamped steps (opened, captures, resistance check): the share where two consecutive gaps between steps are equal within 1 ms", null, 0.05, 200, "scenes");
    public static readonly FigureDefinition SessionLengthP99OverMedian = new("session_length_p99_over_median", "Session length (start to last event) at the 99th percentile over the median, sessions whose end is recorded", 3, null, 200, "sessions");
    public static readonly FigureDefinition SessionsOver30Min = new("sessions_over_30_min_share", "Sessions lasting more than 30 minutes from start to last event, of sessions whose end is recorded", 0.005, null, 200, "sessions");
    public static readonly FigureDefinition JourneyCompletionSpread = new("journey_completion_spread", "Highest over lowest completion rate of a journey, journeys with 200 or more enrolments started at least 28 days before the end", 1.3, null, 2 * SpreadMinEnrolments, "enrolments", 29);
    public static readonly FigureDefinition CatalogExhausted = new("catalog_exhausted_share", "Of users with a session in the window's last 28 days, the share who have enrolled (any time before the end) in every journey playable at the end", null, 0.10, 100, "users", FigureWindowDays);
    public static readonly FigureDefinition EnrolmentSessionRatio = new("enrolment_session_ratio_deviation", "Weekly enrolments over weekly sessions, whole weeks of the window after its first 28 days: the largest relative deviation of a week's ratio from their mean", null, 0.25, 200, "enrolments", FigureWindowDays + (2 * 7));
    public static readonly FigureDefinition ResponderShare = new("responder_share", $"Of users who signed up in the window with {OutcomeMinChecks} or more resistance checks in it, the share whose last {OutcomeChecks} checks average lower than their first {OutcomeChecks}", 0.55, 0.80, 100, "users", FigureWindowDays);
    public static readonly FigureDefinition PersonaBaselineSpread = new("persona_baseline_spread", $"Highest minus lowest persona mean of the first resistance level of users who signed up in the window (personas with {PersonaMinUsers} or more such users)", 0.8, null, 200, "users");
    public static readonly FigureDefinition PersonaStrategyCramersV = new("persona_strategy_cramers_v", "Cramér's V of persona x resistance strategy over the window's resistance checks", 0.1, null, 1000, "checks");
    public static readonly FigureDefinition PersonaSignalCramersV = new("persona_signal_cramers_v", "Cramér's V of persona x mindblock signal over the window's mindblock events", 0.1, null, 1000, "signals");
    public static readonly FigureDefinition ResistanceSpreadGrowth = new("resistance_spread_growth", "Standard deviation across users of their mean resistance level in week 4 after signup over that in week 1, users of resistance_change_week1_to_week4", 1.2, null, 30, "users", 29);
    public static readonly FigureDefinition TimeZones = new("time_zones", $"Distinct time zones of the users with a session in the window (at least {TimeZonesTarget}, or every zone of the region mix where it has fewer)", TimeZonesTarget, null, 500, "users");
    public static readonly FigureDefinition PersonaClaimsFailing = new("persona_claims", "Persona claims (Engine/Realism/PersonaClaims.cs: the weekend persona has the highest weekend share, the night persona the latest hours, ...) that fail in the window; n is the claims checked", null, 0, 1, "claims", 7);
    public static readonly FigureDefinition FirstSessionWithin1s = new("first_session_within_1s_share", "Of users whose profile was created in the window (signed up) and who had a session in it, the share whose first session starts within 1 s of the profile's created_at", null, 0.20, 100, "users");
    public static readonly FigureDefinition CaptureTextReuse = new("capture_text_reuse_share", "Of the window's captures, the share whose text (normalised as distinct_capture_texts_per_10k normalises it) another user also wrote in the window", null, 0.30, 1000, "captures");
    public static readonly FigureDefinition CaptureSeams = new("capture_seams", "The window's captures with a seam (Seams: an empty text, a doubled word, a third-person-singular verb after I/you/we/they or a plural noun, will after what if, a catalog label in quotes)", null, 0, 1, "captures");
    public static readonly FigureDefinition TriggerDescriptionVariety = new("trigger_description_variety", "Distinct real-world trigger descriptions in the window", 50, null, 500, "triggers");

    /// <summary>Every figure, in the order the API and the Studio list them.</summary>
    public static IReadOnlyList<FigureDefinition> All { get; } =
    [
        EventsPerHour, EventsPerSession, AbandonRate, ErrorRate, MindblockShare, LocalHourCorrelation, WeekdayWeekendRatio, SameWeekdayCv,
        SignupsPerDayFloor, D1, D7, D30, DauMau, Gini, Top10Share, SessionsOnActiveDay, MaxSessionsInLocalDay, BackToBackSessions, ReturnAfterLapse,
        ReturnGap30To45, ReturnGap45To60, ReturnGap60Plus,
        JourneyCompletion, DaysToComplete, ReEnrolment, FirstDayEnrolments, FunnelDrop, ResistanceChange, IntensityChange, StatusSteps,
        DistinctCaptures, TriggersOutsideJourney, ContractViolations, RowsOutOfOrder, EnrolmentsBeforeJourneyCreated,
        EqualGapShare, SessionLengthP99OverMedian, SessionsOver30Min,
        JourneyCompletionSpread, CatalogExhausted, EnrolmentSessionRatio,
        ResponderShare, PersonaBaselineSpread, PersonaStrategyCramersV, PersonaSignalCramersV, ResistanceSpreadGrowth,
        TimeZones, PersonaClaimsFailing,
        FirstSessionWithin1s,
        CaptureTextReuse, CaptureSeams, TriggerDescriptionVariety,
    ];

    /// <summary>The fewest distinct time zones the window's active users should live in (the global mix has <see cref="Markets.Zones"/>).</summary>
    public const int TimeZonesTarget = 24;

    /// <summary>The fewest enrolments (started at least 28 days before the end) a journey needs to count in the completion spread.</summary>
    public const int SpreadMinEnrolments = 200;

    /// <summary>How many of the window's last whole UTC days the signup floor looks at (and the fewest whole UTC days it needs).</summary>
    public const int SignupFloorDays = 21;

    /// <summary>How far after the previous session's end a session starts, at most, to count as back to back.</summary>
    public static readonly TimeSpan BackToBackGap = TimeSpan.FromMinutes(5);

    /// <summary>The shortest gap between a user's consecutive sessions that counts as a return in the return-gap shares.</summary>
    public const int ReturnGapDays = 30;

    /// <summary>The shortest window the return-gap shares need: one that can hold a gap of 60 days.</summary>
    public const int ReturnGapWindowDays = 61;

    /// <summary>How many of the window's last whole UTC days the same-weekday variation looks at (8 weeks).</summary>
    public const int SameWeekdayDays = 56;

    /// <summary>The fewest days of each weekday the same-weekday variation needs.</summary>
    public const int SameWeekdayMinDays = 3;

    /// <summary>How old an enrolment must be at the window's end to count in the funnel.</summary>
    public const int FunnelSettleDays = 14;

    /// <summary>How many captures the distinct-text figure samples.</summary>
    public const int CaptureSample = 10_000;

    /// <summary>How many of the window's latest scenes opened the equal-gap share samples.</summary>
    public const int SceneTimingSample = 5_000;

    /// <summary>The fewest timestamped steps (opened, captures, check) a scene needs for the equal-gap share: two gaps to compare.</summary>
    public const int SceneTimingMinSteps = 3;

    /// <summary>Two consecutive gaps between a scene's steps differing by at most this much are equal.</summary>
    public static readonly TimeSpan EqualGapTolerance = TimeSpan.FromMilliseconds(1);

    /// <summary>The session length the long-session share counts beyond.</summary>
    public static readonly TimeSpan LongSession = TimeSpan.FromMinutes(30);

    /// <summary>How many of a user's first and last resistance checks the responder share compares ...</summary>
    public const int OutcomeChecks = 3;

    /// <summary>... of users with at least this many checks.</summary>
    public const int OutcomeMinChecks = 8;

    /// <summary>The fewest users a persona needs for its mean first level to count in the baseline spread.</summary>
    public const int PersonaMinUsers = 20;

    public static RealismReport Compute(RealismFacts facts)
    {
        var w = Window.Of(facts);
        var signups = Signups(facts, w);

        // Independent sections over the same read-only window, on as many cores as there are;
        // each keeps its own figures, listed at the end in the declared order.
        Action<Figures>[] sections =
        [
            f => Sessions(facts, w, f),
            f => LocalTime(facts, w, f),
            f => RetentionAndBehaviour(facts, w, signups, f),
            f => Activity(facts, w, f),
            f => Journeys(facts, w, f),
            f => Gaps(w, f),
            f => Days(facts, w, signups, f),
            f => Timing(facts, w, f),
            f => CatalogFigures(facts, w, f),
            f => PersonOutcomes(facts, f),
            f => ZonesAndClaims(facts, w, f),
            f => Onboarding(facts, w, f),
            f => Words(facts, f),
        ];
        var figures = new Figures[sections.Length];
        Parallel.For(0, sections.Length, i => sections[i](figures[i] = new Figures(facts.Days)));
        var all = figures.SelectMany(f => f.List).OrderBy(f => Order[f.Name]).ToList();

        // What the history note says: how much of the window the tables hold, and which figures need more.
        var notes = new List<string>();
        if (facts.AskedDays is { } asked && asked > facts.Days)
        {
            notes.Add($"The tables hold {facts.Days} of the {asked} days asked for (history since {facts.From.UtcDateTime:yyyy-MM-dd HH:mm} UTC); the figures are computed on those.");
        }

        var thin = all.Where(f => f.Verdict == Verdicts.NotEnoughData).Select(f => f.Name).ToList();
        if (thin.Count > 0)
        {
            notes.Add(
                $"{thin.Count} of {all.Count} figures need more history or more users than this {facts.Days}-day window holds ({string.Join(", ", thin)}). " +
                "Widen the window (days, up to retain_days), let the engine run longer, or write history with a backfill (POST /api/synthetics/backfill {\"days\": N}).");
        }

        var history = notes.Count == 0 ? null : string.Join(' ', notes);
        // The days asked for: a shorter history shows in From and in the history note.
        return new RealismReport(facts.From, facts.To, facts.AskedDays ?? facts.Days, all, Cohorts(facts, signups), SessionsPerUser(w), history);
    }

    private static readonly Dictionary<string, int> Order = All.Select((d, i) => (d.Name, i)).ToDictionary(x => x.Name, x => x.i);

    /// <summary>One section's figures, judged against the window's length.</summary>
    private sealed class Figures(int days)
    {
        public List<RealismFigure> List { get; } = [];

        /// <summary>Adds a figure; <paramref name="whyNot"/> says why it has no value when the window and the sample would do.</summary>
        public void Add(FigureDefinition d, double? value, long n, double? min = null, double? max = null, string? note = null, string? whyNot = null) =>
            List.Add(Judge(d, value, n, days, min ?? d.Min, max ?? d.Max, note, whyNot));
    }

    // The users who signed up in the window, with the days after signup they were active on.
    private static List<Signup> Signups(RealismFacts facts, Window w)
    {
        var signups = new List<Signup>();
        foreach (var (id, user) in facts.Users)
        {
            if (user.SignupAt is { } at && at >= facts.From && at < facts.To)
            {
                signups.Add(new Signup(id, at, w.ActiveDaysAfter(id, at)));
            }
        }

        return signups;
    }

    // Volume, what happened in the sessions, status transitions and the counts the tables give.
    private static void Sessions(RealismFacts facts, Window w, Figures f)
    {
        var counts = facts.Counts ?? new TableCounts();
        var hours = (facts.To - facts.From).TotalHours;
        var expected = counts.ExpectedEventsPerHour;
        f.Add(EventsPerHour, hours > 0 ? counts.Events / hours : null, counts.Events, expected * 0.9, expected * 1.1);
        long withEvents = 0, events = 0, abandoned = 0, errored = 0, scenes = 0, signals = 0;
        foreach (var s in w.Sessions)
        {
            if (s.Events > 0)
            {
                withEvents++;
                events += s.Events;
                abandoned += s.ScenesOpened > s.ScenesCompleted ? 1 : 0;
                errored += s.Errored ? 1 : 0;
                scenes += s.ScenesOpened;
                signals += s.MindblockSignals;
            }
        }

        double? PerSession(long count) => withEvents > 0 ? count / (double)withEvents : null;
        f.Add(EventsPerSession, PerSession(events), withEvents);
        f.Add(AbandonRate, PerSession(abandoned), withEvents, Lower(counts.AbandonRate, 0.02, 0.25), Upper(counts.AbandonRate, 0.02, 0.25));
        f.Add(ErrorRate, PerSession(errored), withEvents, Lower(counts.ErrorRate, 0.02, 0.25), Upper(counts.ErrorRate, 0.02, 0.25));
        f.Add(MindblockShare, scenes > 0 ? signals / (double)scenes : null, scenes, Lower(counts.MindblockChance, 0.03, 0.15), Upper(counts.MindblockChance, 0.03, 0.15));

        // Status transitions: each user's mindblock statuses in time order.
        var steps = 0;
        var small = 0;
        var last = new Dictionary<Guid, int>();
        for (var u = 0; u < w.UserCount; u++)
        {
            last.Clear();
            for (var k = w.First[u]; k < w.First[u + 1]; k++)
            {
                if (w.Sessions[k] is not { Events: > 0, Mindblocks: { } mindblocks })
                {
                    continue;
                }

                for (var m = 0; m < mindblocks.Count; m++)
                {
                    var (mindblock, level) = mindblocks[m];
                    var rank = (uint)level < (uint)RankByIntensity.Length ? RankByIntensity[level] : StatusRank(Content.MindblockStatusFor(level));
                    if (last.TryGetValue(mindblock, out var previous))
                    {
                        steps++;
                        small += Math.Abs(rank - previous) <= 1 ? 1 : 0;
                    }

                    last[mindblock] = rank;
                }
            }
        }

        f.Add(StatusSteps, steps > 0 ? (double)small / steps : null, steps);

        var texts = counts.CaptureTexts ?? [];
        var sample = texts.Take(CaptureSample).ToList();
        f.Add(DistinctCaptures, sample.Count > 0 ? sample.Select(NormaliseCapture).Distinct().Count() * (double)CaptureSample / sample.Count : null, sample.Count);
        f.Add(TriggersOutsideJourney, counts.Triggers > 0 ? counts.TriggersOutsideJourney : null, counts.Triggers);
        f.Add(ContractViolations, counts.ScenesChecked > 0 ? counts.ContractViolations : null, counts.ScenesChecked);
        f.Add(RowsOutOfOrder, counts.RowsChecked > 0 ? counts.RowsOutOfOrder : null, counts.RowsChecked);
    }

    // When in the users' own day: each session at its user's local time.
    private static void LocalTime(RealismFacts facts, Window w, Figures f)
    {
        var days = facts.Days;
        var hourly = new double[24];
        var weekday = new double[7];
        var located = 0;
        var mostInLocalDay = 0;
        var usersWithLocalDays = 0;
        var localDays = new List<long>();
        var clockOf = LocalClock.Cache();
        for (var u = 0; u < w.UserCount; u++)
        {
            if (!facts.Users.TryGetValue(w.UserIds[u], out var user))
            {
                continue;
            }

            var clock = clockOf(Zones.Find(user.Timezone));
            localDays.Clear();
            for (var k = w.First[u]; k < w.First[u + 1]; k++)
            {
                var local = clock.Local(w.Sessions[k].Start);
                hourly[local.Hour]++;
                weekday[(int)local.DayOfWeek]++;
                located++;
                localDays.Add(local.Ticks / TimeSpan.TicksPerDay);
            }

            usersWithLocalDays += localDays.Count > 0 ? 1 : 0;
            localDays.Sort();
            for (int k = 0, run = 1; k < localDays.Count; k++, run++)
            {
                if (k + 1 == localDays.Count || localDays[k + 1] != localDays[k])
                {
                    mostInLocalDay = Math.Max(mostInLocalDay, run);
                    run = 0;
                }
            }
        }

        f.Add(LocalHourCorrelation, located > 0 ? Correlation(hourly, [.. ActivityCurve.HourlyWeights]) : null, located);
        var occurrences = new int[7];
        for (var d = 0; d < days; d++)
        {
            occurrences[(int)facts.From.AddDays(d).DayOfWeek]++;
        }

        // A window shorter than a week may hold no weekend day (or no weekday): then 0, and the ratio is not shown.
        double MeanPerDay(IEnumerable<int> dows, double[] values) => dows.Where(d => occurrences[d] > 0).Select(d => values[d] / occurrences[d]).DefaultIfEmpty(0).Average();
        int[] weekdays = [1, 2, 3, 4, 5];
        int[] weekend = [0, 6];
        var configured = weekdays.Average(d => ActivityCurve.WeekdayWeights[d]) / weekend.Average(d => ActivityCurve.WeekdayWeights[d]);
        var weekendSessions = MeanPerDay(weekend, weekday);
        f.Add(WeekdayWeekendRatio, days >= 7 && weekendSessions > 0 ? MeanPerDay(weekdays, weekday) / weekendSessions : null, located, configured * 0.85, configured * 1.15);

        f.Add(MaxSessionsInLocalDay, usersWithLocalDays > 0 ? mostInLocalDay : null, usersWithLocalDays);
    }

    // Retention of the cohorts the window holds, and their behaviour between week 1 and week 4.
    private static void RetentionAndBehaviour(RealismFacts facts, Window w, List<Signup> signups, Figures f)
    {
        foreach (var (definition, n) in new[] { (D1, 1), (D7, 7), (D30, 30) })
        {
            var (cohort, active) = Retained(signups, n, facts.To);
            f.Add(definition, cohort > 0 ? active / (double)cohort : null, cohort);
        }

        // Behaviour change between week 1 and week 4 after signup.
        var resistance = new List<double>();
        var intensity = new List<double>();
        var (week1, week4) = (new List<double>(), new List<double>());
        foreach (var signup in signups.Where(s => s.At <= facts.To.AddDays(-28)))
        {
            if (!w.UserIndex.TryGetValue(signup.User, out var u))
            {
                continue;
            }

            double r1 = 0, r4 = 0, i1 = 0, i4 = 0;
            int nr1 = 0, nr4 = 0, ni1 = 0, ni4 = 0;
            for (var k = w.First[u]; k < w.First[u + 1]; k++)
            {
                var s = w.Sessions[k];
                if (s.Start < signup.At.AddDays(7))
                {
                    (r1, nr1, i1, ni1) = (r1 + s.ResistanceSum, nr1 + s.ResistanceCount, i1 + s.IntensitySum, ni1 + s.IntensityCount);
                }
                else if (s.Start >= signup.At.AddDays(21) && s.Start < signup.At.AddDays(28))
                {
                    (r4, nr4, i4, ni4) = (r4 + s.ResistanceSum, nr4 + s.ResistanceCount, i4 + s.IntensitySum, ni4 + s.IntensityCount);
                }
            }

            if (nr1 > 0 && nr4 > 0)
            {
                resistance.Add((r1 / nr1) - (r4 / nr4));
                week1.Add(r1 / nr1);
                week4.Add(r4 / nr4);
            }

            if (ni1 > 0 && ni4 > 0)
            {
                intensity.Add((i1 / ni1) - (i4 / ni4));
            }
        }

        f.Add(ResistanceChange, resistance.Count > 0 ? resistance.Average() : null, resistance.Count);
        f.Add(IntensityChange, intensity.Count > 0 ? intensity.Average() : null, intensity.Count);

        // Outcomes that differ: people who start alike drift apart by week 4.
        var spread1 = StandardDeviation(week1);
        f.Add(ResistanceSpreadGrowth, week1.Count >= 2 && spread1 > 0 ? StandardDeviation(week4) / spread1 : null, week1.Count,
            note: week1.Count >= 2 ? $"sd {spread1:0.00} in week 1, {StandardDeviation(week4):0.00} in week 4" : null);
    }

    // Outcomes by person: who improves, where each persona starts, what each persona chooses.
    private static void PersonOutcomes(RealismFacts facts, Figures f)
    {
        var outcomes = facts.Outcomes ?? new OutcomeFacts([], [], []);
        var newcomers = outcomes.CheckedUsers.Where(u => u.SignupAt >= facts.From && u.SignupAt < facts.To).ToList();
        var checkedOften = newcomers.Where(u => u.Checks >= OutcomeMinChecks).ToList();
        f.Add(ResponderShare, Share(checkedOften, u => u.LastMean < u.FirstMean), checkedOften.Count);

        var byPersona = newcomers.Where(u => u.Persona is not null).GroupBy(u => u.Persona!).Where(g => g.Count() >= PersonaMinUsers)
            .Select(g => (Persona: g.Key, Mean: g.Average(u => (double)u.FirstLevel))).OrderBy(p => p.Mean).ToList();
        f.Add(PersonaBaselineSpread, byPersona.Count >= 2 ? byPersona[^1].Mean - byPersona[0].Mean : null, newcomers.Count,
            note: byPersona.Count >= 2 ? $"{byPersona[0].Persona} {byPersona[0].Mean:0.00} to {byPersona[^1].Persona} {byPersona[^1].Mean:0.00}" : null,
            whyNot: $"needs two personas with {PersonaMinUsers} or more users");
        f.Add(PersonaStrategyCramersV, CramersV(outcomes.Strategies), outcomes.Strategies.Sum(c => c.Count));
        f.Add(PersonaSignalCramersV, CramersV(outcomes.Signals), outcomes.Signals.Sum(c => c.Count));
    }

    // Where the active users live, and whether each persona does what its name says.
    private static void ZonesAndClaims(RealismFacts facts, Window w, Figures f)
    {
        var zones = new HashSet<string>();
        var located = 0;
        foreach (var id in w.UserIds)
        {
            if (facts.Users.TryGetValue(id, out var user))
            {
                zones.Add(user.Timezone);
                located++;
            }
        }

        var target = Math.Min(TimeZonesTarget, facts.MixZones ?? TimeZonesTarget);
        f.Add(TimeZones, located > 0 ? zones.Count : null, located, min: target);

        var results = PersonaClaims.Judge(PersonaClaims.Measure(facts, w.ByUser()), facts.Days);
        var failing = results.Where(r => !r.Holds).ToList();
        f.Add(PersonaClaimsFailing, results.Count > 0 ? failing.Count : null, results.Count,
            note: results.Count == 0 ? null : string.Join("; ", results.Select(r => string.Create(
                System.Globalization.CultureInfo.InvariantCulture, $"{r.Claim} {r.Value:0.###} ({(r.Holds ? "next" : "fails:")} {r.Leader} {r.LeaderValue:0.###})"))),
            whyNot: $"needs personas with {PersonaClaims.MinSessions} or more sessions");
    }

    /// <summary>A first session this soon after the profile's created_at (or before it) counts as straight after signup.</summary>
    public static readonly TimeSpan OnboardingInstant = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Onboarding: of users whose profile was created in the window (<see cref="UserFact.JoinedAt"/>)
    /// with a session in it, the share whose first session starts at most
    /// <see cref="OnboardingInstant"/> after it; the note gives the median delay.
    /// </summary>
    private static void Onboarding(RealismFacts facts, Window w, Figures f)
    {
        var delays = new List<TimeSpan>();
        foreach (var (id, user) in facts.Users)
        {
            if (user.JoinedAt is { } joined && joined >= facts.From && joined < facts.To && w.UserIndex.TryGetValue(id, out var u))
            {
                delays.Add(w.Sessions[w.First[u]].Start - joined);
            }
        }

        delays.Sort();
        f.Add(FirstSessionWithin1s, Share(delays, d => d <= OnboardingInstant), delays.Count,
            note: delays.Count > 0 ? $"median delay {delays[(delays.Count - 1) / 2].TotalMinutes:0.0} min" : null);
    }

    /// <summary>The sample standard deviation (n - 1) of the values, 0 for fewer than two.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// Cramér's V of the persona x value table the counts make: sqrt(chi-squared / (n (min(rows, columns) - 1))),
    /// 0 (none) to 1 (the persona fixes the value); null where the table has fewer than two rows or columns.
    /// </summary>
    public static double? CramersV(IReadOnlyList<PersonaChoice> counts)
    {
        var rows = counts.GroupBy(c => c.Persona).ToDictionary(g => g.Key, g => (double)g.Sum(c => c.Count));
        var columns = counts.GroupBy(c => c.Value).ToDictionary(g => g.Key, g => (double)g.Sum(c => c.Count));
        var n = rows.Values.Sum();
        var k = Math.Min(rows.Count(r => r.Value > 0), columns.Count(c => c.Value > 0));
        if (k < 2 || n == 0)
        {
            return null;
        }

        var observed = counts.GroupBy(c => (c.Persona, c.Value)).ToDictionary(g => g.Key, g => (double)g.Sum(c => c.Count));
        double chi = 0;
        foreach (var (persona, rowTotal) in rows)
        {
            foreach (var (value, columnTotal) in columns)
            {
                var expected = rowTotal * columnTotal / n;
                if (expected > 0)
                {
                    var o = observed.GetValueOrDefault((persona, value));
                    chi += (o - expected) * (o - expected) / expected;
                }
            }
        }

        return Math.Sqrt(chi / (n * (k - 1)));
    }

    // Who is active when: DAU/MAU, concentration over the last 28 days, lapses and returns.
    private static void Activity(RealismFacts facts, Window w, Figures f)
    {
        var days = facts.Days;

        // DAU/MAU over days with a whole 28-day month inside the window: a user is in the month of
        // each day from one of their active days to 27 days after it.
        var dau = new int[days + 1];
        var monthStarts = new int[days + FigureWindowDays + 1];
        for (var u = 0; u < w.UserCount; u++)
        {
            var covered = -1;
            foreach (var day in w.ActiveDays(u))
            {
                if (day >= 0 && day < days)
                {
                    dau[day]++;
                }

                var start = Math.Max(day, covered + 1);
                var end = day + FigureWindowDays - 1;
                monthStarts[Math.Max(0, start)]++;
                monthStarts[end + 1]--;
                covered = end;
            }
        }

        var ratios = new List<double>();
        long monthlyUsers = 0;
        var mau = 0;
        for (var day = 0; day < days; day++)
        {
            mau += monthStarts[day];
            if (day >= FigureWindowDays - 1)
            {
                monthlyUsers = Math.Max(monthlyUsers, mau);
                if (mau > 0)
                {
                    ratios.Add((double)dau[day] / mau);
                }
            }
        }

        f.Add(DauMau, ratios.Count > 0 ? ratios.Average() : null, monthlyUsers);

        // Concentration over the last 28 days.
        var lateFrom = Math.Max(0, days - FigureWindowDays);
        var perUser = new List<double>();
        var perActiveDay = new List<double>();
        for (var u = 0; u < w.UserCount; u++)
        {
            var late = 0;
            for (int k = w.First[u], run = 1; k < w.First[u + 1]; k++, run++)
            {
                if (w.Day[k] < lateFrom)
                {
                    run = 0;
                    continue;
                }

                late++;
                if (k + 1 == w.First[u + 1] || w.Day[k + 1] != w.Day[k])
                {
                    perActiveDay.Add(run);
                    run = 0;
                }
            }

            if (late > 0)
            {
                perUser.Add(late);
            }
        }

        perUser.Sort();
        perActiveDay.Sort();
        var (gini, top10) = Concentration(perUser);
        f.Add(Gini, perUser.Count > 0 ? gini : null, perUser.Count);
        f.Add(Top10Share, perUser.Count > 0 ? top10 : null, perUser.Count);
        f.Add(SessionsOnActiveDay, perActiveDay.Count > 0 ? perActiveDay[perActiveDay.Count / 2] : null, perActiveDay.Count);

        // Lapse and return: each user's first gap of 14 days or more that began by 14 days before the end.
        var gaps = 0;
        var returned = 0;
        for (var u = 0; u < w.UserCount; u++)
        {
            var previous = -1;
            foreach (var day in w.ActiveDays(u).Append(days))
            {
                if (previous >= 0 && day - previous >= 14 && previous <= days - 14)
                {
                    gaps++;
                    returned += day < days ? 1 : 0;
                    break;
                }

                previous = day;
            }
        }

        f.Add(ReturnAfterLapse, gaps > 0 ? (double)returned / gaps : null, gaps);
    }

    // Enrolments: completion, re-enrolment and the scene funnel.
    private static void Journeys(RealismFacts facts, Window w, Figures f)
    {
        var enrolments = (facts.Enrolments ?? []).Where(e => e.StartedAt >= facts.From && e.StartedAt < facts.To).ToList();
        var old = enrolments.Where(e => e.StartedAt <= facts.To.AddDays(-28)).ToList();
        var completed = old.Where(e => e.CompletedAt is { } c && c <= facts.To).Select(e => (e.CompletedAt!.Value - e.StartedAt).TotalDays).Order().ToList();
        f.Add(JourneyCompletion, old.Count > 0 ? (double)completed.Count / old.Count : null, old.Count);
        f.Add(DaysToComplete, completed.Count > 0 ? Median(completed) : null, completed.Count);
        f.Add(ReEnrolment, Share(enrolments, e => e.ReEnrolment), enrolments.Count);

        // The funnel: enrolments that began in the window (their scene 1 in a session of the window)
        // at least 14 days before its end, so that the later scenes are not cut short by the end
        // of the window; the furthest scene each reached.
        var settled = enrolments.Where(e => e.JourneyScenes >= 5 && e.StartedAt <= facts.To.AddDays(-FunnelSettleDays)).ToList();
        var reached = settled.ToDictionary(e => e.Instance, _ => -1);
        foreach (var s in w.Sessions)
        {
            if (s.Events > 0 && s.Instance is { } instance && reached.TryGetValue(instance, out var furthest))
            {
                reached[instance] = Math.Max(furthest, s.LastSceneOrder);
            }
        }

        var atLeast = new int[7]; // atLeast[n]: enrolments that reached scene n or beyond (n up to 6)
        var funnel = 0;
        foreach (var e in settled)
        {
            if (reached[e.Instance] is var furthest && furthest >= 0)
            {
                funnel++;
                var scene = Math.Min(e.CompletedAt is not null ? e.JourneyScenes : furthest, atLeast.Length - 1);
                for (var n = 0; n <= scene; n++)
                {
                    atLeast[n]++;
                }
            }
        }

        double Drop(int from) => 1 - (atLeast[from + 1] / (double)Math.Max(1, atLeast[from]));
        f.Add(FunnelDrop, funnel > 0 && atLeast[4] > 0 ? Drop(1) - Drop(4) : null, funnel,
            note: funnel > 0 ? $"scene 1->2 loses {Drop(1):P0}, 4->5 {Drop(4):P0}" : null);

        // The first day against the median day: enrolments per whole day of the window (day k =
        // [From + 24k h, +24 h)); day 0 is the history's first where the window begins with it.
        var wholeDays = (int)((facts.To - facts.From).Ticks / TimeSpan.TicksPerDay);
        var perDay = new double[wholeDays];
        var counted = 0;
        foreach (var e in enrolments)
        {
            var day = (e.StartedAt - facts.From).Ticks / TimeSpan.TicksPerDay;
            if (day < wholeDays)
            {
                perDay[day]++;
                counted++;
            }
        }

        var firstDay = wholeDays > 0 ? perDay[0] : 0;
        Array.Sort(perDay);
        var medianDay = wholeDays > 0 ? Median(perDay) : 0;
        f.Add(FirstDayEnrolments, wholeDays >= FirstDayEnrolments.MinWindowDays && medianDay > 0 ? firstDay / medianDay : null, counted,
            note: wholeDays > 0 ? $"{firstDay:0} on the first day, a median {medianDay:0.#} a day" : null,
            whyNot: wholeDays < FirstDayEnrolments.MinWindowDays
                ? $"needs {FirstDayEnrolments.MinWindowDays} whole days in the window, it has {wholeDays}"
                : "the median day has no enrolments");

        // Enrolments dated before their journey existed, of those whose journey's creation is known.
        var dated = 0;
        var early = 0;
        foreach (var e in enrolments)
        {
            if (e.JourneyCreatedAt is { } created)
            {
                dated++;
                early += e.StartedAt < created ? 1 : 0;
            }
        }

        f.Add(EnrolmentsBeforeJourneyCreated, dated > 0 ? early : null, dated);
    }

    // The time between a user's sessions: back to back (after the previous one's end) and long returns (start to start).
    private static void Gaps(Window w, Figures f)
    {
        long withEnd = 0, backToBack = 0, returns = 0;
        var byBand = new long[3]; // returns after [30, 45), [45, 60) and 60 days or more
        for (var u = 0; u < w.UserCount; u++)
        {
            for (var k = w.First[u]; k < w.First[u + 1]; k++)
            {
                var s = w.Sessions[k];
                var previous = k > w.First[u] ? w.Sessions[k - 1] : null;
                if (s.End is not null)
                {
                    withEnd++;
                    backToBack += previous?.End is { } ended && s.Start - ended <= BackToBackGap ? 1 : 0;
                }

                if (previous is not null && (s.Start - previous.Start).TotalDays is var gap && gap >= ReturnGapDays)
                {
                    returns++;
                    byBand[gap < 45 ? 0 : gap < 60 ? 1 : 2]++;
                }
            }
        }

        f.Add(BackToBackSessions, withEnd > 0 ? backToBack / (double)withEnd : null, withEnd);
        double? ShareOfReturns(long count) => returns > 0 ? count / (double)returns : null;
        f.Add(ReturnGap30To45, ShareOfReturns(byBand[0]), returns);
        f.Add(ReturnGap45To60, ShareOfReturns(byBand[1]), returns);
        f.Add(ReturnGap60Plus, ShareOfReturns(byBand[2]), returns);
    }

    // Timing inside and across sessions: steps that are not evenly spaced, and session lengths with a long tail.
    private static void Timing(RealismFacts facts, Window w, Figures f)
    {
        var scenes = (facts.SceneSteps ?? []).Where(steps => steps.Count >= SceneTimingMinSteps).ToList();
        f.Add(EqualGapShare, Share(scenes, HasEqualGaps), scenes.Count);

        var lengths = new List<double>();
        foreach (var s in w.Sessions)
        {
            if (s.End is { } end)
            {
                lengths.Add((end - s.Start).TotalSeconds);
            }
        }

        lengths.Sort();
        var median = lengths.Count > 0 ? Median(lengths) : 0;
        var p99 = lengths.Count > 0 ? lengths[(int)Math.Ceiling(0.99 * lengths.Count) - 1] : 0;
        f.Add(SessionLengthP99OverMedian, median > 0 ? p99 / median : null, lengths.Count,
            note: lengths.Count > 0 ? $"median {median:0} s, p99 {p99:0} s, longest {lengths[^1]:0} s" : null,
            whyNot: "the median session has no length");
        f.Add(SessionsOver30Min, lengths.Count > 0 ? lengths.Count(l => l > LongSession.TotalSeconds) / (double)lengths.Count : null, lengths.Count);
    }

    /// <summary>Whether two consecutive gaps between a scene's steps (in time order) are equal within <see cref="EqualGapTolerance"/>.</summary>
    public static bool HasEqualGaps(IReadOnlyList<DateTimeOffset> steps)
    {
        for (var k = 2; k < steps.Count; k++)
        {
            if (((steps[k] - steps[k - 1]) - (steps[k - 1] - steps[k - 2])).Duration() <= EqualGapTolerance)
            {
                return true;
            }
        }

        return false;
    }

    // Days that vary and signups that never stop, by whole UTC day of the window.
    private static void Days(RealismFacts facts, Window w, List<Signup> signups, Figures f)
    {
        var days = UtcDays.Of(facts);

        // Signups: the fewest on one of the last 21 whole days over the mean of all whole days.
        var signupsOn = new int[days.Count];
        foreach (var s in signups)
        {
            if (days.IndexOf(s.At) is var d && d >= 0)
            {
                signupsOn[d]++;
            }
        }

        var mean = days.Count > 0 ? signupsOn.Average() : 0;
        var floor = days.Count >= SignupFloorDays ? signupsOn[^SignupFloorDays..].Min() : 0;
        f.Add(SignupsPerDayFloor, days.Count >= SignupFloorDays && mean > 0 ? floor / mean : null, days.Count,
            note: days.Count >= SignupFloorDays ? $"at least {floor} a day over the last {SignupFloorDays} days, a mean {mean:0.#}" : null,
            whyNot: "no signups in the window");

        // The same weekday: sessions per whole UTC day over the last 8 weeks, holidays left out.
        var sessionsOn = new int[days.Count];
        foreach (var s in w.Sessions)
        {
            if (days.IndexOf(s.Start) is var d && d >= 0)
            {
                sessionsOn[d]++;
            }
        }

        var byWeekday = new List<int>[7];
        for (var dow = 0; dow < 7; dow++)
        {
            byWeekday[dow] = [];
        }

        var counted = 0;
        for (var d = Math.Max(0, days.Count - SameWeekdayDays); d < days.Count; d++)
        {
            var date = days.First.AddDays(d);
            if (!Holiday(date))
            {
                byWeekday[(int)date.DayOfWeek].Add(sessionsOn[d]);
                counted++;
            }
        }

        var thin = Enumerable.Range(0, 7).Where(dow => byWeekday[dow].Count < SameWeekdayMinDays).Select(dow => ((DayOfWeek)dow).ToString()).ToList();
        var idle = Enumerable.Range(0, 7).Where(dow => byWeekday[dow].Count > 0 && byWeekday[dow].Sum() == 0).Select(dow => ((DayOfWeek)dow).ToString()).ToList();
        double? cv = thin.Count == 0 && idle.Count == 0 ? Enumerable.Range(0, 7).Average(dow => VariationCoefficient(byWeekday[dow])) : null;
        f.Add(SameWeekdayCv, cv, counted,
            whyNot: thin.Count > 0
                ? $"needs {SameWeekdayMinDays} of each weekday outside the holidays ({string.Join(", ", thin)} short)"
                : $"no sessions on any {string.Join(", ", idle)}");
    }

    // Journeys that differ and a catalog that lasts: completion by journey, people who have tried
    // every journey, and enrolments keeping pace with sessions.
    private static void CatalogFigures(RealismFacts facts, Window w, Figures f)
    {
        var enrolments = (facts.Enrolments ?? []).Where(e => e.StartedAt >= facts.From && e.StartedAt < facts.To).ToList();

        // Completion by journey, of the enrolments old enough to have completed (as journey_completion counts them).
        var byJourney = enrolments.Where(e => e.StartedAt <= facts.To.AddDays(-28))
            .GroupBy(e => e.Journey)
            .Select(g => (Enrolments: g.Count(), Completed: g.Count(e => e.CompletedAt is { } c && c <= facts.To)))
            .Where(j => j.Enrolments >= SpreadMinEnrolments)
            .Select(j => (j.Enrolments, Rate: j.Completed / (double)j.Enrolments))
            .ToList();
        var lowest = byJourney.Count > 0 ? byJourney.Min(j => j.Rate) : 0;
        f.Add(JourneyCompletionSpread, byJourney.Count >= 2 && lowest > 0 ? byJourney.Max(j => j.Rate) / lowest : null, byJourney.Sum(j => j.Enrolments),
            note: byJourney.Count > 0 ? $"{byJourney.Count} journeys, completion {lowest:P0} to {byJourney.Max(j => j.Rate):P0}" : null,
            whyNot: byJourney.Count < 2 ? $"needs two journeys with {SpreadMinEnrolments} enrolments, the window has {byJourney.Count}" : "a journey has no completions");

        // Who has run out of journeys: users active in the window's last 28 days.
        var lateFrom = facts.Days - FigureWindowDays;
        var active = 0;
        var exhausted = 0;
        for (var u = 0; u < w.UserCount; u++)
        {
            if (w.First[u + 1] > w.First[u] && w.Day[w.First[u + 1] - 1] >= lateFrom)
            {
                active++;
                exhausted += facts.PlayableJourneys is { } playable && facts.JourneysEnrolled?.GetValueOrDefault(w.UserIds[u]) >= playable ? 1 : 0;
            }
        }

        f.Add(CatalogExhausted, facts.PlayableJourneys > 0 && facts.JourneysEnrolled is not null && active > 0 ? exhausted / (double)active : null, active,
            note: facts.PlayableJourneys is { } count ? $"{exhausted} of {active} have enrolled in all {count} journeys" : null,
            whyNot: "the catalog's playable journeys are unknown");

        // Weekly enrolments over weekly sessions: week k = [From + 28 d + 7k d, +7 d), whole weeks inside the window.
        var weeks = Math.Max(0, (facts.Days - FigureWindowDays) / 7);
        var weekStart = facts.From.AddDays(FigureWindowDays);
        var enrolled = new int[weeks];
        var sessions = new int[weeks];
        int WeekOf(DateTimeOffset at) => at < weekStart ? -1 : (int)((at - weekStart).Ticks / (7 * TimeSpan.TicksPerDay));
        foreach (var e in enrolments)
        {
            if (WeekOf(e.StartedAt) is var k && k >= 0 && k < weeks)
            {
                enrolled[k]++;
            }
        }

        foreach (var s in w.Sessions)
        {
            if (WeekOf(s.Start) is var k && k >= 0 && k < weeks)
            {
                sessions[k]++;
            }
        }

        var ratios = Enumerable.Range(0, weeks).Where(k => sessions[k] > 0).Select(k => enrolled[k] / (double)sessions[k]).ToList();
        var mean = ratios.Count > 0 ? ratios.Average() : 0;
        f.Add(EnrolmentSessionRatio, ratios.Count >= 2 && mean > 0 ? ratios.Max(r => Math.Abs((r / mean) - 1)) : null, enrolled.Sum(),
            note: ratios.Count > 0 ? $"{ratios.Count} weeks, {ratios.Min():0.###} to {ratios.Max():0.###} enrolments a session (mean {mean:0.###})" : null,
            whyNot: $"needs two whole weeks with sessions after the window's first {FigureWindowDays} days");
    }

    // The words: captures another user also wrote, captures with a seam, trigger descriptions (no data where the facts were not read).
    private static void Words(RealismFacts facts, Figures f)
    {
        var words = facts.Words ?? new WordFacts(0, 0, 0, 0, 0);
        f.Add(CaptureTextReuse, words.Captures > 0 ? words.ReusedCaptures / (double)words.Captures : null, words.Captures);
        f.Add(CaptureSeams, words.Captures > 0 ? words.CaptureSeams : null, words.Captures);
        f.Add(TriggerDescriptionVariety, words.Triggers > 0 ? words.TriggerDescriptions : null, words.Triggers);
    }

    /// <summary>Dec 24-26 and Dec 31-Jan 2, which the same-weekday variation leaves out.</summary>
    public static bool Holiday(DateTime date) =>
        (date.Month == 12 && (date.Day is >= 24 and <= 26 or 31)) || (date.Month == 1 && date.Day <= 2);

    /// <summary>The sample standard deviation (n - 1) over the mean of at least two values whose mean is positive.</summary>
    public static double VariationCoefficient(IReadOnlyList<int> values)
    {
        var mean = values.Average();
        var squares = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (values.Count - 1)) / mean;
    }

    /// <summary>A capture's text as the distinct count compares it: lower-cased, digits and punctuation stripped, spaces collapsed.</summary>
    public static string NormaliseCapture(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetter(c))
            {
                builder.Append(c);
                space = false;
            }
            else if (char.IsWhiteSpace(c) && !space && builder.Length > 0)
            {
                builder.Append(' ');
                space = true;
            }
        }

        return builder.ToString().TrimEnd();
    }

    // The status rank of each intensity 0-10, worked out once.
    private static readonly int[] RankByIntensity = [.. Enumerable.Range(0, 11).Select(i => StatusRank(Content.MindblockStatusFor(i)))];

    /// <summary>Where a status stands along the progression struggling -> working_on_it -> easing.</summary>
    public static int StatusRank(string status) => status switch
    {
        "struggling" => 0,
        "working_on_it" => 1,
        _ => 2,
    };

    /// <summary>The Gini coefficient of the values and the share the top 10% hold (values sorted ascending).</summary>
    public static (double Gini, double Top10Share) Concentration(IReadOnlyList<double> ascending)
    {
        var n = ascending.Count;
        var total = ascending.Sum();
        if (n == 0 || total == 0)
        {
            return (0, 0);
        }

        var gini = ascending.Select((x, i) => ((2.0 * (i + 1)) - n - 1) * x).Sum() / (n * total);
        var top = ascending.Skip(n - Math.Max(1, n / 10)).Sum() / total;
        return (gini, top);
    }

    /// <summary>The Pearson correlation of two series of equal length.</summary>
    public static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var ma = a.Average();
        var mb = b.Average();
        double cov = 0, va = 0, vb = 0;
        for (var i = 0; i < a.Count; i++)
        {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }

        return va == 0 || vb == 0 ? 0 : cov / Math.Sqrt(va * vb);
    }

    private static RealismFigure Judge(FigureDefinition d, double? value, long n, int windowDays, double? min, double? max, string? note, string? whyNot)
    {
        var target = d.TargetText(min, max);
        if (value is null || n < d.MinSample || windowDays < d.MinWindowDays)
        {
            var why = windowDays < d.MinWindowDays
                ? $"needs a window of at least {d.MinWindowDays} days"
                : n >= d.MinSample && whyNot is not null
                    ? whyNot
                    : $"needs at least {d.MinSample} {d.SampleUnit}, the window has {n}";
            return new RealismFigure(d.Name, d.Meaning, value is { } v ? Math.Round(v, 4) : null, min, max, target, Verdicts.NotEnoughData, n, d.SampleUnit, why);
        }

        var pass = (min is null || value >= min - 1e-9) && (max is null || value <= max + 1e-9);
        return new RealismFigure(d.Name, d.Meaning, Math.Round(value.Value, 4), min, max, target, pass ? Verdicts.Pass : Verdicts.Fail, n, d.SampleUnit, note);
    }

    private static double? Share<T>(IReadOnlyCollection<T> items, Func<T, bool> predicate) =>
        items.Count == 0 ? null : items.Count(predicate) / (double)items.Count;

    // A configured rate's acceptable band: an absolute or a relative margin, whichever is wider.
    private static double Lower(double rate, double absolute, double relative) => Math.Max(0, rate - Math.Max(absolute, rate * relative));

    private static double Upper(double rate, double absolute, double relative) => Math.Min(1, rate + Math.Max(absolute, rate * relative));

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    // Of the signups whose day n after signup is over by the window's end, how many, and how many were active on it.
    private static (int Cohort, int Active) Retained(IEnumerable<Signup> signups, int n, DateTimeOffset to)
    {
        int cohort = 0, active = 0;
        foreach (var s in signups)
        {
            if (s.At.AddHours((24 * n) + 24) <= to)
            {
                cohort++;
                active += s.ActiveOn(n) ? 1 : 0;
            }
        }

        return (cohort, active);
    }

    private static List<CohortCurve> Cohorts(RealismFacts facts, List<Signup> signups)
    {
        var curves = new List<CohortCurve>();
        for (var week = 0; week * 7 < facts.Days; week++)
        {
            var start = facts.From.AddDays(week * 7);
            var members = signups.Where(s => s.At >= start && s.At < start.AddDays(7)).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var retention = new List<double?>();
            for (var n = 0; n <= 30; n++)
            {
                var (observable, active) = Retained(members, n, facts.To);
                if (observable == 0)
                {
                    break;
                }

                retention.Add(Math.Round(active / (double)observable, 4));
            }

            curves.Add(new CohortCurve(start, members.Count, retention));
        }

        return curves;
    }

    private static List<SessionsBucket> SessionsPerUser(Window w)
    {
        (string Label, int Min, int Max)[] buckets = [("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-5", 4, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-50", 21, 50), ("51+", 51, int.MaxValue)];
        var users = new int[buckets.Length];
        for (var u = 0; u < w.UserCount; u++)
        {
            var count = w.First[u + 1] - w.First[u];
            users[Array.FindIndex(buckets, b => count >= b.Min && count <= b.Max)]++;
        }

        return [.. buckets.Select((b, i) => new SessionsBucket(b.Label, users[i]))];
    }

    /// <summary>The whole UTC days inside the window [From, To): day i = [<see cref="First"/> + i days, +1 day).</summary>
    private readonly record struct UtcDays(DateTime First, int Count)
    {
        public static UtcDays Of(RealismFacts facts)
        {
            var from = facts.From.UtcDateTime;
            var first = from == from.Date ? from : from.Date.AddDays(1);
            return new UtcDays(first, Math.Max(0, (int)((facts.To.UtcDateTime.Date - first).Ticks / TimeSpan.TicksPerDay)));
        }

        /// <summary>The whole day <paramref name="at"/> falls on, or -1 outside them.</summary>
        public int IndexOf(DateTimeOffset at)
        {
            var ticks = (at.UtcDateTime - First).Ticks;
            return ticks >= 0 && ticks / TimeSpan.TicksPerDay < Count ? (int)(ticks / TimeSpan.TicksPerDay) : -1;
        }
    }

    /// <summary>A user who signed up in the window, and the days after signup (0-63) they had a session on, as bits.</summary>
    private readonly record struct Signup(Guid User, DateTimeOffset At, ulong ActiveDays)
    {
        public bool ActiveOn(int n) => (ActiveDays & (1UL << n)) != 0;
    }

    /// <summary>
    /// The window's sessions grouped by user, each user's in time order (<see cref="Sessions"/>[<see cref="First"/>[u]..<see cref="First"/>[u + 1]]),
    /// with each session's day of the window (day k = [From + 24k h, +24 h)).
    /// </summary>
    internal sealed class Window
    {
        public required SessionFact[] Sessions { get; init; }

        public required int[] Day { get; init; }

        public required int[] First { get; init; }

        public required Guid[] UserIds { get; init; }

        public required Dictionary<Guid, int> UserIndex { get; init; }

        public int UserCount => UserIds.Length;

        public static Window Of(RealismFacts facts)
        {
            var inWindow = facts.Sessions.Where(s => s.Start >= facts.From && s.Start < facts.To).ToList();
            var sorted = true;
            for (var k = 1; k < inWindow.Count && sorted; k++)
            {
                sorted = inWindow[k - 1].Start <= inWindow[k].Start;
            }

            if (!sorted)
            {
                inWindow = [.. inWindow.OrderBy(s => s.Start)];
            }

            // Users in order of their first session; each user's sessions together, in time order.
            var index = new Dictionary<Guid, int>();
            var userOf = new int[inWindow.Count];
            var counts = new List<int>();
            for (var k = 0; k < inWindow.Count; k++)
            {
                if (!index.TryGetValue(inWindow[k].User, out var u))
                {
                    u = index[inWindow[k].User] = counts.Count;
                    counts.Add(0);
                }

                userOf[k] = u;
                counts[u]++;
            }

            var first = new int[counts.Count + 1];
            for (var u = 0; u < counts.Count; u++)
            {
                first[u + 1] = first[u] + counts[u];
            }

            var next = first[..^1];
            var sessions = new SessionFact[inWindow.Count];
            var day = new int[inWindow.Count];
            for (var k = 0; k < inWindow.Count; k++)
            {
                var at = next[userOf[k]]++;
                sessions[at] = inWindow[k];
                day[at] = (int)((inWindow[k].Start - facts.From).Ticks / TimeSpan.TicksPerDay);
            }

            var ids = new Guid[counts.Count];
            foreach (var (id, u) in index)
            {
                ids[u] = id;
            }

            return new Window { Sessions = sessions, Day = day, First = first, UserIds = ids, UserIndex = index };
        }

        /// <summary>Each user's sessions in the window, in time order, users in order of their first session.</summary>
        public IEnumerable<(Guid User, ArraySegment<SessionFact> Sessions)> ByUser()
        {
            for (var u = 0; u < UserCount; u++)
            {
                yield return (UserIds[u], new ArraySegment<SessionFact>(Sessions, First[u], First[u + 1] - First[u]));
            }
        }

        /// <summary>The days of the window user <paramref name="u"/> had a session on, ascending.</summary>
        public IEnumerable<int> ActiveDays(int u)
        {
            for (var k = First[u]; k < First[u + 1]; k++)
            {
                if (k + 1 == First[u + 1] || Day[k + 1] != Day[k])
                {
                    yield return Day[k];
                }
            }
        }

        /// <summary>Day n after <paramref name="signup"/> = [signup + 24n h, +24 h): the days 0-63 the user had a session on, as bits.</summary>
        public ulong ActiveDaysAfter(Guid user, DateTimeOffset signup)
        {
            if (!UserIndex.TryGetValue(user, out var u))
            {
                return 0;
            }

            ulong bits = 0;
            for (var k = First[u]; k < First[u + 1]; k++)
            {
                var after = (Sessions[k].Start - signup).Ticks;
                if (after >= 0 && after / TimeSpan.TicksPerDay < 64)
                {
                    bits |= 1UL << (int)(after / TimeSpan.TicksPerDay);
                }
            }

            return bits;
        }
    }

    /// <summary>
    /// Local times in one zone, its offset looked up once per UTC hour; an hour with a transition
    /// inside it (its first and last moment at different offsets) is converted exactly.
    /// </summary>
    internal sealed class LocalClock(TimeZoneInfo zone)
    {
        private readonly Dictionary<long, TimeSpan?> _offsets = [];

        /// <summary>One clock per zone for one computation.</summary>
        public static Func<TimeZoneInfo, LocalClock> Cache()
        {
            var clocks = new Dictionary<TimeZoneInfo, LocalClock>(ReferenceEqualityComparer.Instance);
            return zone => clocks.TryGetValue(zone, out var clock) ? clock : clocks[zone] = new LocalClock(zone);
        }

        public DateTime Local(DateTimeOffset at)
        {
            var utc = at.UtcDateTime;
            var hour = utc.Ticks / TimeSpan.TicksPerHour;
            if (!_offsets.TryGetValue(hour, out var offset))
            {
                var start = new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc);
                var before = zone.GetUtcOffset(start);
                offset = _offsets[hour] = before == zone.GetUtcOffset(start.AddTicks(TimeSpan.TicksPerHour - 1)) ? before : null;
            }

            return offset is { } whole ? utc + whole : TimeZoneInfo.ConvertTime(at, zone).DateTime;
        }
    }
}
