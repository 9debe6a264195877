using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Benchmarks;

/// <summary>
/// The backfill's figures (engine alone, the COPY ceiling, end to end, the cron tick), each the median of <see cref="Repetitions"/> runs,
/// every baseline measured in the same run on throwaway databases of the given server:
/// <list type="number">
/// <item>engine only: events per second planning the backfill's way, on one core, and the share of planning spent on tags;</item>
/// <item>the ceiling: binary COPY of the very rows the end-to-end run writes (the same job planned beforehand, untimed) into the same tables on one connection;</item>
/// <item>backfill end to end at intense (7 and 30 days by default, <c>BENCH_E2E_DAYS</c>): rows per second, the ratio to the ceiling, peak working set of a child process per run;</item>
/// <item>a cron tick at intense after it: p50/p99 against a bare transaction of the same three round trips.</item>
/// </list>
///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- backfill "&lt;connection string to the server's postgres database&gt;"
/// </summary>
internal static class BackfillBenchmark
{
    private const int Repetitions = 3;

    /// <summary>
    /// 30 days at intense is about 5.6 million rows at the default cap: at this machine's pace one run
    /// takes minutes, so each length runs once (BENCH_E2E_REPETITIONS=3: the median of three for the first).
    /// </summary>
    private static readonly int EndToEndRepetitions = int.TryParse(Environment.GetEnvironmentVariable("BENCH_E2E_REPETITIONS"), out var n) ? n : 1;
    private const double IntenseSessionsPerMin = 10;
    private const int IntenseMaxPerRun = 15;
    private const int PoolSize = 20_000;

    /// <summary>The engine, COPY and end-to-end sections run at the pool cap users have unless they change it.</summary>
    private const int DefaultPoolCap = Configuration.SyntheticsOptions.DefaultPoolSize;

