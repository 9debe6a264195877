using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>The sim-user pool: list it page by page, resize it.</summary>
public interface IPoolService
{
    Task<PoolPage> ListAsync(int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>Resizes the pool; null when it would have to create profiles in the journey app's own table.</summary>
    Task<PoolResize?> ResizeAsync(int size, CancellationToken cancellationToken);
}

public sealed class PoolService(PoolStore pool, SchemaGate schema, TimeProvider time, ILogger<PoolService> logger) : IPoolService
{
    public async Task<PoolPage> ListAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        return await pool.ListAsync(page, pageSize, time.GetUtcNow(), cancellationToken);
    }

    public async Task<PoolResize?> ResizeAsync(int size, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var resized = await pool.ResizeAsync(size, time.GetUtcNow(), cancellationToken);
        if (resized is not null)
        {
            logger.LogInformation("Pool resized from {Before} to {After}: {Added} added, {Retired} retired, {Reactivated} reactivated",
                resized.Before, resized.After, resized.Added, resized.Retired, resized.Reactivated);
        }

        return resized;
    }
}
