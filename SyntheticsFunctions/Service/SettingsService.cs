using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>The engine's settings: read, change (recorded in the history) and list changes.</summary>
public interface ISettingsService
{
    Task<EngineSettings> UpdateAsync(SettingsPatch patch, string source, CancellationToken cancellationToken);

    Task<IReadOnlyList<SettingsChange>> HistoryAsync(int limit, CancellationToken cancellationToken);
}

public sealed class SettingsService(SettingsStore settings, SchemaGate schema, TimeProvider time) : ISettingsService
{
    /// <summary>Applies a validated partial change at the app's clock; the database records it in the settings history.</summary>
    public async Task<EngineSettings> UpdateAsync(SettingsPatch patch, string source, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        return await settings.UpdateAsync(patch, source, time.GetUtcNow(), cancellationToken);
    }

    public async Task<IReadOnlyList<SettingsChange>> HistoryAsync(int limit, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        return await settings.HistoryAsync(limit, cancellationToken);
    }
}
