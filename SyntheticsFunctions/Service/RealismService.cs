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

public sealed class RealismService(RealismStore store, TimeProvider time) : IRealismService
{
    public const int DefaultDays = 28;

    public async Task<RealismCheck> CheckAsync(int? days, CancellationToken cancellationToken)
    {
        var retainDays = await store.ReadRetainDaysAsync(cancellationToken);
        var window = days ?? Math.Min(DefaultDays, retainDays);
        if (window < 1 || window > retainDays)
        {
            return new RealismCheck(window, retainDays, null);
        }

        var now = time.GetUtcNow();
        var facts = await store.ReadAsync(now.AddDays(-window), now, cancellationToken);
        return new RealismCheck(window, retainDays, RealismFigures.Compute(facts));
    }
}
