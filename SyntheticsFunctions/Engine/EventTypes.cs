namespace SyntheticsFunctions.Engine;

/// <summary>
/// The <c>journey_scene_events.event_type</c> vocabulary the engine writes, named once.
/// <c>scene_opened</c> and <c>scene_completed</c> are spelled as the seed writes them.
/// </summary>
public static class EventTypes
{
    public const string SceneOpened = "scene_opened";
    public const string SceneCompleted = "scene_completed";
    public const string CaptureSubmitted = "capture_submitted";
    public const string ResistanceCheckCompleted = "resistance_check_completed";
    public const string MindblockSignal = "mindblock_signal";
    public const string RealWorldTrigger = "real_world_trigger";
    public const string JourneyAbandoned = "journey_abandoned";
    public const string ClientError = "client_error";

    public static IReadOnlyList<string> All { get; } =
    [
        SceneOpened, SceneCompleted, CaptureSubmitted, ResistanceCheckCompleted,
        MindblockSignal, RealWorldTrigger, JourneyAbandoned, ClientError,
    ];
}

/// <summary>Values of <c>journey_instances.status</c>, as the seed's queries expect them.</summary>
public static class InstanceStatus
{
    public const string Active = "active";
    public const string Completed = "completed";
    public const string Abandoned = "abandoned";
}

/// <summary>Values of <c>journey_instance_scenes.status</c>.</summary>
public static class SceneStatus
{
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Abandoned = "abandoned";
}
