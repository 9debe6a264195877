using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>Whether the engine may write: the schema is migrated and every existing table has what the app needs.</summary>
public sealed record SchemaStatus(bool Compatible, IReadOnlyList<string> Problems)
{
    public static SchemaStatus Ready { get; } = new(true, []);
}

/// <summary>
/// Migrates (when enabled) and checks the schema before the engine writes. Success is
/// remembered; an incompatible or missing schema is checked again next time, so fixing the
/// table and waiting a tick is enough. Every refusal is logged with each problem.
/// </summary>
public sealed class SchemaGate(
    SchemaMigrator migrator,
    SchemaInspector inspector,
    Seeder seeder,
    IOptions<SyntheticsOptions> options,
    ILogger<SchemaGate> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile SchemaStatus? _ready;
    private volatile string? _migrationFailure;

    public async Task<SchemaStatus> EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready is not null)
        {
            return _ready;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_ready is not null)
            {
                return _ready;
            }

            var status = options.Value.MigrateOnStartup
                ? await MigrateAsync(cancellationToken)
                : await InspectAsync(cancellationToken);
            if (status.Compatible)
            {
                _ready = status;
            }
            else
            {
                foreach (var problem in status.Problems)
                {
                    logger.LogError("Engine stopped, schema {Schema} is incompatible: {Problem}", options.Value.Schema, problem);
                }
            }

            return status;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// For a use case that touches the database: throws <see cref="SchemaIncompatibleException"/>
    /// naming every problem unless the schema is ready, so each route answers 503 with them
    /// (<c>ApiResults.GuardAsync</c>) instead of failing on the first statement that meets it.
    /// </summary>
    public async Task RequireReadyAsync(CancellationToken cancellationToken)
    {
        var status = await EnsureReadyAsync(cancellationToken);
        if (!status.Compatible)
        {
            throw new SchemaIncompatibleException(status.Problems);
        }
    }

    /// <summary>The migrate command: applies migrations and seeds, whatever MigrateOnStartup says.</summary>
    public async Task<SchemaStatus> MigrateAsync(CancellationToken cancellationToken)
    {
        var result = await migrator.MigrateAsync(seeder.SeedAsync, cancellationToken);

        // Kept for health, which only inspects: a failed script leaves no trace in the tables
        // (it rolled back) and may even leave them looking right, as a renumbered one did.
        _migrationFailure = result.Failure;
        if (result.Incompatible.Count > 0)
        {
            return new SchemaStatus(false, [.. result.Incompatible.Select(p => p.ToString())]);
        }

        return result.Failure is { } failure ? new SchemaStatus(false, [failure]) : await InspectAsync(cancellationToken);
    }

    /// <summary>
    /// Checks without changing anything: the last migration's failure in this process, else every
    /// existing table's columns, then tables still missing and migrations not applied.
    /// </summary>
    public async Task<SchemaStatus> InspectAsync(CancellationToken cancellationToken)
    {
        if (_migrationFailure is { } failure)
        {
            return new SchemaStatus(false, [failure]);
        }

        var problems = await inspector.FindProblemsAsync(SchemaPhase.AfterMigrations, cancellationToken);
        if (problems.Count > 0)
        {
            return new SchemaStatus(false, [.. problems.Select(p => p.ToString())]);
        }

        var missing = await inspector.FindMissingTablesAsync(cancellationToken);
        var pending = await inspector.FindPendingMigrationsAsync(cancellationToken);
        List<string> all =
        [
            .. missing.Select(t => $"{t} is missing: run the migrate command"),
            .. pending.Select(m => $"migration {m} is not applied: run the migrate command"),
        ];
        if (all.Count == 0)
        {
            all.AddRange(await inspector.FindPoolProblemsAsync(cancellationToken));
        }

        return all.Count > 0 ? new SchemaStatus(false, all) : SchemaStatus.Ready;
    }
}

/// <summary>The schema cannot take the engine's reads and writes; the caller answers 503 naming the problems.</summary>
public sealed class SchemaIncompatibleException(IReadOnlyList<string> problems) : Exception("The schema is incompatible: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
