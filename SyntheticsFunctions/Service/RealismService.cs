using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>The realism check's answer: the report, or none when the window asked for is longer than the data is kept (<see cref="RetainDays"/>).</summary>
public sealed record RealismCheck(int Days, int RetainDays, RealismReport? Report);

/// <summary>Whether the synthetic rows in the database read like people: the realism figures over the last N days.</summary>
public interface IRealismService
{
    /// <summary>The figures over the last <paramref name="days"/> days (null: <see cref="RealismService.DefaultDays"/>, or retain_days if shorter).</summary>
    Task<RealismCheck> CheckAsync(int? days, CancellationToken cancellationToken);
}

public sealed class RealismService(RealismStore store, SettingsStore settings, SchemaGate schema, TimeProvider time) : IRealismService
{
    public const int DefaultDays = 28;

    public async Task<RealismCheck> CheckAsync(int? days, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var current = await settings.ReadAsync(cancellationToken);
        var window = days ?? Math.Min(DefaultDays, current.RetainDays);
        if (window < 1 || window > current.RetainDays)
        {
            return new RealismCheck(window, current.RetainDays, null);
        }

        var now = time.GetUtcNow();
        var facts = await store.ReadAsync(now.AddDays(-window), now, current, cancellationToken);
        return new RealismCheck(window, current.RetainDays, RealismFigures.Compute(facts));
    }
}
