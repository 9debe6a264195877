using Npgsql;

namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// The bulk write path: rows go through binary COPY into a temporary staging table shaped by the
/// declaration, then one <c>INSERT ... SELECT</c> (with <c>ON CONFLICT</c> for upserted tables)
/// moves them into the table and adds them to the rollups, exactly as the unnest insert does.
/// Runs inside the caller's transaction; the staging table is dropped at commit. Answers the rows
/// new to the table (an upserted row already there is an update, not a new row).
/// </summary>
public static class CopyWriter
{
    public static async Task<int> WriteAsync<TRow>(NpgsqlConnection connection, TableDeclaration<TRow> table, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var staging = "synthetic_copy_" + table.Name;
        var columns = string.Join(", ", table.Columns.Select(c => $"{c.Name} {c.Type.UdtName}"));
        await using (var create = new NpgsqlCommand($"DROP TABLE IF EXISTS pg_temp.{staging}; CREATE TEMP TABLE {staging} ({columns}) ON COMMIT DROP", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var importer = await connection.BeginBinaryImportAsync($"COPY {staging} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
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

        if (table.Upsert is not { } upsert)
        {
            await using var insert = new NpgsqlCommand($"{table.InsertFrom($"pg_temp.{staging} AS u")}; DROP TABLE pg_temp.{staging}", connection);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return rows.Count;
        }

        // An upserted table: the rows new to it (an indexed probe on the conflict key each), then the upsert.
        var key = string.Join(" AND ", upsert.ConflictKey.Select(k => $"t.{k} = u.{k}"));
        await using var upserting = new NpgsqlCommand(
            $"SELECT count(*) FROM pg_temp.{staging} u WHERE NOT EXISTS (SELECT 1 FROM {table.Name} t WHERE {key}); " +
            $"{table.InsertFrom($"pg_temp.{staging} AS u")}; DROP TABLE pg_temp.{staging}", connection);
        return (int)(long)(await upserting.ExecuteScalarAsync(cancellationToken))!;
    }
}
