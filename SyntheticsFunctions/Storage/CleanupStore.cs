using System.Text.Json;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Storage;

/// <summary>What a deletion pass removed, per table, and how it was cut into transactions.</summary>
public sealed record CleanupResult(Guid Id, string Kind, DateTimeOffset? Cutoff, IReadOnlyDictionary<string, long> RowsDeleted, int Transactions, int MaxRowsPerTransaction)
{
    public long TotalRows => RowsDeleted.Values.Sum();
}

/// <summary>
/// Deletes synthetic rows in bounded batches, one transaction per batch, children first. A row
/// goes only when it belongs to a sim_users profile AND carries the synthetic tag; an instance
/// goes whole (its age is its last activity) and only when every child row qualifies too, so a
/// journey in progress is kept and nothing is orphaned. Real users' rows never match.
/// </summary>
public sealed class CleanupStore(NpgsqlDataSource dataSource)
{
    /// <summary>Instances per transaction; with their children a transaction stays in the low thousands of rows.</summary>
    public const int DefaultBatchSize = 200;

    /// <summary>
    /// Instances old enough to go whole, a batch at a time: a sim user's tagged instance with no session in
    /// progress, whose every child row (in each table with an <c>instance_id</c>) is a tagged row
    /// of the same user, and none of whose scenes holds another instance's event.
    /// </summary>
    private static readonly string DoomedInstances =
        $"""
        SELECT ji.id FROM journey_instances ji
        WHERE ji.last_activity_at < $1
          AND {ActivityTables.IsSynthetic(ActivityTables.JourneyInstances, "ji")}
          AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.instance_id = ji.id)
          {string.Join("\n  ", ActivityTables.InstanceChildren.Select(c =>
              $"AND NOT EXISTS (SELECT 1 FROM {c.Name} c WHERE c.instance_id = ji.id AND (c.user_id <> ji.user_id OR c.{c.TagColumn}->>'synthetic' IS DISTINCT FROM 'true'))"))}
          AND NOT EXISTS (SELECT 1 FROM journey_scene_events c JOIN journey_instance_scenes s ON s.id = c.instance_scene_id WHERE s.instance_id = ji.id AND c.instance_id <> ji.id)
        -- No order: the pass deletes every one of them, and without a sort the LIMIT stops the
        -- scan at the batch (a sort would check every doomed instance for every batch).
        LIMIT $2
        FOR UPDATE OF ji SKIP LOCKED
        """;

