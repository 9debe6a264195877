using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>
/// An estimate and what it rests on: the volume and cost (<see cref="VolumeEstimate"/>), and the
/// connections an instance may open (its data source's Maximum Pool Size), each cron tick and
/// backfill pass holds, and the server allows.
/// </summary>
public sealed record EstimateReport(VolumeEstimate Volume, int PoolCap, long PoolMembers, int MaxPoolSize, int ServerMaxConnections);

/// <summary>What settings would cost before they are saved.</summary>
public interface IEstimateService
{
    /// <summary>The estimate at the settings in force with <paramref name="patch"/> applied (nothing is saved).</summary>
    Task<EstimateReport> EstimateAsync(SettingsPatch patch, CancellationToken cancellationToken);
}

public sealed class EstimateService(EstimateStore store, SchemaGate schema, IOptions<SyntheticsOptions> options) : IEstimateService
{
    public async Task<EstimateReport> EstimateAsync(SettingsPatch patch, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var input = await store.ReadAsync(cancellationToken);
        var settings = SettingDeclarations.Apply(input.Settings, patch.Values);
        var capacity = StatusService.CapacityOf(settings, input.PoolMembers, input.OwnsPool, options.Value);
        var volume = VolumeModel.Estimate(settings, capacity, input.Tables);
        return new EstimateReport(volume, options.Value.PoolSize, input.PoolMembers, input.MaxPoolSize, input.ServerMaxConnections);
    }
}
