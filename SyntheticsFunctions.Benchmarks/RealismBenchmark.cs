using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Benchmarks;

/// <summary>
/// The realism check's latency for <c>days=56</c> on the filled database, as the service call:
/// the first call (the daily cache empty, every day computed), then calls with nothing changed,
/// then calls each after a manual run (today's day computed again, as while the engine runs).
/// Prints the check's figures too.
/// </summary>
internal static class RealismBenchmark
{
    private const int Days = 56;
    private const int WarmUp = 3;
    private const int Measured = 20;

    public static async Task RunAsync(IServiceProvider services, Func<string, Task> sql)
    {
        var realism = services.GetRequiredService<IRealismService>();
        var runs = services.GetRequiredService<IRunService>();
        await sql($"UPDATE synthetic_settings SET retain_days = greatest(retain_days, {Days}) WHERE id = 1");
        await sql("DELETE FROM synthetic_realism_sessions; DELETE FROM synthetic_realism_days");

        var watch = Stopwatch.StartNew();
        var check = await realism.CheckAsync(Days, CancellationToken.None);
        var cold = watch.Elapsed.TotalMilliseconds;

        var unchanged = await MeasureAsync(() => realism.CheckAsync(Days, CancellationToken.None), before: null);
        var afterRun = await MeasureAsync(
            () => realism.CheckAsync(Days, CancellationToken.None),
            before: () => runs.RunAsync(RunTrigger.Manual, 20, CancellationToken.None));

        Console.WriteLine();
        Console.WriteLine($"Realism check, days={Days}, service call ({Measured} calls each after {WarmUp} warm-up):");
        Console.WriteLine($"| case | median (ms) | p95 (ms) | max (ms) |");
        Console.WriteLine($"|---|---|---|---|");
        Console.WriteLine($"| first call, daily cache empty | {cold:F0} | {cold:F0} | {cold:F0} |");
        Console.WriteLine($"| nothing changed | {unchanged.Median:F0} | {unchanged.P95:F0} | {unchanged.Max:F0} |");
        Console.WriteLine($"| after a manual run (today recomputed) | {afterRun.Median:F0} | {afterRun.P95:F0} | {afterRun.Max:F0} |");
        Console.WriteLine();
        Console.WriteLine("| figure | value | target | verdict | n |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var f in check.Report!.Figures)
        {
            Console.WriteLine($"| {f.Name} | {f.Value?.ToString("0.####") ?? "–"} | {f.Target} | {f.Verdict} | {f.N} {f.SampleUnit} |");
        }
    }

    private static async Task<(double Median, double P95, double Max)> MeasureAsync<T>(Func<Task<T>> call, Func<Task<RunOutcome>>? before)
    {
        var samples = new List<double>();
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            if (before is not null)
            {
                await before();
            }

            var start = Stopwatch.GetTimestamp();
            await call();
            if (i >= WarmUp)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)Math.Ceiling(samples.Count * 0.95) - 1], samples[^1]);
    }
}
