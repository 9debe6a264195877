namespace SyntheticsFunctions.Engine.Realism;

/// <summary>
/// One session as an analyst sees it in the tables: whose, when it started, and what happened in
/// it. Only <see cref="User"/> and <see cref="Start"/> are needed for the population figures; the
/// rest (zero where unknown) feed the session, content and behaviour figures. <see cref="End"/> is
/// when its last event is dated (null where the pieces were written before the release that
/// records it).
/// </summary>
public sealed record SessionFact(
    Guid User,
    DateTimeOffset Start,
    int Events = 0,
    bool Errored = false,
    int ScenesOpened = 0,
    int ScenesCompleted = 0,
    int MindblockSignals = 0,
    Guid? Instance = null,
    int LastSceneOrder = 0,
    double ResistanceSum = 0,
    int ResistanceCount = 0,
    double IntensitySum = 0,
    int IntensityCount = 0,
    IReadOnlyList<(Guid Mindblock, int Intensity)>? Mindblocks = null,
    DateTimeOffset? End = null);

/// <summary>
/// A sim user: when they signed up (null where the engine kept no state), where they live (an IANA
/// id), their persona (null where unknown) and when their profile was created (the pool's
/// <c>available_at</c>: the engine's signup, or the app's profile on a pool it owns; null where unknown).
/// </summary>
public sealed record UserFact(DateTimeOffset? SignupAt, string Timezone, string? Persona = null, DateTimeOffset? JoinedAt = null);

/// <summary>
/// One enrolment (a journey instance): started when, completed when (null if not), how many scenes
/// its journey has, whether the same user had enrolled in the same journey before it started, and
/// when its journey was created (the <c>journeys</c> row's <c>created_at</c>; null where the table
/// has no such column).
/// </summary>
public sealed record EnrolmentFact(
    Guid Instance, Guid User, Guid Journey, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int JourneyScenes, bool ReEnrolment,
    DateTimeOffset? JourneyCreatedAt = null);

/// <summary>
/// Counts the tables give directly: the window's synthetic events and the configured rates they
/// should show, the sampled capture texts, and the rule checks (each a count checked and a count broken).
/// </summary>
public sealed record TableCounts(
    long Events = 0,
    double ExpectedEventsPerHour = 0,
    double AbandonRate = 0,
    double ErrorRate = 0,
    double MindblockChance = 0,
    IReadOnlyList<string>? CaptureTexts = null,
    long Triggers = 0,
    long TriggersOutsideJourney = 0,
    long ScenesChecked = 0,
    long ContractViolations = 0,
    long RowsChecked = 0,
    long RowsOutOfOrder = 0);

/// <summary>Everything the realism figures are computed from, for the window [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record RealismFacts(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<SessionFact> Sessions,
    IReadOnlyDictionary<Guid, UserFact> Users,
    IReadOnlyList<EnrolmentFact>? Enrolments = null,
    TableCounts? Counts = null)
{
    /// <summary>The whole days the window covers (at least 1).</summary>
    public int Days => Math.Max(1, (int)Math.Round((To - From).TotalDays));

    /// <summary>The window asked for, in days, where the history held is shorter (<see cref="From"/> is then where the history begins); null: as covered.</summary>
    public int? AskedDays { get; init; }

    /// <summary>
    /// The timestamped steps (opened, captures, resistance check) of the window's latest
    /// <see cref="RealismFigures.SceneTimingSample"/> scenes opened, each scene's in time order
    /// (those with fewer than <see cref="RealismFigures.SceneTimingMinSteps"/> may be left out); null where not read.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DateTimeOffset>>? SceneSteps { get; init; }
    /// <summary>How many journeys can be played at <see cref="To"/> (<see cref="Catalog.PlayableAt"/>: a scene, and created by then); null where unknown.</summary>
    public int? PlayableJourneys { get; init; }

    /// <summary>Per user, how many of those playable journeys they have enrolled in before <see cref="To"/> (any time, not only in the window); null where unknown.</summary>
    public IReadOnlyDictionary<Guid, int>? JourneysEnrolled { get; init; }

    /// <summary>The users' resistance checks and their personas' choices (null where not read: the outcome figures then have no data).</summary>
    public OutcomeFacts? Outcomes { get; init; }

    /// <summary>How many time zones the configured region mix has (<see cref="RegionMix.Zones"/>): a one-region mix may have fewer than the time-zones target. Null: the global mix's.</summary>
    public int? MixZones { get; init; }

    /// <summary>The window's captures and trigger descriptions as the word figures count them (null where not read: those figures then have no data).</summary>
    public WordFacts? Words { get; init; }
}

/// <summary>
/// A user who signed up in the window, and their resistance checks in it in time order (by
/// <c>created_at</c>, then id): their persona (null where the engine keeps none), when they signed
/// up, how many checks, the first check's level, and the mean level of their first and of their
/// last <see cref="RealismFigures.OutcomeChecks"/> checks.
/// </summary>
public sealed record CheckedUserFact(Guid User, string? Persona, DateTimeOffset SignupAt, int Checks, int FirstLevel, double FirstMean, double LastMean)
{
    /// <summary>The fact of a user whose checks in the window have <paramref name="levels"/>, in time order (at least one).</summary>
    public static CheckedUserFact Of(Guid user, string? persona, DateTimeOffset signupAt, IReadOnlyList<int> levels)
    {
        var n = levels.Count;
        var take = Math.Min(n, RealismFigures.OutcomeChecks);
        double first = 0, last = 0;
        for (var k = 0; k < take; k++)
        {
            first += levels[k];
            last += levels[n - take + k];
        }

        return new CheckedUserFact(user, persona, signupAt, n, levels[0], first / take, last / take);
    }
}

/// <summary>How many times users of a persona chose a value in the window: a resistance strategy, or a mindblock signal.</summary>
public sealed record PersonaChoice(string Persona, string Value, long Count);

/// <summary>What the outcome figures read: the users who signed up in the window with their checks, and the personas' choices of strategy and signal.</summary>
public sealed record OutcomeFacts(IReadOnlyList<CheckedUserFact> CheckedUsers, IReadOnlyList<PersonaChoice> Strategies, IReadOnlyList<PersonaChoice> Signals);
