namespace SyntheticsFunctions.Engine;

/// <summary>How a person responds to the app over their sessions.</summary>
public enum Response
{
    /// <summary>Improves at their persona's pace, a little faster.</summary>
    Responder,

    /// <summary>Improves, at under half the pace.</summary>
    SlowResponder,

    /// <summary>Never improves: slowly gets a little worse.</summary>
    NonResponder,

    /// <summary>Improves for their first sessions, then drifts back up.</summary>
    Relapser,
}

/// <summary>
/// What a persona brings to their outcomes: where their resistance starts (a shift from the
/// population's 7), how fast they improve (a factor on the progress step), and how they weigh the
/// resistance strategies (<see cref="Content.ResistanceStrategies"/>, in that order) and the mindblock
/// signals (<see cref="Content.MindblockSignals"/>, in that order).
/// </summary>
public sealed record PersonaOutcome(string Persona, double BaselineShift, double Pace, IReadOnlyList<double> StrategyWeights, IReadOnlyList<double> SignalWeights);

/// <summary>
/// Outcomes that differ between people. Each person has a response type and a resistance of their
/// own (a shift around their persona's baseline, and how much their checks vary), drawn once from
/// a stable hash of their profile id (never <c>string.GetHashCode</c>): the same person gets the
/// same draws in every process and every tick, without any state being kept. Their persona (kept
/// in <see cref="SessionState.Persona"/> while a session is in progress) gives the baseline, the
/// pace and the strategy and signal preferences. Progress itself (0 to 1, a non-responder's a little
/// below 0; kept per user) moves in
/// <see cref="PopulationModel.AfterSession"/> through <see cref="Advance"/>.
/// </summary>
public static class Outcomes
{
    /// <summary>The response types and the share of people with each: most improve, some slowly, some never, some relapse.</summary>
    public static IReadOnlyList<(Response Type, double Share, double Pace)> Responses { get; } =
    [
        (Response.Responder, 0.40, 1.1),
        (Response.SlowResponder, 0.22, 0.4),
        (Response.NonResponder, 0.23, 0.0),
        (Response.Relapser, 0.15, 1.1),
    ];

    /// <summary>A relapser improves for this many sessions (plus up to <see cref="RelapseAfterSpread"/> more, their own) ...</summary>
    public const int RelapseAfterSessions = 4;

    public const int RelapseAfterSpread = 5;

    /// <summary>... then each session loses this share of their progress.</summary>
    public const double RelapseDrift = 0.15;

    /// <summary>A non-responder slowly gets a little worse: each session moves their progress this share of the way to <see cref="NonResponderFloor"/>.</summary>
    public const double NonResponderDrift = 0.04;

    public const double NonResponderFloor = -0.15;

    /// <summary>The standard deviation of a person's own shift around their persona's baseline resistance.</summary>
    public const double PersonalShiftSd = 0.5;

    /// <summary>How much one person's checks vary around their mean: between these standard deviations, their own.</summary>
    public const double CheckSdMin = 1.2;

    public const double CheckSdMax = 2.2;

    /// <summary>A mindblock's intensity moves with the resistance baseline by this factor of the shift.</summary>
    public const double IntensityShiftFactor = 0.5;

    /// <summary>Every persona's outcomes (the personas of <see cref="PopulationModel.Personas"/>).</summary>
    public static IReadOnlyList<PersonaOutcome> Personas { get; } =
    [
        // strategies: urge_surfing, delay_ten_minutes, change_environment, call_support, breathing_exercise, reframe_thought, none
        // signals: noticed, triggered, reframed, released
        new("early_bird_planner", -0.4, 1.1, [2, 2, 1, 1, 1, 3, 0.5], [1.5, 0.8, 1.6, 1.0]),
        new("night_owl", 0.3, 0.9, [1, 1, 2, 1, 1, 1, 1.5], [1.0, 1.8, 0.9, 0.8]),
        new("weekend_warrior", 0.0, 0.9, [1, 1, 2.5, 2, 1, 1, 1.2], [1.0, 1.5, 1.0, 1.0]),
        new("steady_habit_builder", -0.7, 1.2, [2.5, 2, 1, 1, 2, 2, 0.3], [1.2, 0.6, 1.6, 1.7]),
        new("lapsed_returner", 0.5, 0.7, [0.7, 1, 1, 1.5, 1, 0.7, 2.5], [0.8, 2.0, 0.6, 0.7]),
        new("anxious_achiever", 1.2, 1.0, [1, 1, 1, 1, 3, 2, 0.5], [1.6, 1.6, 0.9, 0.5]),
        new("busy_parent", 0.2, 0.8, [1, 2.5, 1, 1, 1.5, 1, 1], [1.0, 1.4, 1.0, 1.1]),
        new("shift_worker", 0.4, 0.9, [1, 1.5, 1, 2, 1, 1, 1], [0.9, 1.6, 0.8, 1.0]),
    ];

