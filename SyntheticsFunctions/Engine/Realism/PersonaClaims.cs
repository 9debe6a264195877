namespace SyntheticsFunctions.Engine.Realism;

/// <summary>
/// What a persona's name claims about its people, as a measure of the rows (<see cref="PersonaMeasures"/>)
/// on which the persona ranks first (<paramref name="Highest"/>) or last among all personas: the
/// weekend persona has the highest weekend share, the night persona the latest hours, and so on.
/// A claim is checked on windows of <paramref name="MinWindowDays"/> or more.
/// </summary>
public sealed record PersonaClaim(string Persona, string Measure, bool Highest, string Meaning, int MinWindowDays = 1)
{
    public override string ToString() => $"{Persona}: {(Highest ? "highest" : "lowest")} {Measure}";
}

/// <summary>
/// One persona's measures over a window, from its users' sessions (each at its user's local time)
/// and its new users' first resistance checks; a measure is null where the persona has too small a
/// sample for it (<see cref="PersonaClaims.MinSessions"/> sessions, <see cref="PersonaClaims.MinUsers"/> checked new users).
/// </summary>
public sealed record PersonaMeasures(
    string Persona,
    long Sessions,
    int Users,
    double? WeekendShare,
    double? MeanLocalHour,
    double? HourSpread,
    double? SessionsPerActiveDay,
    double? ActiveDaysPerUser,
    double? LapseShare,
    double? FirstResistance)
{
    public const string Weekend = "weekend_share";
    public const string LocalHour = "mean_local_hour";
    public const string Spread = "local_hour_spread";
    public const string PerActiveDay = "sessions_per_active_day";
    public const string ActiveDays = "active_days_per_user";
    public const string Lapses = "lapse_share";
    public const string Resistance = "first_resistance";

    /// <summary>The value of the measure named <paramref name="measure"/>.</summary>
    public double? Of(string measure) => measure switch
    {
        Weekend => WeekendShare,
        LocalHour => MeanLocalHour,
        Spread => HourSpread,
        PerActiveDay => SessionsPerActiveDay,
        ActiveDays => ActiveDaysPerUser,
        Lapses => LapseShare,
        Resistance => FirstResistance,
        _ => throw new ArgumentOutOfRangeException(nameof(measure), measure, "not a persona measure"),
    };
}

/// <summary>A claim as one window judged it: whether it held, the persona's value, and the persona that ranked first instead (where it did not hold).</summary>
public sealed record ClaimResult(PersonaClaim Claim, bool Holds, double Value, string Leader, double LeaderValue);

/// <summary>
/// The personas' claims, declared once: the persona model (<see cref="PopulationModel.Personas"/>)
/// is built so that each holds, the realism figure <c>persona_claims</c> counts those that fail,
/// and the tests check each on a played history.
/// </summary>
public static class PersonaClaims
{
    /// <summary>The fewest sessions a persona needs in the window for its session measures.</summary>
    public const int MinSessions = 200;

    /// <summary>The fewest new users with a resistance check a persona needs for its first-resistance measure.</summary>
    public const int MinUsers = 30;

    /// <summary>A lapse: a gap of this many days or more between a user's consecutive sessions.</summary>
    public const int LapseDays = 14;

    /// <summary>The local day the hour measures read on starts at this hour: 01:00 is late at night (25), not early.</summary>
    public const int DayStartsAtHour = 4;

    public static IReadOnlyList<PersonaClaim> All { get; } =
    [
        new("early_bird_planner", PersonaMeasures.LocalHour, Highest: false, "the earliest mean local hour of its sessions"),
        new("night_owl", PersonaMeasures.LocalHour, Highest: true, "the latest mean local hour of its sessions"),
        new("weekend_warrior", PersonaMeasures.Weekend, Highest: true, "the highest share of sessions on a local Saturday or Sunday", 7),
        new("steady_habit_builder", PersonaMeasures.ActiveDays, Highest: true, "the most active local days per user in the window"),
        new("lapsed_returner", PersonaMeasures.Lapses, Highest: true, $"the highest share of gaps of {LapseDays} days or more between a user's consecutive sessions", 28),
        new("anxious_achiever", PersonaMeasures.Resistance, Highest: true, "the highest mean first resistance level of new users (the most anxious start)"),
        new("busy_parent", PersonaMeasures.PerActiveDay, Highest: false, "the fewest sessions on a day its users are active (one quick session)"),
        new("shift_worker", PersonaMeasures.Spread, Highest: true, "the widest spread of local hours (circular standard deviation)"),
    ];

    /// <summary>Each persona's measures over the window of <paramref name="facts"/>, from users whose persona is known.</summary>
    public static IReadOnlyList<PersonaMeasures> Measure(RealismFacts facts) => Measure(facts, RealismFigures.Window.Of(facts).ByUser());

