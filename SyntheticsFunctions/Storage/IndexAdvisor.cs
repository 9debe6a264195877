using Npgsql;
using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Storage;

/// <summary>A recommended index and whether an equivalent one exists (under any name).</summary>
public sealed record IndexRecommendation(IndexDeclaration Index, bool OnTableTheEngineCreated, string? ExistingIndex)
{
    public bool Present => ExistingIndex is not null;

    public string Statement => Index.CreateStatement(concurrently: !OnTableTheEngineCreated);
}

/// <summary>
/// Compares the declared indexes with <c>pg_index</c>: an index counts as present when one on the
/// same table has the same access method (btree), the same key columns in order with the same
/// directions, and the same predicate, whatever its name. Builds only on tables the engine created,
/// unless the owner asks for <see cref="CreateRecommendedAsync"/>, which builds <c>CONCURRENTLY</c>.
/// </summary>
public sealed class IndexAdvisor(NpgsqlDataSource dataSource)
{
    private const string ExistingIndexes =
        """
        SELECT t.relname, ic.relname, am.amname,
               array(SELECT pg_get_indexdef(i.indexrelid, k + 1, true) || CASE WHEN i.indoption[k] & 1 = 1 THEN ' DESC' ELSE '' END
                     FROM generate_series(0, i.indnkeyatts - 1) k ORDER BY k),
               pg_get_expr(i.indpred, i.indrelid, true),
               EXISTS (SELECT 1 FROM synthetic_created_tables c WHERE c.table_name = t.relname)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        JOIN pg_am am ON am.oid = ic.relam
        WHERE n.nspname = current_schema() AND t.relname = ANY($1) AND i.indisvalid
        """;

    public async Task<IReadOnlyList<IndexRecommendation>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, cancellationToken);
    }

    /// <summary>Builds the missing indexes on tables the engine created (the migrator calls this; no lock on anyone else's table).</summary>
    internal async Task CreateOnOwnTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var recommendation in await ReadAsync(connection, cancellationToken))
        {
            if (recommendation.OnTableTheEngineCreated && !recommendation.Present)
            {
                await using var create = new NpgsqlCommand(recommendation.Index.CreateStatement(concurrently: false), connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    /// <summary>The owner's explicit request: builds every missing recommended index <c>CONCURRENTLY</c>; answers the statements run.</summary>
    public async Task<IReadOnlyList<string>> CreateRecommendedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var created = new List<string>();
        foreach (var recommendation in await ReadAsync(connection, cancellationToken))
        {
            if (!recommendation.Present)
            {
                // CONCURRENTLY cannot run in a transaction block; each statement stands alone.
                var statement = recommendation.Index.CreateStatement(concurrently: true);
                await using var create = new NpgsqlCommand(statement, connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                created.Add(statement);
            }
        }

        return created;
    }

    private static async Task<IReadOnlyList<IndexRecommendation>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = Indexes.Recommended.Select(i => i.Table).Distinct().ToArray();
        var existing = new List<(string Table, string Name, string Method, string[] Keys, string? Predicate, bool Created)>();
        var created = new HashSet<string>();
        await using (var command = new NpgsqlCommand(ExistingIndexes, connection))
        {
            command.Parameters.Add(Sql.P(tables));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5)));
            }
        }

        await using (var own = new NpgsqlCommand("SELECT table_name FROM synthetic_created_tables WHERE table_name = ANY($1)", connection))
        {
            own.Parameters.Add(Sql.P(tables));
            await using var reader = await own.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                created.Add(reader.GetString(0));
            }
        }

        return
        [
            .. Indexes.Recommended.Select(index => new IndexRecommendation(
                index,
                created.Contains(index.Table),
                existing.FirstOrDefault(e => e.Table == index.Table && e.Method == "btree" && e.Keys.SequenceEqual(index.Keys) && e.Predicate == index.Predicate).Name)),
        ];
    }
}
