using DbUp.Engine;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Storage;

/// <summary>What migrating did: nothing because an existing table is incompatible, a migration that failed, or all applied.</summary>
public sealed record MigrationResult(IReadOnlyList<SchemaProblem> Incompatible, string? Failure)
{
    public static MigrationResult Applied { get; } = new([], null);

    public bool Succeeded => Incompatible.Count == 0 && Failure is null;
}

/// <summary>
/// Applies the release's SQL migrations (the embedded ones) with DbUp through the app's own data
/// source, under a session-level advisory lock so that instances starting together migrate one at a time.
/// </summary>
public sealed class SchemaMigrator(
    NpgsqlDataSource dataSource,
    SchemaInspector inspector,
    SchemaRelease release,
    IndexAdvisor indexes,
    IOptions<SyntheticsOptions> options,
    ILogger<SchemaMigrator> logger)
{
    private readonly string _schema = options.Value.Schema;

    /// <summary>
    /// Migrates unless a table the engine did not create is incompatible; then nothing is touched
    /// and the problems are returned. A migration that fails is rolled back (one transaction per
    /// script) and named with its error. Runs <paramref name="afterMigrate"/> inside the same lock.
    /// </summary>
    public async Task<MigrationResult> MigrateAsync(Func<CancellationToken, Task>? afterMigrate, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var acquire = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", lockConnection))
        {
            acquire.Parameters.Add(Sql.P(Sql.LockName("migrate", _schema)));
            await acquire.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Tables the engine created are not checked yet: a release that adds a column to one
            // brings the migration that adds it, which must run before the column is required.
            var problems = await inspector.FindProblemsAsync(SchemaPhase.BeforeMigrations, cancellationToken);
            if (problems.Count > 0)
            {
                return new MigrationResult(problems, null);
            }

            var upgrader = PostgresqlExtensions.PostgresqlDatabase(new PostgresqlConnectionManager(dataSource), _schema)
                .JournalToPostgresqlTable(_schema, SchemaInspector.JournalTable)
                .WithScripts(release.Migrations.Select(m => new SqlScript(m.Name, m.Contents)))
                .WithTransactionPerScript()
                .LogTo(logger)
                .Build();

            // DbUp is synchronous; keep it off the caller's thread.
            var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
            if (!result.Successful)
            {
                // A database that went away is not the migration's fault: the caller answers 503
                // "unreachable" and tries again. Anything else is this script's error, which the
                // database's owner must see (health and every route name it), so it is returned.
                if (result.Error is { } error && StorageFailures.IsUnavailable(error))
                {
                    throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: the database is unavailable", error);
                }

                var failure = $"migration {SchemaInspector.VersionOf(result.ErrorScript?.Name ?? "unknown")} failed: {MessageOf(result.Error)}";
                logger.LogError(result.Error, "Schema {Schema}: {Failure}", _schema, failure);
                return new MigrationResult([], failure);
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

            return MigrationResult.Applied;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lockConnection);
            unlock.Parameters.Add(Sql.P(Sql.LockName("migrate", _schema)));
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Postgres's own message ("column \"x\" already exists"), without the driver's SQLSTATE prefix.</summary>
    private static string MessageOf(Exception? error) => error switch
    {
        PostgresException p => p.MessageText,
        null => "unknown error",
        _ => error.Message,
    };

    private void LogApplied(DatabaseUpgradeResult result)
    {
        foreach (var script in result.Scripts)
        {
            logger.LogInformation("Applied migration {Script} to schema {Schema}", script.Name, _schema);
        }
    }
}
