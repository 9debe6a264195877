using Npgsql;

namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// The bulk write path, in the caller's transaction. A table only appended to takes its rows
/// through binary COPY straight into it, then one statement adds them to the rollups from just the
/// columns the facts read (COPY returns nothing). An upserted table takes them through a temporary
/// staging table (dropped at commit), then one <c>INSERT ... SELECT ... ON CONFLICT</c> with its
/// rollups, exactly as the unnest insert does. Answers the rows new to the table (an upserted row
/// already there is an update, not a new row).
/// </summary>
public static class CopyWriter
{
    public static async Task<int> WriteAsync<TRow>(NpgsqlConnection connection, TableDeclaration<TRow> table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        if (table.Upsert is not { } upsert)
        {
            await CopyRowsAsync(connection, table, table.Name, rows, cancellationToken);
            if (table.RollupsFromArrays(rows) is { } rollups)
            {
                await using var add = new NpgsqlBatch(connection) { BatchCommands = { rollups } };
                await add.ExecuteNonQueryAsync(cancellationToken);
            }

            return rows.Count;
        }

        var staging = "synthetic_copy_" + table.Name;
        var columns = string.Join(", ", table.Columns.Select(c => $"{c.Name} {c.Type.UdtName}"));
        await using (var create = new NpgsqlCommand($"DROP TABLE IF EXISTS pg_temp.{staging}; CREATE TEMP TABLE {staging} ({columns}) ON COMMIT DROP", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyRowsAsync(connection, table, staging, rows, cancellationToken);

        // An upserted table: the rows new to it (an indexed probe on the conflict key each), then the upsert.
        var key = string.Join(" AND ", upsert.ConflictKey.Select(k => $"t.{k} = u.{k}"));
        await using var upserting = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_temp.{staging} u WHERE NOT EXISTS (SELECT 1 FROM {table.Name} t WHERE {key}); " +
            $"{table.InsertFrom($"pg_temp.{staging} AS u")}; DROP TABLE pg_temp.{staging}", connection);
        return (int)(long)(await upserting.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task CopyRowsAsync<TRow>(NpgsqlConnection connection, TableDeclaration<TRow> table, string into, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {into} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var column in table.Written)
            {
                await column.WriteAsync(importer, row, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }
}
