using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// What an estimate reads, in one round trip: the settings in force, the pool (its active members,
/// whether the engine owns it), each activity table's size statistics, and the connections: this
/// instance's data source's Maximum Pool Size and the server's <c>max_connections</c>.
/// </summary>
public sealed record EstimateInput(
    EngineSettings Settings, long PoolMembers, bool OwnsPool, IReadOnlyList<TableStats> Tables, int MaxPoolSize, int ServerMaxConnections);

public sealed class EstimateStore(NpgsqlDataSource dataSource)
{
    /// <summary>Connections a cron tick holds at once: its one transaction (<c>RunTransaction</c>).</summary>
    public const int ConnectionsPerTick = 1;

    /// <summary>Connections a backfill pass holds at once: its session-level lock and the chunk's transaction (<c>BackfillStore</c>).</summary>
    public const int ConnectionsPerBackfill = 2;

    public async Task<EstimateInput> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Sql.Command(SettingsStore.SelectSettings));
        batch.BatchCommands.Add(Sql.Command($"SELECT ({PoolSql.CountActive}), {PoolSql.OwnsPoolTables}, current_setting('max_connections')::int"));

        // The planner's own figures: rows as of the last ANALYZE, pages then and now. A table the
        // schema search path does not hold reads as nulls.
        batch.BatchCommands.Add(Sql.Command(
            """
            SELECT t.name, coalesce(c.reltuples, -1)::float8, coalesce(c.relpages, 0)::int8,
                   coalesce(pg_relation_size(c.oid), 0), coalesce(pg_total_relation_size(c.oid), 0),
                   current_setting('block_size')::int
            FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n)
            LEFT JOIN pg_class c ON c.oid = to_regclass(t.name)
            ORDER BY t.n
            """,
            Sql.P(Engine.Tables.Activity.ToArray())));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("synthetic_settings has no row with id 1.");
        }

        var settings = SettingsStore.ReadSettings(reader);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (members, ownsPool, serverMax) = (reader.GetInt64(0), reader.GetBoolean(1), reader.GetInt32(2));
        await reader.NextResultAsync(cancellationToken);
        var tables = new List<TableStats>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tables.Add(new TableStats(reader.GetString(0), reader.GetDouble(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt32(5)));
        }

        var maxPoolSize = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        return new EstimateInput(settings, members, ownsPool, tables, maxPoolSize, serverMax);
    }
}
