namespace SyntheticsFunctions.Engine;

/// <summary>
/// What a scene asks of the user before it can be completed. <see cref="Prompts"/>: the prompts a
/// capture may show (the seeded catalog's, kept in its contract's metadata); null: the one
/// <see cref="CapturePrompt"/>, or <see cref="ObservationPrompt"/> where it has none.
/// </summary>
public sealed record SceneContract(int RequiredCaptures, string? CapturePrompt, bool RequiresResistanceCheck, int MinDwellSeconds, int MaxDwellSeconds)
{
    /// <summary>Used for scenes of an existing catalog that have no contract row.</summary>
    public static SceneContract None { get; } = new(0, null, false, 60, 180);

    public IReadOnlyList<string>? Prompts { get; init; }

    /// <summary>What a capture asks in a scene whose contract has no prompt.</summary>
    public static string ObservationPrompt(string sceneTitle) => $"What did you notice in \"{sceneTitle}\"?";
}

public sealed record SceneDefinition(Guid Id, int Order, string Title, SceneContract Contract);

/// <summary>A journey and its scenes; <paramref name="CreatedAt"/> (the catalog row's, null where unknown): nobody is offered it before then.</summary>
public sealed record JourneyDefinition(Guid Id, string Slug, string Title, string ClinicalFocus, IReadOnlyList<SceneDefinition> Scenes, DateTimeOffset? CreatedAt = null)
{
    public int IndexOfOrder(int order)
    {
        for (var i = 0; i < Scenes.Count; i++)
        {
            if (Scenes[i].Order >= order)
            {
                return i;
            }
        }

        return Scenes.Count;
    }
}

public sealed record MindblockDefinition(Guid Id, string Slug, string Name, string ClinicalFocus);

/// <summary>The journeys (scenes ordered by <see cref="SceneDefinition.Order"/>) and mindblocks the engine plays.</summary>
public sealed record Catalog(IReadOnlyList<JourneyDefinition> Journeys, IReadOnlyList<MindblockDefinition> Mindblocks)
{
    public JourneyDefinition? FindJourney(Guid id) => Journeys.FirstOrDefault(j => j.Id == id);

    /// <summary>Journeys that can be played: at least one scene.</summary>
    public IReadOnlyList<JourneyDefinition> Playable => [.. Journeys.Where(j => j.Scenes.Count > 0)];

    /// <summary>Journeys that can be played at <paramref name="at"/>: at least one scene, and created by then (a journey is never offered before its <c>created_at</c>).</summary>
    public IReadOnlyList<JourneyDefinition> PlayableAt(DateTimeOffset at) =>
        [.. Journeys.Where(j => j.Scenes.Count > 0 && (j.CreatedAt is not { } created || created <= at))];
}
