using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>Retention and purge of synthetic rows.</summary>
public interface ICleanupService
{
    /// <summary>Deletes synthetic rows older than <paramref name="retainDays"/> (default: the setting), in bounded batches.</summary>
    Task<CleanupResult> CleanupAsync(int? retainDays, string kind, CancellationToken cancellationToken);

    /// <summary>Removes every synthetic row and the sim profiles this app created.</summary>
    Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken);
}

/// <summary>What a purge removed.</summary>
public sealed record PurgeResult(CleanupResult Result, long SimUsers, long Profiles);

public sealed class CleanupService(CleanupStore cleanup, SettingsStore settings, SchemaGate schema, TimeProvider time, RandomSource random, ILogger<CleanupService> logger) : ICleanupService
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

    public async Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var now = time.GetUtcNow();
        var result = await cleanup.DeleteAsync(Uuid7.Create(now, new Random(random.Next(int.MaxValue))), "purge", now, null, null, CleanupStore.DefaultBatchSize, cancellationToken);
        var (simUsers, profiles) = await cleanup.RemoveCreatedProfilesAsync(cancellationToken);
        logger.LogWarning("Purge {CleanupId} deleted {Rows} synthetic rows {RowsPerTable}, {SimUsers} sim users and {Profiles} profiles",
            result.Id, result.TotalRows, result.RowsDeleted, simUsers, profiles);
        return new PurgeResult(result, simUsers, profiles);
    }
}
