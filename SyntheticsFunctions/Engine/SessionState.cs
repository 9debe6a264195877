namespace SyntheticsFunctions.Engine;

/// <summary>
/// Everything a session's plan is a function of, fixed when the session starts. Kept in
/// <c>synthetic_sessions</c> while the session is in progress, with how far it has been written.
/// <see cref="Persona"/> is the user's (for the outcomes their checks and signals show, see
/// <see cref="Outcomes"/>); null for a session stored before it was kept (migration 0015).
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
    int? PracticeUntilOrder = null,
    string? Persona = null)
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
/// <remarks>
/// <paramref name="State"/> is null for a pool member who has not signed up yet; they sign up
/// with <paramref name="Persona"/>, never before <paramref name="AvailableAt"/> (their profile's
/// and sim user's <c>created_at</c>, where the journey app keeps them).
/// </remarks>
public sealed record CandidateUser(
    Guid ProfileId, string Timezone, ActiveInstance? Instance, DateTimeOffset? LastSessionEndsAt = null, UserState? State = null, DateTimeOffset? AvailableAt = null,
    IReadOnlyList<Guid>? CompletedJourneys = null, IReadOnlyList<string>? MindblockFocus = null,
    IReadOnlyList<Guid>? EnrolledJourneys = null, ActiveInstance? LastCompleted = null, string? Persona = null);

/// <summary>How the pool gains people.</summary>
public enum PoolGrowth
{
    /// <summary>The engine created <c>profiles</c> and <c>sim_users</c>: signups are new profiles, up to the pool's cap.</summary>
    EngineProfiles,

    /// <summary>The journey app owns the pool: signups are members who have not signed up yet (or whose earlier life ended and was retired); volume gives way when none is left.</summary>
    Fixed,

    /// <summary>The database owner's signup function creates new people, up to the pool's cap.</summary>
    OwnerFunction,
}

/// <summary>A user's behaviour state after this run, with when their latest session ends (the next one never overlaps it).</summary>
public sealed record UserStateRow(UserState State, DateTimeOffset? LastSessionEndsAt);

/// <summary>Someone who missed their planned session (<see cref="PopulationModel.Missed"/>): planned <paramref name="Was"/>, now <paramref name="Next"/>; storage moves them only if their plan is still <paramref name="Was"/>.</summary>
public sealed record Deferral(Guid ProfileId, DateTimeOffset Was, DateTimeOffset Next);

/// <summary>Someone who signs up in this run: a new sim user, their profile created at <c>SignupAt</c>, an onboarding delay before their first session.</summary>
public sealed record NewUser(Guid ProfileId, string Persona, string Timezone, DateTimeOffset SignupAt);

/// <summary>A user's journey instance as stored (their active one, or the one they completed last).</summary>
public sealed record ActiveInstance(Guid Id, Guid JourneyId, int CurrentSceneOrder, DateTimeOffset StartedAt, DateTimeOffset LastActivityAt);
