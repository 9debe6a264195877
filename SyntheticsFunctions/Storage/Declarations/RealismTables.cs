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
    /// history rebuild (<c>synthetic_realism_rebuild</c>) fills.
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

    /// <summary>The name of the table of each write's rule checks and capture texts.</summary>
    public const string Checks = "synthetic_realism_checks";
}
