using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// The realism check's facts, as the writers keep them (migration 0011): a row per session piece
/// and per mindblock signal, written by the run's transaction and by each backfill chunk with the
/// rows they describe, and a row per write with its rule checks (<see cref="RealismStore.Checks"/>).
/// </summary>
public static class RealismTables
{
    /// <summary>
    /// One row per session and write that touched it; the check adds a session's pieces up.
    /// <c>last_event_at</c> (migration 0013) is null on pieces written before it, and on those the
    /// history rebuild (<c>synthetic_realism_rebuild_all</c>) fills.
    /// </summary>
    public static TableDeclaration<SessionPiece> Pieces { get; } = new(
        "synthetic_realism_pieces",
        c =>
        [
            c.Uuid("session_id", p => p.SessionId), c.Uuid("user_id", p => p.UserId), c.Uuid("instance_id", p => p.InstanceId),
            c.TimestampTz("started_at", p => p.StartedAt), c.Int4("events", p => p.Events), c.Bool("errored", p => p.Errored),
            c.Int4("scenes_opened", p => p.ScenesOpened), c.Int4("scenes_completed", p => p.ScenesCompleted),
            c.Int4("mindblock_signals", p => p.MindblockSignals), c.Int4("last_scene_order", p => p.LastSceneOrder),
            c.Int4("resistance_sum", p => p.ResistanceSum), c.Int4("resistance_count", p => p.ResistanceCount),
            c.Int4("intensity_sum", p => p.IntensitySum), c.Int4("intensity_count", p => p.IntensityCount),
            c.TimestampTz("last_event_at", p => p.LastEventAt),
        ]);

    /// <summary>One row per mindblock signal event, keyed by the event.</summary>
    public static TableDeclaration<SignalFact> Signals { get; } = new(
        "synthetic_realism_signals",
        c =>
        [
            c.Uuid("event_id", s => s.EventId), c.Uuid("session_id", s => s.SessionId), c.Uuid("mindblock_id", s => s.MindblockId),
            c.Int4("intensity", s => s.Intensity), c.TimestampTz("created_at", s => s.CreatedAt),
        ]);

    /// <summary>One row per capture (migration 0018): its text's key and whether it has a seam, as its writer computed them.</summary>
    public static TableDeclaration<CaptureFact> Captures { get; } = new(
        "synthetic_realism_captures",
        c =>
        [
            c.Uuid("capture_id", f => f.CaptureId), c.Uuid("user_id", f => f.UserId), c.TimestampTz("created_at", f => f.CreatedAt),
            c.Int8("text_key", f => f.TextKey), c.Bool("seam", f => f.Seam),
        ]);

    /// <summary>One row per real-world trigger (migration 0018): its description.</summary>
    public static TableDeclaration<TriggerFact> Triggers { get; } = new(
        "synthetic_realism_triggers",
        c => [c.Uuid("trigger_id", f => f.TriggerId), c.Uuid("user_id", f => f.UserId), c.TimestampTz("created_at", f => f.CreatedAt), c.Text("description", f => f.Description)]);

    /// <summary>One row per resistance check (migration 0018): its level and strategy.</summary>
    public static TableDeclaration<ResistanceFact> ResistanceChecks { get; } = new(
        "synthetic_realism_resistance",
        c =>
        [
            c.Uuid("check_id", f => f.CheckId), c.Uuid("user_id", f => f.UserId), c.TimestampTz("created_at", f => f.CreatedAt),
            c.Int4("level", f => f.Level), c.Text("strategy", f => f.Strategy),
        ]);

    /// <summary>One row per mindblock event (migration 0018): its signal.</summary>
    public static TableDeclaration<SignalChoiceFact> SignalChoices { get; } = new(
        "synthetic_realism_signal_choices",
        c => [c.Uuid("event_id", f => f.EventId), c.Uuid("user_id", f => f.UserId), c.TimestampTz("created_at", f => f.CreatedAt), c.Text("signal", f => f.Signal)]);

    /// <summary>The one-row table saying before when captures have no facts (migration 0018; no row: none).</summary>
    public const string WordHistory = "synthetic_realism_word_history";

    /// <summary>The fact tables written row for row with the activity rows they describe, each with its <c>created_at</c>.</summary>
    public static IReadOnlyList<WrittenTable> RowFacts { get; } = [Captures, Triggers, ResistanceChecks, SignalChoices];

    /// <summary>The name of the table of each write's rule checks and capture texts.</summary>
    public const string Checks = "synthetic_realism_checks";
}