    /// <summary>
    /// The same measures from the window's sessions already grouped: each user's, in time order
    /// (the realism check's window keeps them so, and need not group half a million sessions again).
    /// </summary>
    internal static IReadOnlyList<PersonaMeasures> Measure(RealismFacts facts, IEnumerable<(Guid User, ArraySegment<SessionFact> Sessions)> byUser)
    {
        var perPersona = new Dictionary<string, Tally>();
        var clockOf = RealismFigures.LocalClock.Cache();
        var days = new HashSet<long>();
        foreach (var (id, sessions) in byUser)
        {
            if (!facts.Users.TryGetValue(id, out var fact) || fact.Persona is not { } persona)
            {
                continue;
            }

            var tally = perPersona.TryGetValue(persona, out var t) ? t : perPersona[persona] = new Tally();
            var clock = clockOf(Zones.Find(fact.Timezone));
            days.Clear();
            DateTimeOffset? previous = null;
            tally.Users++;
            foreach (var session in sessions)
            {
                var local = clock.Local(session.Start);
                tally.Sessions++;
                tally.Weekend += local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0;
                var angle = local.TimeOfDay.TotalHours / 24 * 2 * Math.PI;
                tally.Cos += Math.Cos(angle);
                tally.Sin += Math.Sin(angle);
                days.Add(local.Ticks / TimeSpan.TicksPerDay);
                if (previous is { } before)
                {
                    tally.Gaps++;
                    tally.Lapses += (session.Start - before).TotalDays >= LapseDays ? 1 : 0;
                }

                previous = session.Start;
            }

            tally.ActiveDays += days.Count;
        }

        var firstLevels = (facts.Outcomes?.CheckedUsers ?? [])
            .Where(u => u.Persona is not null && u.SignupAt >= facts.From && u.SignupAt < facts.To)
            .GroupBy(u => u.Persona!)
            .ToDictionary(g => g.Key, g => (Users: g.Count(), Mean: g.Average(u => (double)u.FirstLevel)));

        var measures = new List<PersonaMeasures>();
        foreach (var persona in perPersona.Keys.Union(firstLevels.Keys).Order(StringComparer.Ordinal))
        {
            var t = perPersona.GetValueOrDefault(persona) ?? new Tally();
            var enough = t.Sessions >= MinSessions;
            var r = Math.Sqrt((t.Cos * t.Cos) + (t.Sin * t.Sin)) / Math.Max(1, t.Sessions);
            var meanHour = (Math.Atan2(t.Sin, t.Cos) / (2 * Math.PI) * 24) + 24;
            meanHour = ((meanHour - DayStartsAtHour) % 24) + DayStartsAtHour;
            var levels = firstLevels.GetValueOrDefault(persona);
            measures.Add(new PersonaMeasures(
                persona, t.Sessions, t.Users,
                enough ? t.Weekend / (double)t.Sessions : null,
                enough ? meanHour : null,
                enough && r > 0 ? Math.Sqrt(-2 * Math.Log(r)) / (2 * Math.PI) * 24 : null,
                enough ? t.Sessions / (double)t.ActiveDays : null,
                enough ? t.ActiveDays / (double)t.Users : null,
                enough && t.Gaps > 0 ? t.Lapses / (double)t.Gaps : null,
                levels.Users >= MinUsers ? levels.Mean : null));
        }

        return measures;
    }

    /// <summary>
    /// The claims a window of <paramref name="days"/> days can check on <paramref name="measures"/>:
    /// those whose persona has the measure, beside at least one other persona, in a window long
    /// enough. A claim holds where its persona ranks strictly first.
    /// </summary>
    public static IReadOnlyList<ClaimResult> Judge(IReadOnlyList<PersonaMeasures> measures, int days)
    {
        var results = new List<ClaimResult>();
        foreach (var claim in All.Where(c => days >= c.MinWindowDays))
        {
            var valued = measures.Where(m => m.Of(claim.Measure) is not null).Select(m => (m.Persona, Value: m.Of(claim.Measure)!.Value)).ToList();
            if (valued.Count < 2 || !valued.Any(v => v.Persona == claim.Persona))
            {
                continue;
            }

            var own = valued.Single(v => v.Persona == claim.Persona).Value;
            var rivals = valued.Where(v => v.Persona != claim.Persona).ToList();
            var leader = claim.Highest ? rivals.MaxBy(v => v.Value) : rivals.MinBy(v => v.Value);
            var holds = claim.Highest ? own > leader.Value : own < leader.Value;
            results.Add(new ClaimResult(claim, holds, own, leader.Persona, leader.Value));
        }

        return results;
    }

    private sealed class Tally
    {
        public long Sessions;
        public long Weekend;
        public double Cos;
        public double Sin;
        public long ActiveDays;
        public int Users;
        public long Gaps;
        public long Lapses;
    }
}
