using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Storage;

/// <summary>One sim user as the pool route lists it.</summary>
public sealed record SimUserView(
    Guid ProfileId, string Persona, string Timezone, bool Retired, DateTimeOffset? SessionStartedAt,
    Guid? ActiveInstanceId, string? ActiveJourney, int? CurrentSceneOrder, DateTimeOffset? LastActivityAt,
    string? Lifecycle = null, DateTimeOffset? SignupAt = null, DateTimeOffset? NextSessionAt = null);

public sealed record PoolPage(long Total, long Active, IReadOnlyList<SimUserView> Users);

public sealed record PoolResize(long Before, long After, long Added, long Retired, long Reactivated);

/// <summary>The sim-user pool: paging through it and resizing it (growing adds, shrinking retires and keeps history).</summary>
public sealed class PoolStore(NpgsqlDataSource dataSource, Engine.RandomSource random, IOptions<SyntheticsOptions> options)
{
    // Where new members live (Synthetics:RegionMix).
    private readonly Engine.RegionMix _region = options.Value.ParsedRegionMix();

    /// <summary>A page of the pool, every sim_users row enlisted first (the list is the engine's pool, which sim_users feeds).</summary>
    public async Task<PoolPage> ListAsync(int page, int pageSize, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(PoolSql.Enlist(now, _region));
        batch.BatchCommands.Add(Sql.Command(
            $"SELECT count(*), count(*) FILTER (WHERE pm.retired_at IS NULL) FROM synthetic_pool pm WHERE {PoolSql.Listed}"));
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT pm.profile_id, coalesce(us.persona, pm.persona), pm.timezone, pm.retired_at IS NOT NULL, s.started_at,
                   ji.id, j.slug, ji.current_scene_order,
                   (SELECT max(i.last_activity_at) FROM journey_instances i WHERE i.user_id = pm.profile_id),
                   us.lifecycle, us.signup_at, us.next_session_at
            FROM synthetic_pool pm
            LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id
            LEFT JOIN synthetic_sessions s ON s.profile_id = pm.profile_id
            LEFT JOIN LATERAL (
                SELECT i.id, i.journey_id, i.current_scene_order FROM journey_instances i
                WHERE i.user_id = pm.profile_id AND i.status = 'active' ORDER BY i.last_activity_at DESC LIMIT 1) ji ON true
            LEFT JOIN journeys j ON j.id = ji.journey_id
            WHERE {PoolSql.Listed}
            ORDER BY pm.enlisted_at, pm.profile_id
            LIMIT $1 OFFSET $2
            """, Sql.P(pageSize), Sql.P((long)(page - 1) * pageSize)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        var active = reader.GetInt64(1);
        await reader.NextResultAsync(cancellationToken);
        var users = new List<SimUserView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new SimUserView(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : Sql.ReadTimestamp(reader, 4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                reader.IsDBNull(8) ? null : Sql.ReadTimestamp(reader, 8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : Sql.ReadTimestamp(reader, 10),
                reader.IsDBNull(11) ? null : Sql.ReadTimestamp(reader, 11)));
        }

        return new PoolPage(total, active, users);
    }

    /// <summary>
    /// Sets the number of active sim users: retires the newest first when shrinking (they start no
    /// new session; rows stay), reactivates retired ones before creating profiles when growing.
    /// Null when the pool must grow but <c>profiles</c> is the journey app's.
    /// </summary>
    public async Task<PoolResize?> ResizeAsync(int size, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long active;
        bool ownsPool;
        await using (var read = new NpgsqlCommand(
            $"""
            SELECT ({PoolSql.CountActive}), {PoolSql.OwnsPoolTables}
            FROM (SELECT pg_advisory_xact_lock(hashtextextended('synthetics:pool', 0))) AS locked
            """, connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            active = reader.GetInt64(0);
            ownsPool = reader.GetBoolean(1);
        }

        long retired = 0, reactivated = 0, added = 0;
        if (size < active)
        {
            await using var retire = new NpgsqlCommand(
                """
                UPDATE synthetic_pool SET retired_at = $2 WHERE profile_id IN (
                    SELECT pm.profile_id FROM synthetic_pool pm WHERE pm.retired_at IS NULL ORDER BY pm.enlisted_at DESC, pm.profile_id DESC LIMIT $1)
                """, connection, transaction);
            retire.Parameters.Add(Sql.P(active - size));
            retire.Parameters.Add(Sql.P(now.UtcDateTime));
            retired = await retire.ExecuteNonQueryAsync(cancellationToken);
        }
        else if (size > active)
        {
            await using var reactivate = new NpgsqlCommand(
                $"""
                UPDATE synthetic_pool SET retired_at = NULL WHERE profile_id IN (
                    SELECT pm.profile_id FROM synthetic_pool pm WHERE pm.retired_at IS NOT NULL
                      AND {PoolSql.Listed}
                      -- Retired by a shrink, not by leaving: someone who left does not come back because the pool grew.
                      AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id AND us.lifecycle = 'churned')
                    ORDER BY pm.enlisted_at, pm.profile_id LIMIT $1)
                """, connection, transaction);
            reactivate.Parameters.Add(Sql.P(size - active));
            reactivated = await reactivate.ExecuteNonQueryAsync(cancellationToken);
            var missing = size - active - reactivated;
            if (missing > 0)
            {
                if (!ownsPool)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    return null;
                }

                added = await Seeder.AddSimProfilesAsync(connection, transaction, (int)missing, now, new Random(random.Next(int.MaxValue)), _region, options.Value.DisplayNamePrefix, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new PoolResize(active, active - retired + reactivated + added, added, retired, reactivated);
    }
}
