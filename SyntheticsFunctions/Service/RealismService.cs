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

public sealed class RealismService(
    RealismStore store, SettingsStore settings, SchemaGate schema, TimeProvider time, Microsoft.Extensions.Options.IOptions<Configuration.SyntheticsOptions> options) : IRealismService
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

        // A window longer than the history the tables hold is computed on the days they hold: the
        // figures that need more say so (not_enough_data), and no cohort begins before the history.
        var now = time.GetUtcNow();
        var asked = now.AddDays(-window);
        var from = await store.HistoryStartAsync(cancellationToken) is { } start && start > asked ? start : asked;
        // A one-region mix may have fewer zones than the time-zones figure asks for.
        var facts = await store.ReadAsync(from, now, current, cancellationToken) with { AskedDays = window, MixZones = options.Value.ParsedRegionMix().Zones.Count };
        return new RealismCheck(window, current.RetainDays, RealismFigures.Compute(facts));
    }
}
