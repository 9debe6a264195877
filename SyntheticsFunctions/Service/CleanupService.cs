using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>Retention and purge of synthetic rows.</summary>
public interface ICleanupService
{
    /// <summary>Deletes synthetic rows older than <paramref name="retainDays"/> (default: the setting), in bounded batches.</summary>
    Task<CleanupResult> CleanupAsync(int? retainDays, string kind, CancellationToken cancellationToken);

    /// <summary>Removes every synthetic row and the sim profiles this app created; where the engine owns profiles, a fresh steady-state population follows.</summary>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <param name="repopulate">False for a backfill's purge_first: the backfill brings its own people.</param>
    Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken, bool repopulate = true);
}

/// <summary>What a purge removed.</summary>
public sealed record PurgeResult(CleanupResult Result, long SimUsers, long Profiles, PoolAfterPurge Pool)
{
    /// <summary>What the pool is afterwards, and whether the engine can write, in words.</summary>
    public string PoolNote => Pool switch
    {
        { OwnsPool: true, Added: > 0 } => $"The engine owns profiles: a fresh steady-state population of {Pool.Added} people was added, and the engine keeps writing.",
        { OwnsPool: true } => $"The engine owns profiles: the pool has {Pool.Members} members, and new people sign up as the engine runs.",
        { Members: > 0 } => $"The journey app owns profiles: the pool's {Pool.Members} members stay and start over, not signed up yet.",
        _ => "The pool is empty and the engine cannot add people here (the journey app owns profiles): insert rows into sim_users (profile ids of profiles that exist) for the engine to write.",
    };
}

public sealed class CleanupService(CleanupStore cleanup, SettingsStore settings, SchemaGate schema, Seeder seeder, TimeProvider time, RandomSource random, ILogger<CleanupService> logger) : ICleanupService
{
    public async Task<CleanupResult> CleanupAsync(int? retainDays, string kind, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var days = retainDays ?? (await settings.ReadAsync(cancellationToken)).RetainDays;
        var now = time.GetUtcNow();
        var result = await cleanup.DeleteAsync(Uuid7.Create(now, new Random(random.Next(int.MaxValue))), kind, now, now.AddDays(-days), days, CleanupStore.DefaultBatchSize, cancellationToken);
        logger.LogInformation("{Kind} {CleanupId} deleted {Rows} rows older than {Days} days {RowsPerTable} in {Transactions} transactions",
            kind, result.Id, result.TotalRows, days, result.RowsDeleted, result.Transactions);
        return result;
    }

    public async Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken, bool repopulate = true)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var result = await cleanup.DeleteAsync(Uuid7.Create(now, new Random(random.Next(int.MaxValue))), "purge", now, null, null, CleanupStore.DefaultBatchSize, cancellationToken);
        var (simUsers, profiles) = await cleanup.RemoveCreatedProfilesAsync(cancellationToken);
        var pool = await seeder.RepopulateAsync(repopulate, cancellationToken);
        logger.LogWarning("Purge {CleanupId} deleted {Rows} synthetic rows {RowsPerTable}, {SimUsers} sim users and {Profiles} profiles; the pool has {Members} members ({Added} added)",
            result.Id, result.TotalRows, result.RowsDeleted, simUsers, profiles, pool.Members, pool.Added);
        return new PurgeResult(result, simUsers, profiles, pool);
    }
}
