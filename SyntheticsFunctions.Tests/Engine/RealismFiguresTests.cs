using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The realism figures on small constructed facts whose values are known exactly, and on windows
/// shorter than the figures need.
/// </summary>
public class RealismFiguresTests
{
    // A Monday, at midnight UTC.
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_one_day_window_without_a_weekend_day_is_computed_and_the_weekday_ratio_needs_more_days()
    {
        // Monday 2026-11-02: the window holds no weekend day, so the weekend's mean has no day to average.
        var from = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var user = Guid.NewGuid();
        var facts = new RealismFacts(
            from, from.AddDays(1), [new SessionFact(user, from.AddHours(9), Events: 10, ScenesOpened: 2, ScenesCompleted: 2)],
            new Dictionary<Guid, UserFact> { [user] = new(from.AddHours(8), "Europe/London") });

        var report = RealismFigures.Compute(facts);

        Assert.Equal(1, report.Days);
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.WeekdayWeekendRatio.Name].Verdict);
        Assert.Null(report[RealismFigures.WeekdayWeekendRatio.Name].Value);
        Assert.Equal(1, report[RealismFigures.LocalHourCorrelation.Name].N);
        Assert.Equal(RealismFigures.All.Count, report.Figures.Count);
    }

    [Fact]
    public void A_window_limited_to_the_history_held_says_so_and_judges_by_the_days_held()
    {
        var from = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var facts = new RealismFacts(from, from.AddDays(3), [], new Dictionary<Guid, UserFact>()) { AskedDays = 28 };

        var report = RealismFigures.Compute(facts);

        Assert.Equal(28, report.Days);
        Assert.Equal(from, report.From);
        Assert.StartsWith("The tables hold 3 of the 28 days asked for (history since 2026-11-02 00:00 UTC)", report.History, StringComparison.Ordinal);
        Assert.Equal(Verdicts.NotEnoughData, report[RealismFigures.WeekdayWeekendRatio.Name].Verdict);
        Assert.Equal("needs a window of at least 7 days", report[RealismFigures.WeekdayWeekendRatio.Name].Note);
    }

    [Fact]
    public void The_signup_floor_is_the_fewest_signups_on_one_of_the_last_21_days_over_the_mean_day()
    {
        // 28 whole UTC days: 10 signups a day on days 0-6, 4 a day on days 7-27 but 2 on day 20.
        var passing = SignupsOn(Monday, 28, day => day < 7 ? 10 : day == 20 ? 2 : 4);
        AssertFigure(passing, RealismFigures.SignupsPerDayFloor, 2 / (152 / 28.0), Verdicts.Pass, 28);

        // The same but none on day 27: signups stopped.
        var stopped = SignupsOn(Monday, 28, day => day < 7 ? 10 : day == 27 ? 0 : 4);
        AssertFigure(stopped, RealismFigures.SignupsPerDayFloor, 0, Verdicts.Fail, 28);

        // 21 days from 09:00 hold 20 whole UTC days: not enough, though the window is 21 days long.
        var late = Compute(Monday.AddHours(9), 21, [], Users(Enumerable.Range(0, 21).Select(d => Monday.AddDays(d).AddHours(10))));
        Assert.Equal(Verdicts.NotEnoughData, late[RealismFigures.SignupsPerDayFloor.Name].Verdict);
        Assert.Equal("needs at least 21 UTC days, the window has 20", late[RealismFigures.SignupsPerDayFloor.Name].Note);
    }

    [Fact]
    public void Back_to_back_sessions_start_at_most_five_minutes_after_the_previous_ones_last_event()
    {
        // 100 users with a session 10:00-10:20 and another at 14:00, but the first b start their
        // second at 10:25 (5 minutes after) and the last at 10:25:01; 5 more whose first session
        // has no recorded end (a 09:01 session after it is counted but cannot be back to back) and
        // whose third, a minute after the second, has none either (not counted).
        static RealismReport With(int b)
        {
            var day = Monday.AddDays(1);
            var sessions = new List<SessionFact>();
            for (var i = 0; i < 100; i++)
            {
                var user = Guid.NewGuid();
                sessions.Add(new SessionFact(user, day.AddHours(10), End: day.AddHours(10).AddMinutes(20)));
                var second = i < b ? day.AddHours(10).AddMinutes(25) : i == 99 ? day.AddHours(10).AddMinutes(25).AddSeconds(1) : day.AddHours(14);
                sessions.Add(new SessionFact(user, second, End: second.AddMinutes(15)));
            }

            for (var j = 0; j < 5; j++)
            {
                var user = Guid.NewGuid();
                sessions.Add(new SessionFact(user, day.AddHours(9)));
                sessions.Add(new SessionFact(user, day.AddHours(9).AddMinutes(1), End: day.AddHours(9).AddMinutes(20)));
                sessions.Add(new SessionFact(user, day.AddHours(9).AddMinutes(21)));
            }

            return Compute(Monday, 7, sessions, Users(sessions.Select(s => s.User).Distinct().Select(_ => Monday.AddDays(-30))));
        }

        AssertFigure(With(2), RealismFigures.BackToBackSessions, 2 / 205.0, Verdicts.Pass, 205);
        AssertFigure(With(3), RealismFigures.BackToBackSessions, 3 / 205.0, Verdicts.Fail, 205);
    }

    [Fact]
    public void The_return_gap_shares_split_returns_after_30_days_or_more_at_45_and_60_days()
    {
        // Gaps (start to start) between consecutive sessions: those under 30 days are no return.
        static RealismReport With(int from30, int from45, int from60)
        {
            var sessions = new List<SessionFact>();
            void User(params double[] days)
            {
                var user = Guid.NewGuid();
                sessions.AddRange(days.Select(d => new SessionFact(user, Monday.AddDays(d).AddHours(8))));
            }

            // Exactly 30, 45 and 60 days fall in the band they begin.
            User(0, 30);
            User(1, 45); // 44 days
            for (var i = 2; i < from30; i++)
            {
                User(2, 10, 10 + 35); // 8 days, then 35: one return
            }

            User(3, 48);
            for (var i = 1; i < from45; i++)
            {
                User(4, 4 + 50);
            }

            User(5, 65);
            for (var i = 1; i < from60; i++)
            {
                User(6, 6 + 70);
            }

            User(7, 7 + 30 - (1 / 1440.0)); // a minute short of 30 days
            User(8, 20, 40, 60, 80); // every 20 days
            return Compute(Monday, 90, sessions, Users(sessions.Select(s => s.User).Distinct().Select(_ => Monday.AddDays(-30))));
        }

        var spread = With(20, 10, 10);
        AssertFigure(spread, RealismFigures.ReturnGap30To45, 0.5, Verdicts.Pass, 40);
        AssertFigure(spread, RealismFigures.ReturnGap45To60, 0.25, Verdicts.Pass, 40);
        AssertFigure(spread, RealismFigures.ReturnGap60Plus, 0.25, Verdicts.Pass, 40);

        // A wall at 45 days: the longer gaps are too rare.
        var wall = With(36, 2, 2);
        AssertFigure(wall, RealismFigures.ReturnGap30To45, 0.9, Verdicts.Pass, 40);
        AssertFigure(wall, RealismFigures.ReturnGap45To60, 0.05, Verdicts.Fail, 40);
        AssertFigure(wall, RealismFigures.ReturnGap60Plus, 0.05, Verdicts.Fail, 40);
    }

    [Fact]
    public void The_return_gap_shares_need_a_61_day_window()
    {
        // 40 returns after 30 days 23 hours, in a 60-day window.
        var users = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var sessions = users.SelectMany(u => new[] { new SessionFact(u, Monday.AddHours(1)), new SessionFact(u, Monday.AddDays(31)) }).ToList();

        var report = Compute(Monday, 60, sessions, users.ToDictionary(u => u, _ => new UserFact(Monday.AddDays(-30), "UTC")));

        var figure = report[RealismFigures.ReturnGap30To45.Name];
        Assert.Equal(Verdicts.NotEnoughData, figure.Verdict);
        Assert.Equal(1.0, figure.Value);
        Assert.Equal(40, figure.N);
        Assert.Equal("needs a window of at least 61 days", figure.Note);
    }

    [Fact]
    public void The_same_weekday_variation_is_the_mean_over_weekdays_of_daily_sessions_sd_over_mean()
    {
        // 8 weeks from Monday 2026-09-07 (no holiday): every day of a week has 90 sessions in even
        // weeks and 110 in odd ones, so each weekday's 8 days have a mean of 100 and a sample sd of
        // sqrt(8 x 100 / 7).
        var start = new DateTimeOffset(2026, 9, 7, 0, 0, 0, TimeSpan.Zero);
        var varying = SessionsOn(start, 56, day => day / 7 % 2 == 0 ? 90 : 110);
        AssertFigure(varying, RealismFigures.SameWeekdayCv, Math.Sqrt(800 / 7.0) / 100, Verdicts.Pass, 56);
        Assert.Equal(0.1069, varying[RealismFigures.SameWeekdayCv.Name].Value);

        // A metronome: every day alike.
        var metronome = SessionsOn(start, 56, _ => 100);
        AssertFigure(metronome, RealismFigures.SameWeekdayCv, 0, Verdicts.Fail, 56);
    }

    [Fact]
    public void The_same_weekday_variation_reads_the_last_eight_weeks_without_the_holidays()
    {
        // 10 weeks from Monday 2026-11-16: the first two (500 a day) are before the last 8 weeks;
        // the holidays (Thursday to Saturday, 2026-12-24-26 and 2026-12-31-2027-01-02) have 1,000
        // and are left out, so Thursday, Friday and Saturday keep 6 days each. The first of the 8
        // weeks has 150 a day, the others 100.
        var start = new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
        var report = SessionsOn(start, 70, day =>
            day < 14 ? 500 : RealismFigures.Holiday(start.AddDays(day).UtcDateTime) ? 1000 : day < 21 ? 150 : 100);

        // Each weekday: one day of 150 and n - 1 of 100 (n = 8, or 6 for Thursday to Saturday).
        static double Cv(int n)
        {
            var mean = (150 + (100.0 * (n - 1))) / n;
            var sd = Math.Sqrt((Math.Pow(150 - mean, 2) + ((n - 1) * Math.Pow(100 - mean, 2))) / (n - 1));
            return sd / mean;
        }

        AssertFigure(report, RealismFigures.SameWeekdayCv, ((4 * Cv(8)) + (3 * Cv(6))) / 7, Verdicts.Fail, 56 - 6);
        Assert.Equal(0.1758, report[RealismFigures.SameWeekdayCv.Name].Value);

        // 20 days: fewer than 3 of some weekday.
        Assert.Equal(Verdicts.NotEnoughData, SessionsOn(Monday, 20, _ => 100)[RealismFigures.SameWeekdayCv.Name].Verdict);
    }

    [Fact]
    public void First_day_enrolments_are_judged_against_the_median_days()
    {
        // 7 whole days: the first has 30 (or 40) enrolments, the others 10, 12, 14, 16, 18, 20; median 16.
        int[] later = [10, 12, 14, 16, 18, 20];
        AssertFigure(EnrolmentsOn(Monday.AddHours(9).AddMinutes(3), [30, .. later]), RealismFigures.FirstDayEnrolments, 30 / 16.0, Verdicts.Pass, 120);
        AssertFigure(EnrolmentsOn(Monday.AddHours(9).AddMinutes(3), [40, .. later]), RealismFigures.FirstDayEnrolments, 40 / 16.0, Verdicts.Fail, 130);
    }

    [Fact]
    public void Enrolments_before_their_journeys_creation_are_counted_where_the_creation_is_known()
    {
        var created = Monday.AddDays(2);
        var user = Guid.NewGuid();
        EnrolmentFact Enrolment(DateTimeOffset at, DateTimeOffset? journeyCreated) => new(Guid.NewGuid(), user, Guid.NewGuid(), at, null, 5, false, journeyCreated);
        RealismReport With(params EnrolmentFact[] enrolments) =>
            RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), [], new Dictionary<Guid, UserFact> { [user] = new(Monday.AddDays(-1), "UTC") }, enrolments));

        // At its creation, after it, and one whose journey's creation is unknown (not counted).
        AssertFigure(With(Enrolment(created, created), Enrolment(created.AddDays(1), created), Enrolment(Monday, null)),
            RealismFigures.EnrolmentsBeforeJourneyCreated, 0, Verdicts.Pass, 2);
        AssertFigure(With(Enrolment(created.AddTicks(-10), created), Enrolment(created.AddDays(1), created), Enrolment(Monday, null)),
            RealismFigures.EnrolmentsBeforeJourneyCreated, 1, Verdicts.Fail, 2);
    }

    [Fact]
    public void A_seven_day_history_says_not_enough_data_for_the_new_figures_that_need_more_never_fail()
    {
        // 7 days held of 28 asked for: one signup on the first day only, every day's sessions alike.
        var from = Monday.AddHours(9);
        var sessions = Enumerable.Range(0, 7 * 24).Select(h => new SessionFact(Guid.NewGuid(), from.AddHours(h))).ToList();
        var users = sessions.ToDictionary(s => s.User, _ => new UserFact(from.AddDays(-40), "UTC"));
        users[Guid.NewGuid()] = new UserFact(from.AddHours(1), "UTC");

        var report = RealismFigures.Compute(new RealismFacts(from, from.AddDays(7), sessions, users) { AskedDays = 28 });

        foreach (var (definition, days) in new[] { (RealismFigures.SignupsPerDayFloor, 21), (RealismFigures.SameWeekdayCv, 21), (RealismFigures.ReturnGap30To45, 61) })
        {
            var figure = report[definition.Name];
            Assert.Equal((Verdicts.NotEnoughData, $"needs a window of at least {days} days"), (figure.Verdict, figure.Note));
        }

        Assert.Contains("same_weekday_cv, signups_per_day_floor", report.History, StringComparison.Ordinal);
    }

    [Fact]
    public void The_equal_gap_share_counts_scenes_with_two_consecutive_gaps_equal_within_a_millisecond()
    {
        // Steps (seconds after a scene opened at 10:00) of 200 scenes with 3 or more, and 5 with 2 (left out).
        static RealismReport With(int equal)
        {
            var scenes = new List<double[]>();
            scenes.AddRange(Enumerable.Repeat<double[]>([0, 10, 20], equal - 2)); // evenly spaced
            scenes.Add([0, 10, 20.0009]); // 0.9 ms apart: equal
            scenes.Add([0, 5, 15, 25]); // the last two gaps equal
            scenes.Add([0, 10, 20.0011]); // 1.1 ms apart: not equal
            scenes.AddRange(Enumerable.Repeat<double[]>([0, 7, 19, 40], 200 - scenes.Count));
            scenes.AddRange(Enumerable.Repeat<double[]>([0, 10], 5));
            var opened = Monday.AddHours(10);
            return RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(1), [], new Dictionary<Guid, UserFact>())
            {
                SceneSteps = [.. scenes.Select(steps => (IReadOnlyList<DateTimeOffset>)[.. steps.Select(at => opened.AddTicks((long)Math.Round(at * TimeSpan.TicksPerSecond)))])],
            });
        }

        AssertFigure(With(10), RealismFigures.EqualGapShare, 0.05, Verdicts.Pass, 200);
        AssertFigure(With(11), RealismFigures.EqualGapShare, 0.055, Verdicts.Fail, 200);

        // No steps read: no value.
        Assert.Equal(Verdicts.NotEnoughData, Compute(Monday, 1, [], [])[RealismFigures.EqualGapShare.Name].Verdict);
    }

    [Fact]
    public void Session_length_figures_take_the_99th_percentile_over_the_median_and_the_share_over_30_minutes()
    {
        // 200 sessions with an end: 100 of 60 s, 96 of 180 s and four more; one more without an end (not counted).
        static RealismReport With(params double[] longest)
        {
            var lengths = Enumerable.Repeat(60.0, 100).Concat(Enumerable.Repeat(180.0, 96)).Concat(longest).ToList();
            var start = Monday.AddHours(9);
            var sessions = lengths.Select((l, i) => new SessionFact(Guid.NewGuid(), start.AddMinutes(i), End: start.AddMinutes(i).AddSeconds(l))).ToList();
            sessions.Add(new SessionFact(Guid.NewGuid(), start.AddHours(5)));
            return Compute(Monday, 7, sessions, sessions.ToDictionary(s => s.User, _ => new UserFact(Monday.AddDays(-30), "UTC")));
        }

        // The median (120 s) between the 100th and 101st; p99 the 198th of 200; exactly 30 minutes is not over.
        var tail = With(1800, 2400, 2400, 2400);
        AssertFigure(tail, RealismFigures.SessionLengthP99OverMedian, 20, Verdicts.Pass, 200);
        AssertFigure(tail, RealismFigures.SessionsOver30Min, 0.015, Verdicts.Pass, 200);

        var one = With(1800, 1800, 1800, 1801);
        AssertFigure(one, RealismFigures.SessionLengthP99OverMedian, 15, Verdicts.Pass, 200);
        AssertFigure(one, RealismFigures.SessionsOver30Min, 0.005, Verdicts.Pass, 200);

        var brief = With(300, 300, 300, 300);
        AssertFigure(brief, RealismFigures.SessionLengthP99OverMedian, 2.5, Verdicts.Fail, 200);
        AssertFigure(brief, RealismFigures.SessionsOver30Min, 0, Verdicts.Fail, 200);
    }

    [Fact]
    public void The_completion_spread_is_the_highest_over_the_lowest_completion_of_journeys_with_200_enrolments()
    {
        // A 60-day window; enrolments on day 1 (old enough), per journey: how many, completed by the end, completed after it.
        var user = Guid.NewGuid();
        var to = Monday.AddDays(60);
        RealismReport With(params (int Enrolments, int Completed, int Late)[] journeys)
        {
            var enrolments = new List<EnrolmentFact>();
            foreach (var (count, completed, late) in journeys)
            {
                var journey = Guid.NewGuid();
                for (var i = 0; i < count; i++)
                {
                    var at = Monday.AddDays(1).AddMinutes(i);
                    DateTimeOffset? done = i < completed ? at.AddDays(4) : i < completed + late ? to.AddHours(1) : null;
                    enrolments.Add(new EnrolmentFact(Guid.NewGuid(), user, journey, at, done, 6, false));
                }

                // Enrolments less than 28 days before the end do not count, completed or not.
                enrolments.AddRange(Enumerable.Range(0, 50).Select(i => new EnrolmentFact(Guid.NewGuid(), user, journey, to.AddDays(-10).AddMinutes(i), to.AddDays(-5), 6, false)));
            }

            return RealismFigures.Compute(new RealismFacts(Monday, to, [], new Dictionary<Guid, UserFact> { [user] = new(Monday.AddDays(-1), "UTC") }, enrolments));
        }

        // 150 of 300 (0.5; 10 more completed after the end) against 70 of 200 (0.35); 199 enrolments with no completion are too few to count.
        AssertFigure(With((300, 150, 10), (200, 70, 0), (199, 0, 0)), RealismFigures.JourneyCompletionSpread, 0.5 / 0.35, Verdicts.Pass, 500);
        AssertFigure(With((300, 150, 10), (200, 90, 0), (199, 0, 0)), RealismFigures.JourneyCompletionSpread, 0.5 / 0.45, Verdicts.Fail, 500);

        var single = With((300, 150, 0), (199, 10, 0))[RealismFigures.JourneyCompletionSpread.Name];
        Assert.Equal((Verdicts.NotEnoughData, 300L), (single.Verdict, single.N));
    }

    [Fact]
    public void The_exhausted_share_is_of_users_active_in_the_last_28_days_who_enrolled_in_every_playable_journey()
    {
        // A 30-day window: 120 users with a session on day 10, of whom e enrolled in all 12 journeys and 5 in 11;
        // 3 more in all 12 whose only session was on day 1 (not in the last 28 days).
        RealismReport With(int e, bool known = true)
        {
            var sessions = new List<SessionFact>();
            var enrolled = new Dictionary<Guid, int>();
            for (var i = 0; i < 123; i++)
            {
                var user = Guid.NewGuid();
                sessions.Add(new SessionFact(user, Monday.AddDays(i < 120 ? 10 : 1).AddMinutes(i)));
                enrolled[user] = i < e || i >= 120 ? 12 : i < e + 5 ? 11 : 3;
            }

            var users = sessions.ToDictionary(s => s.User, _ => new UserFact(Monday.AddDays(-50), "UTC"));
            return RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(30), sessions, users)
            {
                PlayableJourneys = known ? 12 : null,
                JourneysEnrolled = known ? enrolled : null,
            });
        }

        AssertFigure(With(10), RealismFigures.CatalogExhausted, 10 / 120.0, Verdicts.Pass, 120);
        AssertFigure(With(13), RealismFigures.CatalogExhausted, 13 / 120.0, Verdicts.Fail, 120);
        Assert.Equal(Verdicts.NotEnoughData, With(10, known: false)[RealismFigures.CatalogExhausted.Name].Verdict);
    }

    [Fact]
    public void The_enrolment_session_ratio_deviation_is_the_largest_weeks_distance_from_the_mean_ratio_after_28_days()
    {
        // A 52-day window: whole weeks 1-3 after day 28 (days 28-48) with 1,000 sessions each and the
        // given enrolments; enrolments in the first 28 days and in the part week at the end do not count.
        RealismReport With(params int[] perWeek)
        {
            var user = Guid.NewGuid();
            var sessions = new List<SessionFact>();
            var enrolments = new List<EnrolmentFact>();
            EnrolmentFact Enrolment(DateTimeOffset at) => new(Guid.NewGuid(), user, Guid.NewGuid(), at, null, 6, false);
            for (var week = 0; week < 3; week++)
            {
                var start = Monday.AddDays(28 + (7 * week));
                sessions.AddRange(Enumerable.Range(0, 1_000).Select(k => new SessionFact(user, start.AddMinutes(10 * k))));
                enrolments.AddRange(Enumerable.Range(0, perWeek[week]).Select(k => Enrolment(start.AddMinutes(10 * k))));
            }

            enrolments.AddRange(Enumerable.Range(0, 500).Select(k => Enrolment(Monday.AddDays(3).AddMinutes(k))));
            enrolments.AddRange(Enumerable.Range(0, 500).Select(k => Enrolment(Monday.AddDays(50).AddMinutes(k))));
            return RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(52), sessions, new Dictionary<Guid, UserFact> { [user] = new(Monday.AddDays(-1), "UTC") }, enrolments));
        }

        // Ratios 0.3, 0.3 and 0.24 (mean 0.28): the last is 1/7 below; 0.3, 0.3 and 0.15 (mean 0.25): the last is 40% below.
        AssertFigure(With(300, 300, 240), RealismFigures.EnrolmentSessionRatio, 1 / 7.0, Verdicts.Pass, 840);
        AssertFigure(With(300, 300, 150), RealismFigures.EnrolmentSessionRatio, 0.4, Verdicts.Fail, 750);

        var brief = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(35), [], new Dictionary<Guid, UserFact>()))[RealismFigures.EnrolmentSessionRatio.Name];
        Assert.Equal((Verdicts.NotEnoughData, "needs a window of at least 42 days"), (brief.Verdict, brief.Note));
    }

    [Fact]
    public void The_responder_share_and_the_persona_baseline_spread_read_the_users_who_signed_up_in_the_window()
    {
        // 100 "early" newcomers start at 6 with 8 checks each, 70 of them ending lower (4) and 30 level (6);
        // 100 "late" newcomers start at 7 or 8 (a mean of 7.5) with 7 checks (too few for the share);
        // 10 "few" newcomers start at 10 and all end lower, too few to count in the spread; one who
        // signed up before the window (lower, first level 0) counts in neither.
        var signup = Monday.AddDays(1);
        var users = new List<CheckedUserFact>();
        users.AddRange(Enumerable.Range(0, 100).Select(i => new CheckedUserFact(Guid.NewGuid(), "early", signup, 8, 6, 6, i < 70 ? 4 : 6)));
        users.AddRange(Enumerable.Range(0, 100).Select(i => new CheckedUserFact(Guid.NewGuid(), "late", signup, 7, 7 + (i % 2), 7, 5)));
        users.AddRange(Enumerable.Range(0, 10).Select(_ => new CheckedUserFact(Guid.NewGuid(), "few", signup, 10, 10, 9, 3)));
        users.Add(new CheckedUserFact(Guid.NewGuid(), "early", Monday.AddDays(-1), 20, 0, 9, 1));
        RealismReport With(int days) =>
            RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(days), [], new Dictionary<Guid, UserFact>()) { Outcomes = new OutcomeFacts(users, [], []) });

        var report = With(28);
        AssertFigure(report, RealismFigures.ResponderShare, 80 / 110.0, Verdicts.Pass, 110);
        AssertFigure(report, RealismFigures.PersonaBaselineSpread, 1.5, Verdicts.Pass, 210);
        Assert.Equal("early 6.00 to late 7.50", report[RealismFigures.PersonaBaselineSpread.Name].Note);

        // A week cannot show who responds; the baselines it can.
        report = With(7);
        var share = report[RealismFigures.ResponderShare.Name];
        Assert.Equal((Verdicts.NotEnoughData, "needs a window of at least 28 days"), (share.Verdict, share.Note));
        AssertFigure(report, RealismFigures.PersonaBaselineSpread, 1.5, Verdicts.Pass, 210);
    }

    [Theory]
    [InlineData(new[] { 5 }, 1, 5, 5.0, 5.0)]
    [InlineData(new[] { 8, 2 }, 2, 8, 5.0, 5.0)]
    [InlineData(new[] { 9, 8, 7, 3 }, 4, 9, 8.0, 6.0)]
    [InlineData(new[] { 9, 9, 6, 5, 4, 1, 2, 3 }, 8, 9, 8.0, 2.0)]
    public void A_checked_users_fact_is_the_count_the_first_level_and_the_means_of_the_first_and_last_three_checks(
        int[] levels, int checks, int first, double firstMean, double lastMean)
    {
        var fact = CheckedUserFact.Of(Guid.Empty, "p", Monday, levels);

        Assert.Equal((checks, first, firstMean, lastMean), (fact.Checks, fact.FirstLevel, fact.FirstMean, fact.LastMean));
    }

    [Fact]
    public void Cramers_v_is_zero_where_persona_says_nothing_of_the_choice_and_grows_with_the_association()
    {
        // Strategies: "a" chooses x three times as often as y, "b" the other way round: each cell
        // 250 off its expected 500, chi-squared 4 x 250^2 / 500 = 500 over n 2000, V = sqrt(0.25).
        PersonaChoice[] strategies = [new("a", "x", 750), new("a", "y", 250), new("b", "x", 250), new("b", "y", 750)];
        PersonaChoice[] signals = [new("a", "x", 500), new("a", "y", 500), new("b", "x", 500), new("b", "y", 500)];
        var report = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), [], new Dictionary<Guid, UserFact>()) { Outcomes = new OutcomeFacts([], strategies, signals) });

        AssertFigure(report, RealismFigures.PersonaStrategyCramersV, 0.5, Verdicts.Pass, 2000);
        AssertFigure(report, RealismFigures.PersonaSignalCramersV, 0, Verdicts.Fail, 2000);

        // Three personas, three values, each persona one value only: V = 1. One persona: no table.
        Assert.Equal(1, RealismFigures.CramersV([new("a", "x", 5), new("b", "y", 7), new("c", "z", 9)])!.Value, 9);
        Assert.Null(RealismFigures.CramersV([new("a", "x", 5), new("a", "y", 7)]));
    }

    [Fact]
    public void The_spread_growth_is_the_week_4_sd_of_users_mean_resistance_over_the_week_1_sd()
    {
        // 30 users signed up an hour into a 35-day window: half check 6 in week 1 and 3 in week 4,
        // half 8 and 9. Sample sds 1 x sqrt(30/29) and 3 x sqrt(30/29): a ratio of 3. The mean
        // change (3 and -1) is 1.
        var signup = Monday.AddHours(1);
        var users = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();
        var sessions = users.SelectMany((u, i) => new[]
        {
            new SessionFact(u, signup.AddDays(1), Events: 1, ResistanceSum: i % 2 == 0 ? 6 : 8, ResistanceCount: 1),
            new SessionFact(u, signup.AddDays(22), Events: 1, ResistanceSum: i % 2 == 0 ? 3 : 9, ResistanceCount: 1),
        }).ToList();
        var report = Compute(Monday, 35, sessions, users.ToDictionary(u => u, _ => new UserFact(signup, "UTC")));

        AssertFigure(report, RealismFigures.ResistanceSpreadGrowth, 3, Verdicts.Pass, 30);
        Assert.Equal("sd 1.02 in week 1, 3.05 in week 4", report[RealismFigures.ResistanceSpreadGrowth.Name].Note);
        AssertFigure(report, RealismFigures.ResistanceChange, 1, Verdicts.Pass, 30);
        Assert.Equal(Verdicts.NotEnoughData, Compute(Monday, 28, sessions, users.ToDictionary(u => u, _ => new UserFact(signup, "UTC")))[RealismFigures.ResistanceSpreadGrowth.Name].Verdict);
    }

    [Fact]
    public void The_time_zones_are_those_of_the_users_with_a_session_in_the_window()
    {
        // 600 users with a session in 24 zones of the market (25 each), and 10 more in a 25th zone
        // with no session in the window: 24 zones, the target exactly.
        var zones = SyntheticsFunctions.Engine.Markets.Zones.Select(z => z.Timezone).ToList();
        var active = Enumerable.Range(0, 600).ToDictionary(_ => Guid.NewGuid(), i => new UserFact(Monday.AddDays(-1), zones[i % 24]));
        var sessions = active.Keys.Select(u => new SessionFact(u, Monday.AddHours(12))).ToList();
        var users = active.Concat(Enumerable.Range(0, 10).Select(_ => KeyValuePair.Create(Guid.NewGuid(), new UserFact(Monday.AddDays(-1), zones[24])))).ToDictionary();

        AssertFigure(Compute(Monday, 7, sessions, users), RealismFigures.TimeZones, 24, Verdicts.Pass, 600);

        // The same users in 12 zones: too few for the global mix, all of a one-region mix's 12.
        var twelve = active.ToDictionary(u => u.Key, u => u.Value with { Timezone = zones[zones.IndexOf(u.Value.Timezone) % 12] });
        AssertFigure(Compute(Monday, 7, sessions, twelve), RealismFigures.TimeZones, 12, Verdicts.Fail, 600);
        var europe = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), sessions, twelve) { MixZones = 12 });
        AssertFigure(europe, RealismFigures.TimeZones, 12, Verdicts.Pass, 600);
    }

    [Fact]
    public void Persona_claims_are_judged_on_each_personas_sessions_at_its_users_local_time()
    {
        // A Monday-to-Sunday week. The weekend warrior (London): 150 sessions at 10:00 on Saturday
        // and 150 on Monday, a weekend share of 0.5, a mean hour of 10. The night owl (Kolkata,
        // UTC+5:30): 300 at 19:30 UTC on Tuesday, 01:00 local on Wednesday, read as hour 25 of a day
        // that starts at 04:00: the latest. Two claims checked (no other persona has data), both hold.
        var warrior = Guid.NewGuid();
        var owl = Guid.NewGuid();
        var users = new Dictionary<Guid, UserFact>
        {
            [warrior] = new(Monday.AddDays(-1), "Europe/London", "weekend_warrior"),
            [owl] = new(Monday.AddDays(-1), "Asia/Kolkata", "night_owl"),
        };
        List<SessionFact> Repeat(Guid user, DateTimeOffset at, int count) => [.. Enumerable.Range(0, count).Select(k => new SessionFact(user, at.AddSeconds(k)))];
        var sessions = Repeat(warrior, Monday.AddDays(5).AddHours(10), 150).Concat(Repeat(warrior, Monday.AddHours(10), 150)).Concat(Repeat(owl, Monday.AddDays(1).AddHours(19.5), 300)).ToList();

        var facts = new RealismFacts(Monday, Monday.AddDays(7), sessions, users);
        var measures = PersonaClaims.Measure(facts).ToDictionary(m => m.Persona);

        Assert.Equal(0.5, measures["weekend_warrior"].WeekendShare!.Value, 9);
        Assert.Equal(10, measures["weekend_warrior"].MeanLocalHour!.Value, 1);
        Assert.Equal(150, measures["weekend_warrior"].SessionsPerActiveDay!.Value, 9);
        Assert.Equal(2, measures["weekend_warrior"].ActiveDaysPerUser!.Value, 9);
        Assert.Equal(0, measures["night_owl"].WeekendShare!.Value, 9);
        Assert.Equal(25, measures["night_owl"].MeanLocalHour!.Value, 1);
        Assert.Null(measures["night_owl"].FirstResistance);
        AssertFigure(RealismFigures.Compute(facts), RealismFigures.PersonaClaimsFailing, 0, Verdicts.Pass, 2);

        // The night owl's sessions moved to Sunday: its weekend share (1) beats the warrior's.
        var sunday = sessions.Select(s => s.User == owl ? s with { Start = s.Start.AddDays(4) } : s).ToList();
        var report = RealismFigures.Compute(facts with { Sessions = sunday });
        AssertFigure(report, RealismFigures.PersonaClaimsFailing, 1, Verdicts.Fail, 2);
        Assert.Contains("weekend_warrior: highest weekend_share 0.5 (fails: night_owl 1)", report[RealismFigures.PersonaClaimsFailing.Name].Note, StringComparison.Ordinal);

        // Six days hold no whole week: the claims wait for 7.
        Assert.Equal(Verdicts.NotEnoughData, RealismFigures.Compute(facts with { To = Monday.AddDays(6) })[RealismFigures.PersonaClaimsFailing.Name].Verdict);
    }

    [Fact]
    public void First_session_within_1s_share_counts_users_whose_profile_was_created_in_the_window_by_their_first_session()
    {
        // 100 users whose profile appears on Tuesday 10:00, their first session k of them 1 s later,
        // one 1.001 s later, the rest 5 minutes later, and each another at 14:00. Not counted: 3
        // whose profile appeared before the window (first session in it, 0.5 s after a day), 2
        // with no session, 1 whose profile's time is unknown (a signup only).
        static RealismReport With(int k)
        {
            var joined = Monday.AddDays(1).AddHours(10);
            var sessions = new List<SessionFact>();
            var users = new Dictionary<Guid, UserFact>();
            for (var i = 0; i < 100; i++)
            {
                var user = Guid.NewGuid();
                users[user] = new UserFact(joined, "UTC", JoinedAt: joined);
                sessions.Add(new SessionFact(user, joined.AddHours(4)));
                sessions.Add(new SessionFact(user, i < k ? joined.AddSeconds(1) : i == 99 ? joined.AddMilliseconds(1001) : joined.AddMinutes(5)));
            }

            for (var j = 0; j < 3; j++)
            {
                var user = Guid.NewGuid();
                users[user] = new UserFact(Monday.AddDays(-1), "UTC", JoinedAt: Monday.AddDays(-1));
                sessions.Add(new SessionFact(user, Monday.AddDays(-1).AddMilliseconds(500)));
                sessions.Add(new SessionFact(user, joined));
            }

            users[Guid.NewGuid()] = new UserFact(joined, "UTC", JoinedAt: joined);
            users[Guid.NewGuid()] = new UserFact(joined, "UTC", JoinedAt: joined);
            var unknown = Guid.NewGuid();
            users[unknown] = new UserFact(joined, "UTC");
            sessions.Add(new SessionFact(unknown, joined));
            return Compute(Monday, 7, [.. sessions.OrderBy(s => s.Start)], users);
        }

        AssertFigure(With(20), RealismFigures.FirstSessionWithin1s, 0.20, Verdicts.Pass, 100);
        AssertFigure(With(21), RealismFigures.FirstSessionWithin1s, 0.21, Verdicts.Fail, 100);
        Assert.Equal("median delay 5.0 min", With(20)[RealismFigures.FirstSessionWithin1s.Name].Note);
        Assert.Equal(Verdicts.NotEnoughData, Compute(Monday, 7, [], [])[RealismFigures.FirstSessionWithin1s.Name].Verdict);
    }

    [Fact]
    public void The_word_figures_count_texts_another_user_wrote_seams_and_trigger_descriptions()
    {
        // 1,000 users write 2 captures each: user i writes "Felt calm today #i" (digits stripped:
        // the same normalised text for all 1,000, so all 1,000 are reused) and "Note number i" in
        // words of its own (unique); the first 10 users also write their first text twice more
        // (still one text, already shared). Users 0-2 write one with a seam each. 600 triggers, 60 descriptions.
        var tally = new CaptureTally(SyntheticsFunctions.Engine.Seams.LabelsOf(SyntheticsFunctions.Engine.DefaultCatalog.Catalog));
        var users = Enumerable.Range(0, 1_000).Select(i => new Guid(i, 0, 0, new byte[8])).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            tally.Add(users[i], $"Felt calm today #{i}.");
            tally.Add(users[i], "Note " + string.Concat(i.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => (char)('a' + d - '0'))));
            if (i < 10)
            {
                tally.Add(users[i], $"felt calm today {i}");
                tally.Add(users[i], "FELT CALM TODAY!");
            }
        }

        tally.Add(users[0], "My hands gets tight");
        tally.Add(users[1], "What if I'll freeze?");
        tally.Add(users[2], "Caught the \"Should statements\" thought again");
        var words = tally.Facts(600, 60);
        var report = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), [], new Dictionary<Guid, UserFact>()) { Words = words });

        Assert.Equal(new WordFacts(2_023, 1_020, 3, 600, 60), words);
        AssertFigure(report, RealismFigures.CaptureTextReuse, 1_020 / 2_023.0, Verdicts.Fail, 2_023);
        AssertFigure(report, RealismFigures.CaptureSeams, 3, Verdicts.Fail, 2_023);
        AssertFigure(report, RealismFigures.TriggerDescriptionVariety, 60, Verdicts.Pass, 600);

        // Without the shared text: none reused and no seam pass; 49 descriptions do not; no facts, no data.
        var unique = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), [], new Dictionary<Guid, UserFact>()) { Words = new WordFacts(1_000, 0, 0, 600, 49) });
        AssertFigure(unique, RealismFigures.CaptureTextReuse, 0, Verdicts.Pass, 1_000);
        AssertFigure(unique, RealismFigures.CaptureSeams, 0, Verdicts.Pass, 1_000);
        AssertFigure(unique, RealismFigures.TriggerDescriptionVariety, 49, Verdicts.Fail, 600);
        var none = RealismFigures.Compute(new RealismFacts(Monday, Monday.AddDays(7), [], new Dictionary<Guid, UserFact>()));
        Assert.Equal(Verdicts.NotEnoughData, none[RealismFigures.CaptureSeams.Name].Verdict);
        Assert.Equal(Verdicts.NotEnoughData, none[RealismFigures.CaptureTextReuse.Name].Verdict);
    }

    private static RealismReport Compute(DateTimeOffset from, int days, List<SessionFact> sessions, Dictionary<Guid, UserFact> users) =>
        RealismFigures.Compute(new RealismFacts(from, from.AddDays(days), sessions, users));

    private static Dictionary<Guid, UserFact> Users(IEnumerable<DateTimeOffset> signups) =>
        signups.ToDictionary(_ => Guid.NewGuid(), at => new UserFact(at, "UTC"));

    // Signups on each whole day of a window from midnight, at 10:00 (no sessions).
    private static RealismReport SignupsOn(DateTimeOffset from, int days, Func<int, int> perDay) =>
        Compute(from, days, [], Users(Enumerable.Range(0, days).SelectMany(d => Enumerable.Repeat(from.AddDays(d).AddHours(10), perDay(d)))));

    // Sessions on each whole day of a window from midnight, 20 seconds apart from 08:00 (up to 2,880 a day), of one user.
    private static RealismReport SessionsOn(DateTimeOffset from, int days, Func<int, int> perDay)
    {
        var user = Guid.NewGuid();
        var sessions = Enumerable.Range(0, days).SelectMany(d => Enumerable.Range(0, perDay(d)).Select(k => new SessionFact(user, from.AddDays(d).AddHours(8).AddSeconds(20 * k)))).ToList();
        return Compute(from, days, sessions, new Dictionary<Guid, UserFact> { [user] = new(from.AddDays(-1), "UTC") });
    }

    // Enrolments on each whole day of a window (day k = [from + 24k h, +24 h)), an hour into the day.
    private static RealismReport EnrolmentsOn(DateTimeOffset from, int[] perDay)
    {
        var user = Guid.NewGuid();
        var enrolments = perDay.SelectMany((count, d) => Enumerable.Range(0, count).Select(k => new EnrolmentFact(Guid.NewGuid(), user, Guid.NewGuid(), from.AddDays(d).AddHours(1).AddMinutes(k), null, 5, false))).ToList();
        return RealismFigures.Compute(new RealismFacts(from, from.AddDays(perDay.Length), [], new Dictionary<Guid, UserFact> { [user] = new(from.AddDays(-1), "UTC") }, enrolments));
    }

    private static void AssertFigure(RealismReport report, FigureDefinition definition, double value, string verdict, long n)
    {
        var figure = report[definition.Name];
        Assert.True(figure.Value is { } v && Math.Abs(v - value) < 1e-4, $"{definition.Name}: {figure.Value} where {value} was expected");
        Assert.True(figure.Verdict == verdict, $"{definition.Name}: {figure.Verdict} where {verdict} was expected ({figure.Note})");
        Assert.Equal(n, figure.N);
    }
}