    /// <summary>The end-to-end runs' days (BENCH_E2E_DAYS, default 7,30); the first is also the ceiling's: the same rows, COPY'd.</summary>
    private static readonly int[] EndToEndDays = [.. (Environment.GetEnvironmentVariable("BENCH_E2E_DAYS") ?? "7,30").Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture))];

    public static async Task<int> RunAsync(string[] args)
    {
        var admin = args.FirstOrDefault() ?? throw new InvalidOperationException("Pass a connection string to the server's postgres database.");
        if (args.Length > 3 && args[1] == "e2e")
        {
            // A child process of its own, so its peak working set is the backfill's alone.
            return await EndToEndChildAsync(admin, int.Parse(args[2], CultureInfo.InvariantCulture), DateTimeOffset.Parse(args[3], CultureInfo.InvariantCulture));
        }

        var total = Stopwatch.StartNew();
        var rows = new List<string>();

        // BENCH_SECTIONS=engine,copy,e2e,tick (the default: all) runs a part on its own.
        var sections = (Environment.GetEnvironmentVariable("BENCH_SECTIONS") ?? "engine,copy,e2e,tick").Split(',', StringSplitOptions.TrimEntries);
        if (sections.Contains("engine"))
        {
            var engine = Median(Enumerable.Range(0, Repetitions).Select(_ => EngineOnly(days: 3)).ToList(), e => e.EventsPerSecond);
            Console.WriteLine($"engine only: {engine.EventsPerSecond:N0} events/s, tags {engine.TagShare:P0} of planning");
            rows.Add($"| engine only, backfill planning, 1 core, intense | {engine.EventsPerSecond:N0} events/s | 1,000,000 events/s | tags {engine.TagShare:P0} of planning (goal at most 20%) |");
        }

        // One present for the ceiling and every end-to-end run: the same days give the same job, so the same rows.
        var present = Microseconds.Truncate(DateTimeOffset.UtcNow);
        Ceiling? ceiling = null;
        if (sections.Contains("copy") || sections.Contains("e2e"))
        {
            ceiling = await SameRowsCeilingAsync(admin, EndToEndDays[0], present);
            Console.WriteLine($"COPY ceiling, the {EndToEndDays[0]}-day job's rows: {ceiling.Rows:N0} rows in {ceiling.Seconds:F1} s = {ceiling.RowsPerSecond:N0} rows/s");
            rows.Add($"| ceiling: binary COPY of the {EndToEndDays[0]}-day job's own rows, planned beforehand, one connection | {ceiling.RowsPerSecond:N0} rows/s ({ceiling.Rows:N0} rows, {ceiling.Seconds:F0} s) | | same tables, indexes and foreign keys; a transaction per chunk; no staging, rollups or facts |");
        }

        if (sections.Contains("e2e"))
        {
            foreach (var days in EndToEndDays)
            {
                var runs = new List<EndToEnd>();
                for (var i = 0; i < (days == EndToEndDays[0] ? EndToEndRepetitions : 1); i++)
                {
                    runs.Add(await EndToEndInChildAsync(admin, days, present));
                }

                var e2e = Median(runs, r => r.RowsPerSecond);
                var ratio = e2e.RowsPerSecond / ceiling!.RowsPerSecond;
                var same = days == EndToEndDays[0]
                    ? $"ratio {ratio:F2} to the ceiling of the same rows ({(e2e.Rows == ceiling.Rows ? "row counts equal" : $"ceiling {ceiling.Rows:N0} rows")})"
                    : $"ratio {ratio:F2} to the {EndToEndDays[0]}-day ceiling";
                Console.WriteLine($"end to end {days} days: {e2e.Rows:N0} rows in {e2e.Seconds:F1} s = {e2e.RowsPerSecond:N0} rows/s, peak {e2e.PeakMb:F0} MB; {same}");
                rows.Add($"| backfill end to end, {days} days intense, pool cap {DefaultPoolCap:N0} | {e2e.RowsPerSecond:N0} rows/s ({e2e.Rows:N0} rows, {e2e.Seconds:F0} s); peak working set {e2e.PeakMb:F0} MB | ratio at least 0.8; under 300 MB, flat | {same} |");
            }
        }

        if (sections.Contains("tick"))
        {
            var tick = await CronTickAsync(admin);
            Console.WriteLine($"cron tick: p50 {tick.P50:F2} ms p99 {tick.P99:F2} ms; bare transaction p50 {tick.BareP50:F2} ms p99 {tick.BareP99:F2} ms");
            rows.Add($"| cron tick at intense, p50 / p99 | {tick.P50:F2} / {tick.P99:F2} ms | p99 under 10 ms | bare transaction of the same 3 round trips: {tick.BareP50:F2} / {tick.BareP99:F2} ms; {tick.Rows:F0} rows per tick |");
        }

        Console.WriteLine();
        Console.WriteLine($"Backfill figures, median of {Repetitions} (end to end: {EndToEndRepetitions}), {Environment.ProcessorCount} cores, {total.Elapsed.TotalMinutes:F1} min in all");
        Console.WriteLine("| figure | measured | goal | note |");
        Console.WriteLine("|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static T Median<T>(List<T> values, Func<T, double> by) => values.OrderBy(by).ElementAt(values.Count / 2);

    private static EngineSettings Intense => EngineSettings.Defaults with { SessionsPerMin = IntenseSessionsPerMin, MaxPerRun = IntenseMaxPerRun };

    private sealed record EngineFigure(double EventsPerSecond, double TagShare);

    /// <summary>Plays <paramref name="days"/> at intense the backfill's way on this thread; the warm-up population is not timed.</summary>
    private static EngineFigure EngineOnly(int days)
    {
        var end = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var player = new BackfillPlayer(new BackfillSpec(42, end.AddDays(-days), end, Intense, DefaultPoolCap, 0), DefaultCatalog.Catalog);
        var watch = Stopwatch.StartNew();
        long events = 0, rows = 0;
        var chunks = new List<BackfillChunk>();
        while (true)
        {
            var chunk = player.Play(end);
            events += chunk.Batch.Events.Count;
            rows += chunk.Batch.TotalRows;
            chunks.Add(chunk);
            if (chunk.Final)
            {
                break;
            }
        }

        var planning = watch.Elapsed.TotalSeconds;

        // The tags the plan built, built again on their own: one set per session, one string per row.
        watch.Restart();
        var sink = 0L;
        foreach (var chunk in chunks)
        {
            foreach (var e in chunk.Batch.Events)
            {
                var tags = new Tagging.SessionTags(Guid.Empty, e.InstanceId);
                sink += tags.Json(("scene_title", "A title"), ("dwell_seconds", 12.5)).Length;
            }

            sink += TagRows(chunk.Batch.Captures.Count + chunk.Batch.ResistanceChecks.Count + chunk.Batch.InstanceScenes.Count
                + chunk.Batch.MindblockEvents.Count + chunk.Batch.MindblockStatuses.Count + chunk.Batch.RealWorldTriggers.Count);
        }

        var tagging = watch.Elapsed.TotalSeconds;
        GC.KeepAlive(sink);
        return new EngineFigure(events / planning, tagging / planning);

        static long TagRows(int count)
        {
            var tags = new Tagging.SessionTags(Guid.Empty, Guid.Empty);
            long length = 0;
            for (var i = 0; i < count; i++)
            {
                length += tags.Json().Length;
            }

            return length;
        }
    }

    private sealed record Ceiling(long Rows, double Seconds)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    /// <summary>
    /// The ceiling of the end-to-end run of <paramref name="days"/>: the same job (a fresh database,
    /// the same settings, seed and present) planned chunk by chunk, untimed, and each chunk's rows
    /// COPY'd in binary straight into the tables, one transaction per chunk on one connection (the
    /// people first, untimed). A row an earlier chunk wrote (a journey continued, a status changed)
    /// is not written again, so the rows are the distinct rows the job counts.
    /// </summary>
    private static async Task<Ceiling> SameRowsCeilingAsync(string admin, int days, DateTimeOffset present)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_ceiling_{days}");
        await using var app = BuildApp(database.ConnectionString, new FakeTimeProvider(present), DefaultPoolCap);
        await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        var dataSource = app.GetRequiredService<NpgsqlDataSource>();
        await using (var command = dataSource.CreateCommand(
            $"UPDATE synthetic_settings SET enabled = false, sessions_per_min = {IntenseSessionsPerMin}, max_per_run = {IntenseMaxPerRun} WHERE id = 1"))
        {
            await command.ExecuteNonQueryAsync();
        }

        // The job as the end-to-end run starts it (purged, running, nothing written), then its spec.
        var backfill = app.GetRequiredService<IBackfillService>();
        var id = (await backfill.StartAsync(days, purgeFirst: true, CancellationToken.None, seed: 2026)).Job!.Job.Id;
        await backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None, maxChunks: 0);
        var store = app.GetRequiredService<SyntheticsFunctions.Storage.BackfillStore>();
        var job = (await store.GetAsync(id, CancellationToken.None))!;
        var (catalog, installation) = await store.ReadPlayInputAsync(job, CancellationToken.None);
        var player = new BackfillPlayer(
            BackfillService.SpecOf(job, installation, app.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.SyntheticsOptions>>().Value), catalog);

        await using var connection = await dataSource.OpenConnectionAsync();
        var seen = new HashSet<Guid>();
        var seenStatuses = new HashSet<(Guid, Guid)>();
        var watch = new Stopwatch();
        long rows = 0;
        while (true)
        {
            var chunk = player.Play(present);
            var batch = chunk.Batch;
            List<InstanceRow> instances = [.. batch.Instances.Where(r => seen.Add(r.Id))];
            List<InstanceSceneRow> scenes = [.. batch.InstanceScenes.Where(r => seen.Add(r.Id))];
            List<MindblockStatusRow> statuses = [.. batch.MindblockStatuses.Where(r => seenStatuses.Add((r.UserId, r.MindblockId)))];
            await AddPeopleAsync(connection, chunk.NewUsers);

            watch.Start();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await CopyAsync(connection, ActivityTables.JourneyInstances, instances);
                await CopyAsync(connection, ActivityTables.JourneyInstanceScenes, scenes);
                await CopyAsync(connection, ActivityTables.JourneySceneEvents, batch.Events);
                await CopyAsync(connection, ActivityTables.JourneySceneCaptures, batch.Captures);
                await CopyAsync(connection, ActivityTables.JourneyResistanceChecks, batch.ResistanceChecks);
                await CopyAsync(connection, ActivityTables.JourneyRealWorldTriggers, batch.RealWorldTriggers);
                await CopyAsync(connection, ActivityTables.MindblockEvents, batch.MindblockEvents);
                await CopyAsync(connection, ActivityTables.UserMindblockStatus, statuses);
                await transaction.CommitAsync();
            }

            watch.Stop();
            rows += instances.Count + scenes.Count + statuses.Count + batch.Events.Count + batch.Captures.Count + batch.ResistanceChecks.Count
                + batch.RealWorldTriggers.Count + batch.MindblockEvents.Count;
            if (chunk.Final)
            {
                break;
            }
        }

        return new Ceiling(rows, watch.Elapsed.TotalSeconds);
    }

    /// <summary>A profile and a sim user for each person joining (the rows' foreign keys), untimed.</summary>
    private static async Task AddPeopleAsync(NpgsqlConnection connection, IReadOnlyList<NewUser> users)
    {
        if (users.Count == 0)
        {
            return;
        }

        await using var people = new NpgsqlBatch(connection);
        var profiles = new NpgsqlBatchCommand(
            """INSERT INTO profiles (id, display_name, created_at, metadata) SELECT u.id, 'Sim', u.at, '{"synthetic": true}' FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)""");
        var simUsers = new NpgsqlBatchCommand(
            "INSERT INTO sim_users (profile_id, persona, timezone, created_at) SELECT u.id, 'p', 'UTC', u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)");
        foreach (var command in new[] { profiles, simUsers })
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. users.Select(u => u.ProfileId)] });
            command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. users.Select(u => u.SignupAt.UtcDateTime)] });
            people.BatchCommands.Add(command);
        }

        await people.ExecuteNonQueryAsync();
    }

    private static async Task CopyAsync<TRow>(NpgsqlConnection connection, TableDeclaration<TRow> table, IReadOnlyList<TRow> rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            foreach (var column in table.Written)
            {
                await column.WriteAsync(importer, row, CancellationToken.None);
            }
        }

        await importer.CompleteAsync();
    }

    private sealed record EndToEnd(long Rows, double Seconds, double PeakMb)
    {
        public double RowsPerSecond => Rows / Seconds;
    }

    private static async Task<EndToEnd> EndToEndInChildAsync(string admin, int days, DateTimeOffset present)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var arg in new[] { "backfill", admin, "e2e", days.ToString(CultureInfo.InvariantCulture), present.ToString("O", CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').Single(l => l.StartsWith("E2E ", StringComparison.Ordinal)).Split(' ');
        var figure = new EndToEnd(long.Parse(line[1], CultureInfo.InvariantCulture), double.Parse(line[2], CultureInfo.InvariantCulture), double.Parse(line[3], CultureInfo.InvariantCulture));
        Console.WriteLine($"  end to end {days} days: {figure.Rows:N0} rows in {figure.Seconds:F1} s = {figure.RowsPerSecond:N0} rows/s, peak working set {figure.PeakMb:F0} MB");
        return figure;
    }

    /// <summary>In the child: a fresh database, a paused engine at intense, one backfill job run to the end.</summary>
    private static async Task<int> EndToEndChildAsync(string admin, int days, DateTimeOffset present)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_e2e_{days}");
        await using var app = BuildApp(database.ConnectionString, new FakeTimeProvider(present), DefaultPoolCap);
        await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        await using (var command = app.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"UPDATE synthetic_settings SET enabled = false, sessions_per_min = {IntenseSessionsPerMin}, max_per_run = {IntenseMaxPerRun} WHERE id = 1"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var backfill = app.GetRequiredService<IBackfillService>();
        var job = await backfill.StartAsync(days, purgeFirst: true, CancellationToken.None, seed: 2026);
        var watch = Stopwatch.StartNew();
        var pass = await backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        var done = (await backfill.GetAsync(job.Job!.Job.Id, CancellationToken.None))!;
        if (pass.State != "succeeded")
        {
            throw new InvalidOperationException($"The backfill ended {pass.State}: {done.Job.Error}");
        }

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"E2E {done.TotalRows} {seconds:F3} {self.PeakWorkingSet64 / 1024.0 / 1024.0:F1}"));
        return 0;
    }

    private sealed record TickFigure(double P50, double P99, double BareP50, double BareP99, double Rows);

    /// <summary>Cron ticks at intense after a day of backfilled history, one simulated minute apart, against a bare transaction of the same shape.</summary>
    private static async Task<TickFigure> CronTickAsync(string admin)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, "synthetics_bench_tick");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-3));
        await using var app = BuildApp(database.ConnectionString, clock);
        await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        var dataSource = app.GetRequiredService<NpgsqlDataSource>();
        await using (var command = dataSource.CreateCommand(
            $"UPDATE synthetic_settings SET enabled = false, sessions_per_min = {IntenseSessionsPerMin}, max_per_run = {IntenseMaxPerRun} WHERE id = 1"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var backfill = app.GetRequiredService<IBackfillService>();
        await backfill.StartAsync(1, purgeFirst: true, CancellationToken.None, seed: 7);
        await backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None);
        foreach (var sql in new[] { "UPDATE synthetic_settings SET enabled = true WHERE id = 1", "VACUUM ANALYZE" })
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }

        var runs = app.GetRequiredService<IRunService>();
        var ticks = new List<double>();
        long rows = 0;
        for (var i = 0; i < 130; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            var watch = Stopwatch.StartNew();
            var outcome = await runs.RunAsync(RunTrigger.Cron, 0, CancellationToken.None);
            var ms = watch.Elapsed.TotalMilliseconds;
            if (outcome.Status != RunStatus.Succeeded)
            {
                throw new InvalidOperationException($"Cron tick {outcome.Status}: {outcome.Error}");
            }

            if (i >= 30)
            {
                ticks.Add(ms);
                rows += outcome.Result!.TotalRows;
            }
        }

        // The same three round trips with nothing to decide: a read batch, a write batch of as many rows, the commit.
        var bare = new List<double>();
        var perTick = (int)Math.Max(1, rows / ticks.Count);
        await using (var setup = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, at timestamptz, payload jsonb)"))
        {
            await setup.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < 130; i++)
        {
            var ids = Enumerable.Range(0, perTick).Select(_ => Guid.NewGuid()).ToArray();
            var watch = Stopwatch.StartNew();
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var read = new NpgsqlBatch(connection, transaction))
            {
                read.BatchCommands.Add(new NpgsqlBatchCommand("SELECT * FROM synthetic_settings WHERE id = 1"));
                read.BatchCommands.Add(new NpgsqlBatchCommand("SELECT window_end FROM synthetic_runs ORDER BY window_end DESC LIMIT 1"));
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.NextResultAsync())
                {
                }
            }

            await using (var write = new NpgsqlBatch(connection, transaction))
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO bench_bare SELECT u, now(), '{\"synthetic\": true}' FROM unnest($1::uuid[]) u");
                insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
                write.BatchCommands.Add(insert);
                await write.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            if (i >= 30)
            {
                bare.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        ticks.Sort();
        bare.Sort();
        static double P(List<double> sorted, double q) => sorted[(int)Math.Ceiling(sorted.Count * q) - 1];
        return new TickFigure(P(ticks, 0.5), P(ticks, 0.99), P(bare, 0.5), P(bare, 0.99), (double)rows / ticks.Count);
    }

    /// <summary>One backfill job of the last <paramref name="days"/> days, purging first, run to its end in one pass; the finished job, or an exception with its error.</summary>
    internal static async Task<BackfillProgress> BackfillToEndAsync(IServiceProvider app, int days, long seed)
    {
        var backfill = app.GetRequiredService<IBackfillService>();
        var job = (await backfill.StartAsync(days, purgeFirst: true, CancellationToken.None, seed)).Job!.Job.Id;
        var pass = await backfill.RunAsync(TimeSpan.FromHours(2), CancellationToken.None);
        var done = (await backfill.GetAsync(job, CancellationToken.None))!;
        return pass.State == SyntheticsFunctions.Storage.BackfillJob.Succeeded ? done : throw new InvalidOperationException($"The backfill ended {pass.State}: {done.Job.Error}");
    }

    internal static ServiceProvider BuildApp(string connectionString, TimeProvider time, int poolSize = PoolSize)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Synthetics"] = connectionString,
            ["Synthetics:PoolSize"] = poolSize.ToString(CultureInfo.InvariantCulture),
            ["Synthetics:Seed"] = "2026",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")))
            .AddSynthetics(configuration)
            .AddSingleton(time)
            .BuildServiceProvider();
    }
}
