namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// An index the engine's queries want on a journey table. <paramref name="Keys"/> are key columns
/// as Postgres prints them (with " DESC" where descending); <paramref name="Predicate"/> is a
/// partial index's condition exactly as <c>pg_get_expr</c> prints it.
/// </summary>
public sealed record IndexDeclaration(string Name, string Table, IReadOnlyList<string> Keys, string? Predicate = null)
{
    /// <summary>The statement that builds it: <c>CONCURRENTLY</c> on someone else's table, so writes go on while it builds.</summary>
    public string CreateStatement(bool concurrently) =>
        $"CREATE INDEX {(concurrently ? "CONCURRENTLY " : "")}IF NOT EXISTS {Name} ON {Table} ({string.Join(", ", Keys)})"
        + (Predicate is null ? "" : $" WHERE {Predicate}");
}

/// <summary>
/// The indexes the engine's reads and cleanup use, declared once. On a table the engine created
/// the migrator builds them; on a table that already existed (the journey app's own) the engine
/// only recommends them (status lists each with its statement) and
/// <c>migrate --create-recommended-indexes</c> builds the missing ones <c>CONCURRENTLY</c>, skipping
/// any equivalent index under any name (same access method, key columns and predicate).
/// </summary>
public static class Indexes
{
    public static IReadOnlyList<IndexDeclaration> Recommended { get; } =
    [
        new("ix_journey_scene_events_created_at", "journey_scene_events", ["created_at"]),
        new("ix_journey_scene_events_synthetic_created_at", "journey_scene_events", ["created_at"], "(event_payload ->> 'synthetic'::text) = 'true'::text"),
        new("ix_journey_scene_events_user_id", "journey_scene_events", ["user_id"]),
        new("ix_journey_scene_events_instance_id", "journey_scene_events", ["instance_id"]),
        new("ix_journey_scene_events_instance_scene_id", "journey_scene_events", ["instance_scene_id"]),
        new("ix_journey_instances_status_user_id", "journey_instances", ["status", "user_id"]),
        new("ix_journey_instances_user_id_last_activity", "journey_instances", ["user_id", "last_activity_at DESC"]),
        new("ix_journey_instances_last_activity", "journey_instances", ["last_activity_at"]),
        new("ix_journey_instance_scenes_instance_id", "journey_instance_scenes", ["instance_id"]),
        new("ix_journey_scene_captures_instance_id", "journey_scene_captures", ["instance_id"]),
        new("ix_journey_scene_captures_user_created", "journey_scene_captures", ["user_id", "created_at"]),
        new("ix_journey_resistance_checks_instance_id", "journey_resistance_checks", ["instance_id"]),
        new("ix_journey_resistance_checks_user_created", "journey_resistance_checks", ["user_id", "created_at"]),
        new("ix_journey_real_world_triggers_instance_id", "journey_real_world_triggers", ["instance_id"]),
        new("ix_mindblock_events_user_created", "mindblock_events", ["user_id", "created_at"]),
        new("ix_mindblock_events_instance_id", "mindblock_events", ["instance_id"]),
        new("ix_journey_scenes_journey_order", "journey_scenes", ["journey_id", "scene_order"]),
    ];
}
