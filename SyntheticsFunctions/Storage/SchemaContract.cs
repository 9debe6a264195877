namespace SyntheticsFunctions.Storage;

/// <summary>A column the app reads or writes, with the Postgres type (udt name) it must have.</summary>
public sealed record RequiredColumn(string Table, string Column, string Type);

/// <summary>A required column that an existing table lacks or has with another type.</summary>
public sealed record SchemaProblem(string Table, string Column, string ExpectedType, string? ActualType)
{
    public override string ToString() => ActualType is null
        ? $"{Table}.{Column} is missing (expected {ExpectedType})"
        : $"{Table}.{Column} has type {ActualType}, expected {ExpectedType}";
}

/// <summary>
/// The columns the app needs in tables that may already exist in the journey app's database.
/// Migrations never alter an existing table, so a table that lacks one of these stops the engine.
/// </summary>
public static class SchemaContract
{
    public static IReadOnlyList<RequiredColumn> Columns { get; } = Build(
        ("profiles", "id uuid"),
        ("sim_users", "profile_id uuid, persona text, timezone text, created_at timestamptz, retired_at timestamptz"),
        ("journeys", "id uuid, slug text, title text, clinical_focus text"),
        ("journey_scenes", "id uuid, journey_id uuid, scene_order int4, title text"),
        ("scene_contracts", "scene_id uuid, required_captures int4, capture_prompt text, requires_resistance_check bool, min_dwell_seconds int4, max_dwell_seconds int4"),
        ("mindblocks", "id uuid, slug text, name text, clinical_focus text"),
        ("journey_instances", "id uuid, user_id uuid, journey_id uuid, status text, current_scene_order int4, started_at timestamptz, last_activity_at timestamptz, completed_at timestamptz, created_at timestamptz, metadata jsonb"),
        ("journey_instance_scenes", "id uuid, instance_id uuid, user_id uuid, scene_id uuid, status text, opened_at timestamptz, completed_at timestamptz, created_at timestamptz, metadata jsonb"),
        ("journey_scene_events", "id uuid, instance_id uuid, instance_scene_id uuid, user_id uuid, scene_id uuid, event_type text, event_payload jsonb, created_at timestamptz"),
        ("journey_scene_captures", "id uuid, instance_id uuid, instance_scene_id uuid, user_id uuid, scene_id uuid, prompt text, response text, created_at timestamptz, metadata jsonb"),
        ("journey_resistance_checks", "id uuid, instance_id uuid, instance_scene_id uuid, user_id uuid, scene_id uuid, resistance_level int4, strategy text, created_at timestamptz, metadata jsonb"),
        ("journey_real_world_triggers", "id uuid, instance_id uuid, user_id uuid, trigger_type text, description text, created_at timestamptz, metadata jsonb"),
        ("mindblock_events", "id uuid, user_id uuid, mindblock_id uuid, instance_id uuid, signal text, intensity int4, created_at timestamptz, metadata jsonb"),
        ("user_mindblock_status", "id uuid, user_id uuid, mindblock_id uuid, status text, intensity int4, event_count int4, last_event_at timestamptz, updated_at timestamptz, metadata jsonb"));

    public static IReadOnlyList<string> TableNames { get; } = [.. Columns.Select(c => c.Table).Distinct()];

    /// <summary>Compares existing tables' columns (table → column → udt name) with the contract. Tables that do not exist yet are not problems.</summary>
    public static IReadOnlyList<SchemaProblem> Check(IReadOnlyDictionary<string, Dictionary<string, string>> existing)
    {
        var problems = new List<SchemaProblem>();
        foreach (var required in Columns)
        {
            if (!existing.TryGetValue(required.Table, out var columns))
            {
                continue;
            }

            if (!columns.TryGetValue(required.Column, out var actual))
            {
                problems.Add(new SchemaProblem(required.Table, required.Column, required.Type, null));
            }
            else if (actual != required.Type)
            {
                problems.Add(new SchemaProblem(required.Table, required.Column, required.Type, actual));
            }
        }

        return problems;
    }

    private static List<RequiredColumn> Build(params (string Table, string Columns)[] tables) =>
    [
        .. from table in tables
           from column in table.Columns.Split(',', StringSplitOptions.TrimEntries)
           let parts = column.Split(' ')
           select new RequiredColumn(table.Table, parts[0], parts[1]),
    ];
}
