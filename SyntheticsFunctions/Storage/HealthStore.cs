using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>The engine's own state, as health reports it.</summary>
public sealed record EngineState(
    bool? Enabled, DateTimeOffset? LastSuccessfulRunAt, DateTimeOffset? LastRunAt, string? LastRunStatus, string? LastRunError,
    EngineSettings? Settings = null, long PoolMembers = 0, bool OwnsPool = true, long LivingMembers = 0,
    IReadOnlyList<TimezoneCount>? PoolTimezones = null);

/// <summary>Cron runs that succeeded over a span: where their windows begin and the sessions they started.</summary>
public sealed record RunsSince(DateTimeOffset? EarliestWindowStart, long SessionsStarted);

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
                   ({PoolSql.CountActive}), {PoolSql.OwnsPoolTables},
                   -- Members who can still start a session: active, and not gone for good.
                   (SELECT count(*) FROM {PoolSql.ActiveMembers}
                      AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id AND us.lifecycle = 'churned'))
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT window_end, status, error FROM synthetic_runs ORDER BY window_end DESC LIMIT 1) last ON true
            """));
        batch.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        batch.BatchCommands.Add(PoolSql.SelectTimezones());
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var state = new EngineState(
            reader.IsDBNull(0) ? null : reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : Sql.ReadTimestamp(reader, 1),
            reader.IsDBNull(2) ? null : Sql.ReadTimestamp(reader, 2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            null, reader.GetInt64(5), reader.GetBoolean(6), reader.GetInt64(7));
        await reader.NextResultAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            state = state with { Settings = SettingsStore.ReadSettings(reader) };
        }

        await reader.NextResultAsync(cancellationToken);
        var zones = await PoolSql.ReadTimezonesAsync(reader, cancellationToken);

        return state with { PoolTimezones = zones };
    }

    /// <summary>The cron runs that succeeded with a window ending after <paramref name="since"/>: the earliest window start and the sessions they started.</summary>
    public async Task<RunsSince> ReadCronRunsSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT min(window_start), coalesce(sum(sessions_started), 0)::bigint FROM synthetic_runs
            WHERE trigger = 'cron' AND status = 'succeeded' AND window_end > $1
            """, connection);
        command.Parameters.Add(Sql.P(since.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new RunsSince(reader.IsDBNull(0) ? null : Sql.ReadTimestamp(reader, 0), reader.GetInt64(1));
    }
}
