using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Benchmarks;

/// <summary>
/// The realism check's latency for <c>days=56</c> on the filled database, as the service call:
/// the first call after the backfill (the writers kept the facts; nothing is warmed), then calls
/// with nothing changed, then calls each after a manual run (as while the engine runs). The first
/// call after a backfill on fresh databases is its own section (<see cref="FirstCallsAsync"/>).
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

        var watch = Stopwatch.StartNew();
        var check = await realism.CheckAsync(Days, CancellationToken.None);
        var first = watch.Elapsed.TotalMilliseconds;

        var unchanged = await MeasureAsync(() => realism.CheckAsync(Days, CancellationToken.None), before: null);
        var afterRun = await MeasureAsync(
            () => realism.CheckAsync(Days, CancellationToken.None),
            before: () => runs.RunAsync(RunTrigger.Manual, 20, CancellationToken.None));

        Console.WriteLine();
        Console.WriteLine($"Realism check, days={Days}, service call ({Measured} calls each after {WarmUp} warm-up):");
        Console.WriteLine($"| case | median (ms) | p95 (ms) | max (ms) |");
        Console.WriteLine($"|---|---|---|---|");
        Console.WriteLine($"| first call after the backfill (nothing warmed) | {first:F0} | {first:F0} | {first:F0} |");
        Console.WriteLine($"| nothing changed | {unchanged.Median:F0} | {unchanged.P95:F0} | {unchanged.Max:F0} |");
        Console.WriteLine($"| after a manual run | {afterRun.Median:F0} | {afterRun.P95:F0} | {afterRun.Max:F0} |");

        // Where the time goes: the facts read from storage, then the figures computed from them.
        var store = services.GetRequiredService<SyntheticsFunctions.Storage.RealismStore>();
        var current = await services.GetRequiredService<SyntheticsFunctions.Storage.SettingsStore>().ReadAsync(CancellationToken.None);
        var to = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var facts = await store.ReadAsync(to.AddDays(-Days), to, current, CancellationToken.None);
        var read = await MeasureAsync(() => store.ReadAsync(to.AddDays(-Days), to, current, CancellationToken.None), before: null);
        var compute = await MeasureAsync(() => Task.FromResult(RealismFigures.Compute(facts)), before: null);
        Console.WriteLine($"| of which: the facts read | {read.Median:F0} | {read.P95:F0} | {read.Max:F0} |");
        Console.WriteLine($"| of which: the figures computed | {compute.Median:F0} | {compute.P95:F0} | {compute.Max:F0} |");
        Console.WriteLine();
        Print(check.Report!);
    }

    /// <summary>
    /// The first realism check (days=56) right after a backfill, on <paramref name="databases"/>
    /// fresh databases: each created, backfilled over 56 days at 6.2 sessions a minute (as the
    /// default section fills it, without the real-user rows) and checked once. At the default pool
    /// cap, which carries about 99% of 6.2 a minute (it needs about 50,600 people).
    ///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism-first "&lt;connection string to the server's postgres database&gt;" [databases]
    /// </summary>
    public static async Task FirstCallsAsync(string admin, int databases)
    {
        // BENCH_KEEP=1 leaves the databases for a look at the check's statements (dropped by the next run).
        var keep = Environment.GetEnvironmentVariable("BENCH_KEEP") == "1";
        for (var i = 1; i <= databases; i++)
        {
            var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_first_{i}");
            await using var dropped = keep ? null : database;
            await using var app = BackfillBenchmark.BuildApp(database.ConnectionString, new FakeTimeProvider(DateTimeOffset.UtcNow));
            await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
            await using (var command = app.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                $"UPDATE synthetic_settings SET enabled = false, sessions_per_min = 6.2, max_per_run = 15, retain_days = greatest(retain_days, {Days}) WHERE id = 1"))
            {
                await command.ExecuteNonQueryAsync();
            }

            var watch = Stopwatch.StartNew();
            var done = await BackfillBenchmark.BackfillToEndAsync(app, Days, seed: 2026 + Days + i);
            var filled = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var report = (await app.GetRequiredService<IRealismService>().CheckAsync(Days, CancellationToken.None)).Report!;
            var first = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await app.GetRequiredService<IRealismService>().CheckAsync(Days, CancellationToken.None);
            Console.WriteLine(
                $"| fresh database {i} | {done.TotalRows:N0} rows backfilled in {filled:F0} s | first check, days={Days}: {first:F0} ms (the second: {watch.Elapsed.TotalMilliseconds:F0} ms) | {report[RealismFigures.EventsPerSession.Name].N:N0} sessions |");
        }
    }

    /// <summary>
    /// The realism check (days=56) on a database a run left (<c>BENCH_KEEP=1</c>), <paramref name="calls"/>
    /// times in a new process, each call's time printed: the first pays the process's JIT.
    ///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism-again "&lt;connection string to the kept database&gt;" [calls]
    /// </summary>
    public static async Task AgainAsync(string connectionString, int calls)
    {
        await using var app = BackfillBenchmark.BuildApp(connectionString, TimeProvider.System);
        await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        for (var i = 1; i <= calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await app.GetRequiredService<IRealismService>().CheckAsync(Days, CancellationToken.None);
            Console.WriteLine($"| check {i}, days={Days} | {watch.Elapsed.TotalMilliseconds:F0} ms |");
        }
    }

    /// <summary>
    /// The realism check's verdicts through the service the API calls: a throwaway database at the
    /// defaults (moderate, the default pool cap) with retain_days 90, backfilled 90 days
    /// (<c>POST backfill {"days": 90}</c>), then checked over 90, 28 and 7 days; and a second fresh
    /// install backfilled 7 days, checked over the default 28-day window. Exits 1 if any figure fails.
    /// </summary>
    public static async Task<int> VerdictsAsync(string admin)
    {
        const int VerdictDays = 90;
        var failed = 0;
        await using (var database = await ThrowawayDatabase.CreateAsync(admin, "synthetics_bench_realism90"))
        {
            await using var app = await DefaultsAppAsync(database.ConnectionString, VerdictDays);
            var watch = Stopwatch.StartNew();
            var done = await BackfillBenchmark.BackfillToEndAsync(app, VerdictDays, seed: 90);
            Console.WriteLine($"Backfilled {VerdictDays} days at the defaults: {done.TotalRows:N0} rows in {watch.Elapsed.TotalSeconds:F0} s");
            foreach (var days in new[] { VerdictDays, RealismService.DefaultDays, 7 })
            {
                failed += await CheckAsync(app, days, $"{VerdictDays} backfilled days");
            }
        }

        await using (var database = await ThrowawayDatabase.CreateAsync(admin, "synthetics_bench_realism7"))
        {
            await using var app = await DefaultsAppAsync(database.ConnectionString, null);
            await BackfillBenchmark.BackfillToEndAsync(app, 7, seed: 7);
            failed += await CheckAsync(app, null, "a fresh install backfilled 7 days");
        }

        Console.WriteLine(failed == 0 ? "No figure fails." : $"{failed} figures fail.");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<ServiceProvider> DefaultsAppAsync(string connectionString, int? retainDays)
    {
        var app = BackfillBenchmark.BuildApp(connectionString, new FakeTimeProvider(DateTimeOffset.UtcNow), poolSize: SyntheticsOptions.DefaultPoolSize);
        await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        var retain = retainDays is { } days ? $", retain_days = {days}" : "";
        await using var command = app.GetRequiredService<NpgsqlDataSource>().CreateCommand($"UPDATE synthetic_settings SET enabled = false{retain} WHERE id = 1");
        await command.ExecuteNonQueryAsync();
        return app;
    }

    private static async Task<int> CheckAsync(ServiceProvider app, int? days, string what)
    {
        var check = await app.GetRequiredService<IRealismService>().CheckAsync(days, CancellationToken.None);
        var report = check.Report!;
        Console.WriteLine();
        Console.WriteLine($"Realism check, days={check.Days}, on {what}:");
        Print(report);
        return report.Figures.Count(f => f.Verdict == Verdicts.Fail);
    }

    private static void Print(RealismReport report)
    {
        Console.WriteLine("| figure | value | target | verdict | n |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var f in report.Figures)
        {
            Console.WriteLine($"| {f.Name} | {f.Value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "–"} | {f.Target} | {f.Verdict} | {f.N} {f.SampleUnit} |");
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
