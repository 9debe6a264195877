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

    /// <summary>
    /// Computes the check's cached hours that are over and not yet cached (newest first, for up to
    /// <paramref name="budget"/>), so the first check after a backfill, or after hours of running,
    /// reads them instead of computing them. Returns how many hours it computed (0 on an incompatible schema).
    /// </summary>
    Task<int> WarmAsync(TimeSpan budget, CancellationToken cancellationToken);
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

    public async Task<int> WarmAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        if (!(await schema.EnsureReadyAsync(cancellationToken)).Compatible)
        {
            return 0;
        }

        var started = time.GetTimestamp();
        var retainDays = (await settings.ReadAsync(cancellationToken)).RetainDays;
        return await store.WarmAsync(time.GetUtcNow(), retainDays, () => time.GetElapsedTime(started) >= budget, cancellationToken);
    }
}
