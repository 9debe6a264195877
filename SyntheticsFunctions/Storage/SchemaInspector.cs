using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Storage;

/// <summary>What the database holds: compatibility of existing tables, the migrations applied and the schema version.</summary>
public sealed class SchemaInspector(NpgsqlDataSource dataSource, SchemaRelease release, IOptions<SyntheticsOptions> options)
{
    public const string JournalTable = "synthetics_schema_versions";

    private readonly string _schema = options.Value.Schema;

    /// <summary>
    /// Problems with tables that exist; tables that do not exist yet are left to the migrations.
    /// Before migrating, the tables the engine created are left to them too (see <see cref="SchemaPhase"/>).
    /// </summary>
    public async Task<IReadOnlyList<SchemaProblem>> FindProblemsAsync(SchemaPhase phase, CancellationToken cancellationToken)
    {
        var existing = await ReadColumnsAsync(cancellationToken);
        var created = phase == SchemaPhase.BeforeMigrations ? await ReadCreatedTablesAsync(cancellationToken) : [];
        return SchemaContract.Check(release.Columns, existing, created, phase);
    }

    /// <summary>Tables of the contract that are not there at all (after migrating, none should be).</summary>
    public async Task<IReadOnlyList<string>> FindMissingTablesAsync(CancellationToken cancellationToken)
    {
        var existing = await ReadColumnsAsync(cancellationToken);
        return [.. release.TableNames.Where(t => !existing.ContainsKey(t))];
    }

    /// <summary>This release's migrations that the journal does not list, oldest first.</summary>
    public async Task<IReadOnlyList<string>> FindPendingMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT scriptname FROM {JournalTable}");
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No journal: nothing applied yet.
        }

        return [.. release.Migrations.Where(m => !applied.Contains(m.Name)).Select(m => m.Version)];
    }

    /// <summary>
    /// Problems with the pool's configuration that stop the engine: where the journey app owns
    /// <c>sim_users</c>, <c>Synthetics:PoolProfileIds</c> may name only ids already in it (the
    /// engine never adds to it, and a synthetic row outside it would escape the seed's KPI
    /// filter); a configured signup function must exist with the signature the engine calls.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindPoolProblemsAsync(CancellationToken cancellationToken)
    {
        var ids = options.Value.ParsedPoolProfileIds().ToArray();
        var signature = options.Value.SignupFunctionSignature();
        if (ids.Length == 0 && signature is null)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(
            """
            SELECT coalesce((SELECT array_agg(u.id ORDER BY u.n) FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)
                             WHERE NOT EXISTS (SELECT 1 FROM synthetic_created_tables WHERE table_name = 'sim_users')
                               AND NOT EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = u.id)), ARRAY[]::uuid[]),
                   $2::text IS NULL OR to_regprocedure($2) IS NOT NULL
            """);
        command.Parameters.Add(Sql.P(ids));
        command.Parameters.Add(Sql.P(signature));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var problems = reader.GetFieldValue<Guid[]>(0)
            .Select(id => $"Synthetics:PoolProfileIds names {id}, which is not in sim_users: add it to sim_users or remove it from the setting")
            .ToList();
        if (!reader.GetBoolean(1))
        {
            problems.Add($"Synthetics:SignupFunction names {signature}, which does not exist");
        }

        return problems;
    }

    /// <summary>The last migration applied, or null before the first.</summary>
    public async Task<string?> ReadVersionAsync(CancellationToken cancellationToken)
    {
        // The journal lives in the configured schema, which is the connection's search path.
        await using var command = dataSource.CreateCommand(
            $"SELECT scriptname FROM {JournalTable} ORDER BY applied DESC, schemaversionsid DESC LIMIT 1");
        object? value;
        try
        {
            value = await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }

        return value is string name ? VersionOf(name) : null;
    }

    /// <summary>"SyntheticsFunctions.Storage.Migrations.0001_schema.sql" → "0001_schema".</summary>
    internal static string VersionOf(string scriptName)
    {
        var withoutExtension = scriptName.EndsWith(".sql", StringComparison.Ordinal) ? scriptName[..^4] : scriptName;
        var dot = withoutExtension.LastIndexOf('.');
        return dot < 0 ? withoutExtension : withoutExtension[(dot + 1)..];
    }

    /// <summary>The journey app's tables the engine created (migration 0001 lists them); none before it ran.</summary>
    private async Task<HashSet<string>> ReadCreatedTablesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT table_name FROM synthetic_created_tables");
        var tables = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Never migrated: every table there is the journey app's.
        }

        return tables;
    }

    private async Task<Dictionary<string, Dictionary<string, string>>> ReadColumnsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.relname, a.attname, t.typname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p')
            """);
        command.Parameters.Add(Sql.P(_schema));
        command.Parameters.Add(Sql.P(release.TableNames.ToArray()));
        var tables = new Dictionary<string, Dictionary<string, string>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }

            if (!reader.IsDBNull(1))
            {
                columns[reader.GetString(1)] = reader.GetString(2);
            }
        }

        return tables;
    }
}
