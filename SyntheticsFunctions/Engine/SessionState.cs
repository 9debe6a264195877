namespace SyntheticsFunctions.Engine;

/// <summary>
/// Everything a session's plan is a function of, fixed when the session starts. Kept in
/// <c>synthetic_sessions</c> while the session is in progress, with how far it has been written.
/// </summary>
public sealed record SessionState(
    Guid ProfileId,
    Guid SessionId,
    long Seed,
    DateTimeOffset StartedAt,
    Guid InstanceId,
    Guid JourneyId,
    int StartSceneOrder,
    bool NewInstance,
    DateTimeOffset InstanceStartedAt,
    SessionRates Rates,
    DateTimeOffset WrittenUntil,
    DateTimeOffset EndsAt,
    double Progress = 0,
    int? PracticeUntilOrder = null)
{
    /// <summary>
    /// A practice session replays scenes the user already completed (from <see cref="StartSceneOrder"/>,
    /// before <see cref="PracticeUntilOrder"/>) without moving the journey on: a journey advances
    /// in at most one session a local day, and someone who has done every journey practises.
    /// </summary>
    public bool Practice => PracticeUntilOrder is not null;
}

/// <summary>
/// A free sim user the storage claimed for this run (in the order of its weighted pick), with the
/// journey they are in, if any, and when their last session ended (a new one starts after it).
/// </summary>
public sealed record CandidateUser(
    Guid ProfileId, string Timezone, ActiveInstance? Instance, DateTimeOffset? LastSessionEndsAt = null, UserState? State = null, DateTimeOffset? EnlistedAt = null,
    IReadOnlyList<Guid>? CompletedJourneys = null, IReadOnlyList<string>? MindblockFocus = null,
    IReadOnlyList<Guid>? EnrolledJourneys = null, ActiveInstance? LastCompleted = null);

/// <summary>A user's behaviour state after this run, with when their latest session ends (the next one never overlaps it).</summary>
public sealed record UserStateRow(UserState State, DateTimeOffset? LastSessionEndsAt);

/// <summary>Someone who signs up in this run: a new sim user whose first session is their signup.</summary>
public sealed record NewUser(Guid ProfileId, string Persona, string Timezone, DateTimeOffset SignupAt);

/// <summary>A user's journey instance as stored (their active one, or the one they completed last).</summary>
public sealed record ActiveInstance(Guid Id, Guid JourneyId, int CurrentSceneOrder, DateTimeOffset StartedAt, DateTimeOffset LastActivityAt);