    /// <summary>Where the persona is unknown (a session stored before personas were kept with it): no shift, the usual pace, every strategy and signal alike.</summary>
    public static PersonaOutcome Neutral { get; } =
        new("", 0, 1, [.. Content.ResistanceStrategies.Select(_ => 1.0)], [.. Content.MindblockSignals.Select(_ => 1.0)]);

    private static readonly Dictionary<string, PersonaOutcome> ByName = Personas.ToDictionary(p => p.Persona);

    public static PersonaOutcome For(string? persona) => persona is not null && ByName.TryGetValue(persona, out var p) ? p : Neutral;

    /// <summary>The person's response type, from their profile id.</summary>
    public static Response ResponseOf(Guid profileId)
    {
        var u = Unit(profileId, 0);
        foreach (var (type, share, _) in Responses)
        {
            if ((u -= share) < 0)
            {
                return type;
            }
        }

        return Responses[^1].Type;
    }

    /// <summary>
    /// Progress after a session that closes <paramref name="step"/> of the remaining way at the
    /// population's pace: times the persona's and the response type's pace; a relapser past their
    /// own number of sessions loses <see cref="RelapseDrift"/> of it instead, and a non-responder
    /// drifts towards <see cref="NonResponderFloor"/>.
    /// </summary>
    public static double Advance(UserState user, double progress, double step)
    {
        var response = ResponseOf(user.ProfileId);
        if (response == Response.Relapser && user.Sessions >= RelapseAfterSessions + (int)(Unit(user.ProfileId, 1) * (RelapseAfterSpread + 1)))
        {
            return progress * (1 - RelapseDrift);
        }

        if (response == Response.NonResponder)
        {
            return progress - ((progress - NonResponderFloor) * NonResponderDrift);
        }

        var pace = For(user.Traits.Persona).Pace * Responses.First(r => r.Type == response).Pace;
        return progress + ((1 - progress) * Math.Min(PopulationModel.Rates.ProgressStepMax, step * pace));
    }

    /// <summary>The person's own shift of their resistance (and, by <see cref="IntensityShiftFactor"/>, intensity) on top of their persona's.</summary>
    public static double Shift(SessionState session) =>
        For(session.Persona).BaselineShift + (PersonalShiftSd * NormalOf(session.ProfileId));

    /// <summary>A resistance level for this session: the mean its progress, persona and person give, varied by the person's own spread.</summary>
    public static int ResistanceLevel(SessionState session, Random random)
    {
        var sd = CheckSdMin + ((CheckSdMax - CheckSdMin) * Unit(session.ProfileId, 2));
        return (int)Math.Clamp(Math.Round(PopulationModel.MeanResistance(session.Progress) + Shift(session) + (sd * Sampling.Normal(random))), 0, 10);
    }

    /// <summary>A mindblock intensity for this session, moved by the person's shift.</summary>
    public static int Intensity(SessionState session, Random random) =>
        (int)Math.Clamp(Math.Round(PopulationModel.MeanIntensity(session.Progress) + (IntensityShiftFactor * Shift(session)) + (1.4 * Sampling.Normal(random))), 1, 10);

    public static string Strategy(SessionState session, Random random) => Weighted(random, Content.ResistanceStrategies, For(session.Persona).StrategyWeights);

    public static string Signal(SessionState session, Random random) => Weighted(random, Content.MindblockSignals, For(session.Persona).SignalWeights);

    private static string Weighted(Random random, IReadOnlyList<string> items, IReadOnlyList<double> weights)
    {
        var target = random.NextDouble() * weights.Sum();
        for (var i = 0; i < items.Count; i++)
        {
            if ((target -= weights[i]) < 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    /// <summary>About a standard normal, from the profile id: the sum of three of its uniforms, centred and scaled.</summary>
    private static double NormalOf(Guid profileId) => (Unit(profileId, 3) + Unit(profileId, 4) + Unit(profileId, 5) - 1.5) * 2;

    /// <summary>A uniform in [0, 1) from the profile id and a salt: FNV-1a over the id's bytes, the same in every process.</summary>
    public static double Unit(Guid profileId, int salt)
    {
        Span<byte> bytes = stackalloc byte[16];
        profileId.TryWriteBytes(bytes);
        var hash = 14695981039346656037UL ^ (ulong)salt;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        // FNV's low bits mix poorly: finish with a splitmix64 step, take the top 53 bits.
        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