    /// <summary>Deletes what is older than <paramref name="cutoff"/> (or everything synthetic when null, for purge), then records the pass.</summary>
    public async Task<CleanupResult> DeleteAsync(Guid id, string kind, DateTimeOffset now, DateTimeOffset? cutoff, int? retainDays, int batchSize, CancellationToken cancellationToken)
    {
        var totals = Tables.Activity.ToDictionary(t => t, _ => 0L);
        totals["synthetic_runs"] = 0;
        totals["synthetic_settings_history"] = 0;
        totals["synthetic_cleanups"] = 0;
        var transactions = 0;
        var maxRows = 0;
        var before = (cutoff ?? DateTimeOffset.MaxValue).UtcDateTime;
        if (cutoff is null)
        {
            // Purge ends every session in progress, so their instances can go too.
            await ExecuteCountAsync("DELETE FROM synthetic_sessions", cancellationToken);
            await ExecuteCountAsync("DELETE FROM synthetic_user_state", cancellationToken);
            await ExecuteCountAsync("DELETE FROM synthetic_open_instances", cancellationToken);
        }

        while (true)
        {
            var deleted = await DeleteInstanceBatchAsync(before, batchSize, cancellationToken);
            if (deleted is null)
            {
                break;
            }

            transactions++;
            maxRows = Math.Max(maxRows, (int)deleted.Values.Sum());
            foreach (var (table, rows) in deleted)
            {
                totals[table] += rows;
            }
        }

        while (true)
        {
            // Mindblock events outside any instance are aged by their own time.
            var rows = await ScalarCountAsync(
                ActivityTables.MindblockEvents.DeleteCounted(
                    """
                    id IN (SELECT id FROM mindblock_events
                           WHERE instance_id IS NULL AND created_at < $1 AND metadata->>'synthetic' = 'true'
                             AND user_id IN (SELECT profile_id FROM sim_users)
                           LIMIT $2)
                    """),
                cancellationToken, Sql.P(before), Sql.P(batchSize));
            if (rows == 0)
            {
                break;
            }

            transactions++;
            maxRows = Math.Max(maxRows, (int)rows);
            totals[Tables.MindblockEvents] += rows;
        }

        // The realism check's facts go with the rows they describe: all on purge, those older than
        // the horizon otherwise. Derived rows, not counted among the rows deleted.
        await using (var facts = dataSource.CreateBatch())
        {
            foreach (var delete in RealismStore.DeleteBefore)
            {
                facts.BatchCommands.Add(Sql.Command(delete, Sql.P(before)));
            }

            await facts.ExecuteNonQueryAsync(cancellationToken);
        }

        if (cutoff is null)
        {
            // Purge: the current state rows too (cleanup leaves them, they are not aged).
            var rows = await ExecuteCountAsync(
                "DELETE FROM user_mindblock_status WHERE metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users)",
                cancellationToken);
            totals[Tables.UserMindblockStatus] += rows;
            transactions++;
            maxRows = Math.Max(maxRows, (int)rows);
        }
        else
        {
            // The engine's own tables, to the same horizon; this pass's record is written after.
            // Deleted runs take their sessions out of the hourly rollup.
            totals["synthetic_runs"] = await ScalarCountAsync(
                $"""
                WITH d AS (DELETE FROM synthetic_runs WHERE window_end < $1 RETURNING window_end, status, sessions_started),
                h AS ({Rollups.SubtractFromHours("(SELECT * FROM d WHERE status = 'succeeded' AND sessions_started > 0) s", "window_end", $"'{Rollups.Sessions}'", "sum(sessions_started)")})
                SELECT count(*) FROM d
                """, cancellationToken, Sql.P(before));
            totals["synthetic_settings_history"] = await ExecuteCountAsync("DELETE FROM synthetic_settings_history WHERE changed_at < $1", cancellationToken, Sql.P(before));
            totals["synthetic_cleanups"] = await ExecuteCountAsync("DELETE FROM synthetic_cleanups WHERE started_at < $1", cancellationToken, Sql.P(before));
        }

        var result = new CleanupResult(id, kind, cutoff, totals, transactions, maxRows);
        await using (var record = dataSource.CreateCommand(
            """
            INSERT INTO synthetic_cleanups (id, kind, started_at, cutoff, retain_days, rows_deleted, transactions, max_rows_per_transaction)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """))
        {
            record.Parameters.Add(Sql.P(id));
            record.Parameters.Add(Sql.P(kind));
            record.Parameters.Add(Sql.P(now.UtcDateTime));
            record.Parameters.Add(Sql.P(cutoff?.UtcDateTime));
            record.Parameters.Add(Sql.P(retainDays));
            record.Parameters.Add(Sql.Jsonb(JsonSerializer.Serialize(totals)));
            record.Parameters.Add(Sql.P(transactions));
            record.Parameters.Add(Sql.P(maxRows));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>Removes the sim users and profiles this app created once none of their rows is left; returns how many.</summary>
    public async Task<(long SimUsers, long Profiles)> RemoveCreatedProfilesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var removable =
            $"""
            SELECT su.profile_id FROM sim_users su JOIN profiles p ON p.id = su.profile_id
            WHERE {PoolSql.OwnsPoolTables}
              AND p.metadata->>'synthetic' = 'true'
              AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = su.profile_id)
              {string.Join("\n  ", ActivityTables.Activity.Select(t => $"AND NOT EXISTS (SELECT 1 FROM {t.Name} x WHERE x.user_id = su.profile_id)"))}
            """;
        batch.BatchCommands.Add(Sql.Command($"CREATE TEMP TABLE purge_profiles ON COMMIT DROP AS {removable}"));
        batch.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_user_state WHERE profile_id IN (SELECT profile_id FROM purge_profiles)"));
        batch.BatchCommands.Add(Sql.Command("DELETE FROM sim_users WHERE profile_id IN (SELECT profile_id FROM purge_profiles)"));
        batch.BatchCommands.Add(Sql.Command("DELETE FROM profiles WHERE id IN (SELECT profile_id FROM purge_profiles)"));
        batch.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_pool WHERE profile_id IN (SELECT profile_id FROM purge_profiles)"));
        // Members who stay (a pool the journey app owns) and have no rows left start over: not signed up yet.
        batch.BatchCommands.Add(Sql.Command(
            """
            DELETE FROM synthetic_user_state us
            WHERE NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = us.profile_id)
              AND NOT EXISTS (SELECT 1 FROM journey_instances i WHERE i.user_id = us.profile_id)
            """));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        var result = ((long)batch.BatchCommands[2].RecordsAffected, (long)batch.BatchCommands[3].RecordsAffected);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<Dictionary<string, long>?> DeleteInstanceBatchAsync(DateTime before, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid[] ids;
        await using (var select = new NpgsqlCommand($"SELECT coalesce(array_agg(id), '{{}}') FROM ({DoomedInstances}) doomed", connection, transaction))
        {
            select.Parameters.Add(Sql.P(before));
            select.Parameters.Add(Sql.P(batchSize));
            ids = (Guid[])(await select.ExecuteScalarAsync(cancellationToken))!;
        }

        if (ids.Length == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        // Children first; every child was checked above to be a tagged row of the same sim user,
        // so each deleted row is one the rollups counted and is subtracted from them.
        var statements = ActivityTables.InstanceChildren
            .Select(t => (t.Name, t.DeleteCounted("instance_id = ANY($1)")))
            .Append((Tables.JourneyInstances, ActivityTables.JourneyInstances.DeleteCounted("id = ANY($1)")))
            .ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (_, sql) in statements)
        {
            batch.BatchCommands.Add(Sql.Command(sql, Sql.P(ids)));
        }

        var deleted = new Dictionary<string, long>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var (table, _) in statements)
            {
                await reader.ReadAsync(cancellationToken);
                deleted[table] = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    private async Task<long> ScalarCountAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<long> ExecuteCountAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
