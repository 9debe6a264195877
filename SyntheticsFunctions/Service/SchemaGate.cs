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

    /// <summary>The migrate command: applies migrations and seeds, whatever MigrateOnStartup says.</summary>
    public async Task<SchemaStatus> MigrateAsync(CancellationToken cancellationToken)
    {
        var problems = await migrator.MigrateAsync(seeder.SeedAsync, cancellationToken);
        return problems.Count > 0
            ? new SchemaStatus(false, [.. problems.Select(p => p.ToString())])
            : await InspectAsync(cancellationToken);
    }

    /// <summary>Checks without changing anything: existing tables' columns, then tables still missing.</summary>
    public async Task<SchemaStatus> InspectAsync(CancellationToken cancellationToken)
    {
        var problems = await inspector.FindProblemsAsync(cancellationToken);
        if (problems.Count > 0)
        {
            return new SchemaStatus(false, [.. problems.Select(p => p.ToString())]);
        }

        var missing = await inspector.FindMissingTablesAsync(cancellationToken);
        if (missing.Count > 0)
        {
            return new SchemaStatus(false, [.. missing.Select(t => $"{t} is missing: run the migrate command")]);
        }

        var pool = await inspector.FindPoolProblemsAsync(cancellationToken);
        return pool.Count > 0 ? new SchemaStatus(false, pool) : SchemaStatus.Ready;
    }
}
