namespace SyntheticsFunctions.Engine;

// One record per table the engine writes. Payloads and metadata are JSON text carrying
// "synthetic": true and the id of the run that wrote the row.

public sealed record InstanceRow(
    Guid Id, Guid UserId, Guid JourneyId, string Status, int CurrentSceneOrder,
    DateTimeOffset StartedAt, DateTimeOffset LastActivityAt, DateTimeOffset? CompletedAt, string Metadata);

public sealed record InstanceSceneRow(
    Guid Id, Guid InstanceId, Guid UserId, Guid SceneId, string Status,
    DateTimeOffset OpenedAt, DateTimeOffset? CompletedAt, string Metadata);

public sealed record SceneEventRow(
    Guid Id, Guid InstanceId, Guid? InstanceSceneId, Guid UserId, Guid? SceneId,
    string EventType, string Payload, DateTimeOffset CreatedAt);

public sealed record CaptureRow(
    Guid Id, Guid InstanceId, Guid InstanceSceneId, Guid UserId, Guid SceneId,
    string Prompt, string Response, DateTimeOffset CreatedAt, string Metadata);

public sealed record ResistanceCheckRow(
    Guid Id, Guid InstanceId, Guid InstanceSceneId, Guid UserId, Guid SceneId,
    int ResistanceLevel, string Strategy, DateTimeOffset CreatedAt, string Metadata);

public sealed record RealWorldTriggerRow(
    Guid Id, Guid InstanceId, Guid UserId, string TriggerType, string Description,
    DateTimeOffset CreatedAt, string Metadata);

public sealed record MindblockEventRow(
    Guid Id, Guid UserId, Guid MindblockId, Guid? InstanceId, string Signal, int Intensity,
    DateTimeOffset CreatedAt, string Metadata);

/// <summary>
/// Current state of one user's mindblock. <see cref="EventCountDelta"/> is added to the stored
/// count, so the row stays current however the events are spread over runs.
/// </summary>
public sealed record MindblockStatusRow(
    Guid Id, Guid UserId, Guid MindblockId, string Status, int Intensity, int EventCountDelta,
    DateTimeOffset LastEventAt, string Metadata);

/// <summary>Table names, as the schema and the seed spell them.</summary>
public static class Tables
{
    public const string JourneyInstances = "journey_instances";
    public const string JourneyInstanceScenes = "journey_instance_scenes";
    public const string JourneySceneEvents = "journey_scene_events";
    public const string JourneySceneCaptures = "journey_scene_captures";
    public const string JourneyResistanceChecks = "journey_resistance_checks";
    public const string JourneyRealWorldTriggers = "journey_real_world_triggers";
    public const string MindblockEvents = "mindblock_events";
    public const string UserMindblockStatus = "user_mindblock_status";

    /// <summary>The eight activity tables, parents first.</summary>
    public static IReadOnlyList<string> Activity { get; } =
    [
        JourneyInstances, JourneyInstanceScenes, JourneySceneEvents, JourneySceneCaptures,
        JourneyResistanceChecks, JourneyRealWorldTriggers, MindblockEvents, UserMindblockStatus,
    ];
}

/// <summary>Every row one run writes. Upserted rows (instances, scenes, statuses) appear once each, in their latest state.</summary>
public sealed class ActivityBatch
{
    public List<InstanceRow> Instances { get; } = [];
    public List<InstanceSceneRow> InstanceScenes { get; } = [];
    public List<SceneEventRow> Events { get; } = [];
    public List<CaptureRow> Captures { get; } = [];
    public List<ResistanceCheckRow> ResistanceChecks { get; } = [];
    public List<RealWorldTriggerRow> RealWorldTriggers { get; } = [];
    public List<MindblockEventRow> MindblockEvents { get; } = [];
    public List<MindblockStatusRow> MindblockStatuses { get; } = [];

    public int TotalRows => RowsPerTable().Values.Sum();

    public IReadOnlyDictionary<string, int> RowsPerTable() => new Dictionary<string, int>
    {
        [Tables.JourneyInstances] = Instances.Count,
        [Tables.JourneyInstanceScenes] = InstanceScenes.Count,
        [Tables.JourneySceneEvents] = Events.Count,
        [Tables.JourneySceneCaptures] = Captures.Count,
        [Tables.JourneyResistanceChecks] = ResistanceChecks.Count,
        [Tables.JourneyRealWorldTriggers] = RealWorldTriggers.Count,
        [Tables.MindblockEvents] = MindblockEvents.Count,
        [Tables.UserMindblockStatus] = MindblockStatuses.Count,
    };
}
