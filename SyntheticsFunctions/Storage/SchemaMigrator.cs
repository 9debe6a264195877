using DbUp.Engine;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// Applies the embedded SQL migrations with DbUp through the app's own data source, under a
/// session-level advisory lock so that instances starting together migrate one at a time.
/// </summary>
public sealed class SchemaMigrator(
    NpgsqlDataSource dataSource,
    SchemaInspector inspector,
    IndexAdvisor indexes,
    IOptions<SyntheticsOptions> options,
    ILogger<SchemaMigrator> logger)
{
    private readonly string _schema = options.Value.Schema;

    /// <summary>
    /// Migrates unless an existing table is incompatible; then nothing is touched and the
    /// problems are returned. Runs <paramref name="afterMigrate"/> inside the same lock.
    /// </summary>
    public async Task<IReadOnlyList<SchemaProblem>> MigrateAsync(Func<CancellationToken, Task>? afterMigrate, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", lockConnection))
        {
            acquire.Parameters.Add(Sql.P(Sql.LockName("migrate", _schema)));
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var problems = await inspector.FindProblemsAsync(cancellationToken);
            if (problems.Count > 0)
            {
                return problems;
            }

            var upgrader = PostgresqlExtensions.PostgresqlDatabase(new PostgresqlConnectionManager(dataSource), _schema)
                .JournalToPostgresqlTable(_schema, SchemaInspector.JournalTable)
                .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.Contains(".Storage.Migrations.", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .LogTo(logger)
                .Build();

            // DbUp is synchronous; keep it off the caller's thread.
            var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
            }

            LogApplied(result);

            // Declared indexes go on the tables this app created only; on the journey app's own
            // tables they stay recommendations (status lists them, the migrate command's
            // --create-recommended-indexes builds them CONCURRENTLY).
            await indexes.CreateOnOwnTablesAsync(lockConnection, cancellationToken);
            if (afterMigrate is not null)
            {
                await afterMigrate(cancellationToken);
            }

            return [];
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lockConnection);
            release.Parameters.Add(Sql.P(Sql.LockName("migrate", _schema)));
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private void LogApplied(DatabaseUpgradeResult result)
    {
        foreach (var script in result.Scripts)
        {
            logger.LogInformation("Applied migration {Script} to schema {Schema}", script.Name, _schema);
        }
    }
}
