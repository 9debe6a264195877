namespace SyntheticsFunctions.Engine;

/// <summary>Words the synthetic users write: plausible, varied, and obviously not a real person's.</summary>
internal static class Content
{
    public static readonly string[] CaptureResponses =
    [
        "I noticed the urge and waited it out for ten minutes.",
        "Felt tense before the meeting, used the breathing exercise.",
        "Slept badly, but I still went for the walk.",
        "Caught myself catastrophising and wrote down the facts instead.",
        "Talked to a friend about it, which helped more than I expected.",
        "Skipped the exercise today; too tired after work.",
        "It was easier than yesterday. The plan made a difference.",
        "I said no to the extra task and it was fine.",
        "Noticed the trigger earlier than usual this time.",
        "Mood about a 6 out of 10, a bit better than this morning.",
    ];

    public static readonly string[] ResistanceStrategies =
    [
        "urge_surfing", "delay_ten_minutes", "change_environment", "call_support",
        "breathing_exercise", "reframe_thought", "none",
    ];

    public static readonly (string Type, string Description)[] RealWorldTriggers =
    [
        ("social_event", "Invited to drinks after work"),
        ("work_stress", "Deadline moved forward unexpectedly"),
        ("family_conflict", "Argument at home over the weekend plans"),
        ("sleep_disruption", "Woke up at 4am and could not get back to sleep"),
        ("location", "Walked past the old place on the way home"),
        ("notification", "Saw a post that brought back the habit"),
    ];

    public static readonly string[] MindblockSignals = ["noticed", "triggered", "reframed", "released"];

    public static readonly (string Code, string Message)[] ClientErrors =
    [
        ("capture_upload_failed", "Upload of the capture timed out"),
        ("scene_asset_missing", "Scene media failed to load"),
        ("sync_conflict", "Local progress conflicted with the server copy"),
    ];

    public static string MindblockStatusFor(int intensity) => intensity switch
    {
        >= 7 => "struggling",
        >= 4 => "working_on_it",
        _ => "easing",
    };
}
