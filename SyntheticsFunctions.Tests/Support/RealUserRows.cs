using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A real user (a profile not in sim_users) with a row in every activity table, including an
/// active journey instance idle for months, so tests can prove the engine never touches them.
/// </summary>
public static class RealUserRows
{
    public static async Task<Guid> InsertAsync(TestApp app, DateTimeOffset at, bool taggedSynthetic = false)
    {
        var user = Guid.NewGuid();
        var instance = Guid.NewGuid();
        var instanceScene = Guid.NewGuid();
        var journey = DefaultCatalog.Catalog.Journeys[0];
        var scene = journey.Scenes[0];
        var mindblock = DefaultCatalog.Catalog.Mindblocks[0];
        var tag = taggedSynthetic ? """{"synthetic": true}""" : """{"source": "app"}""";
        await app.ExecuteAsync(
            """
            INSERT INTO profiles (id, display_name, created_at) VALUES ($1, 'Real person', $2);
            """, user, at.UtcDateTime);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, created_at, metadata)
            VALUES ($1, $2, $3, 'active', 1, $4, $4, $4, $5::jsonb)
            """, instance, user, journey.Id, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, created_at, metadata)
            VALUES ($1, $2, $3, $4, 'in_progress', $5, $5, $6::jsonb)
            """, instanceScene, instance, user, scene.Id, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_scene_events (id, instance_id, instance_scene_id, user_id, scene_id, event_type, event_payload, created_at)
            VALUES ($1, $2, $3, $4, $5, 'scene_opened', $6::jsonb, $7)
            """, Guid.NewGuid(), instance, instanceScene, user, scene.Id, tag, at.UtcDateTime);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_scene_captures (id, instance_id, instance_scene_id, user_id, scene_id, prompt, response, created_at, metadata)
            VALUES ($1, $2, $3, $4, $5, 'How are you?', 'Fine', $6, $7::jsonb)
            """, Guid.NewGuid(), instance, instanceScene, user, scene.Id, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_resistance_checks (id, instance_id, instance_scene_id, user_id, scene_id, resistance_level, strategy, created_at, metadata)
            VALUES ($1, $2, $3, $4, $5, 4, 'walk', $6, $7::jsonb)
            """, Guid.NewGuid(), instance, instanceScene, user, scene.Id, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO journey_real_world_triggers (id, instance_id, user_id, trigger_type, description, created_at, metadata)
            VALUES ($1, $2, $3, 'work_stress', 'Deadline', $4, $5::jsonb)
            """, Guid.NewGuid(), instance, user, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO mindblock_events (id, user_id, mindblock_id, instance_id, signal, intensity, created_at, metadata)
            VALUES ($1, $2, $3, $4, 'noticed', 5, $5, $6::jsonb)
            """, Guid.NewGuid(), user, mindblock.Id, instance, at.UtcDateTime, tag);
        await app.ExecuteAsync(
            """
            INSERT INTO user_mindblock_status (id, user_id, mindblock_id, status, intensity, event_count, last_event_at, updated_at, metadata)
            VALUES ($1, $2, $3, 'working_on_it', 5, 1, $4, $4, $5::jsonb)
            """, Guid.NewGuid(), user, mindblock.Id, at.UtcDateTime, tag);
        return user;
    }

    /// <summary>Every activity row of the given users, as text, in a stable order: equal before and after means untouched.</summary>
    public static async Task<string> SnapshotAsync(TestApp app, params Guid[] users)
    {
        var parts = new List<string>();
        foreach (var table in Tables.Activity)
        {
            await using var command = app.DataSource.CreateCommand(
                $"SELECT coalesce(string_agg(t::text, '|' ORDER BY t.id), '') FROM {table} t WHERE t.user_id = ANY($1)");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = users });
            parts.Add(table + ":" + await command.ExecuteScalarAsync());
        }

        return string.Join("\n", parts);
    }
}
