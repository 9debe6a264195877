using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>The engine's own state, as health reports it.</summary>
public sealed record EngineState(
    bool? Enabled, DateTimeOffset? LastSuccessfulRunAt, DateTimeOffset? LastRunAt, string? LastRunStatus, string? LastRunError,
    EngineSettings? Settings = null, long PoolMembers = 0, bool OwnsPool = true);

public sealed class HealthStore(NpgsqlDataSource dataSource)
{
    public async Task<EngineState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(
            $"""
            SELECT (SELECT enabled FROM synthetic_settings WHERE id = 1),
                   (SELECT window_end FROM synthetic_runs WHERE status = 'succeeded' ORDER BY window_end DESC LIMIT 1),
                   last.window_end, last.status, last.error,
                   ({PoolSql.CountActive}), {PoolSql.OwnsPoolTables}
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT window_end, status, error FROM synthetic_runs ORDER BY window_end DESC LIMIT 1) last ON true
            """));
        batch.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var state = new EngineState(
            reader.IsDBNull(0) ? null : reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : Sql.ReadTimestamp(reader, 1),
            reader.IsDBNull(2) ? null : Sql.ReadTimestamp(reader, 2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            null, reader.GetInt64(5), reader.GetBoolean(6));
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? state with { Settings = SettingsStore.ReadSettings(reader) } : state;
    }
}
