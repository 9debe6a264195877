using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
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
/// <item>cron ticks at intense on pools of 2,000, the default cap and 100,000: p50/p99 against a bare transaction of the same three round trips.</item>
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

    /// <summary>The pool cap users have: every section runs at it unless it says why not (the tick section also tries 2,000 and 100,000).</summary>
    private const int DefaultPoolCap = SyntheticsOptions.DefaultPoolSize;

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
            Console.WriteLine($"planning the same job, no database: start {ceiling.StartSeconds:F1} s, chunks {ceiling.PlanSeconds:F1} s; best ratio end to end could reach {ceiling.BestRatio:F2}");
            rows.Add($"| ceiling: binary COPY of the {EndToEndDays[0]}-day job's own rows, planned beforehand, one connection | {ceiling.RowsPerSecond:N0} rows/s ({ceiling.Rows:N0} rows, {ceiling.Seconds:F0} s) | | same tables, indexes and foreign keys; a transaction per chunk; no staging, rollups or facts |");
            rows.Add($"| planning the same job alone, no database: the player's start (year-long warm-up, 21-day pre-roll), then its chunks | start {ceiling.StartSeconds:F1} s, chunks {ceiling.PlanSeconds:F1} s | | best ratio end to end could reach: {ceiling.BestRatio:F2} (the start writes nothing, so no write overlaps it; then writes at least as long as the COPY) |");
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
            var (ticks, bare) = await CronTicksAsync(admin);
            var small = ticks.FirstOrDefault(t => t.Pool == 2_000) ?? ticks[0];
            var large = ticks.FirstOrDefault(t => t.Pool == 100_000) ?? ticks[^1];
            var atCap = ticks.FirstOrDefault(t => t.Pool == DefaultPoolCap) ?? ticks[0];
            Console.WriteLine($"cron tick p99 at the default cap / bare transaction p99: {atCap.P99 / bare.P99:F2} (goal at most 4); p99 at 100,000 / at 2,000: {large.P99 / small.P99:F2} (goal at most 1.5)");
            foreach (var t in ticks)
            {
                rows.Add($"| cron tick at intense, pool {t.Pool:N0} ({t.Members:N0} active, {t.Signed:N0} signed up), p50 / p99 over {t.Ticks:N0} ticks | {t.P50:F2} / {t.P99:F2} ms | | {t.Rows:F0} rows per tick |");
            }

            rows.Add($"| bare transaction of the same shape (read batch, unnest insert of {atCap.Rows:F0} rows, commit), p50 / p99 | {bare.P50:F2} / {bare.P99:F2} ms | (baseline) | |");
            rows.Add($"| tick p99 at the default cap ({DefaultPoolCap:N0}) / bare p99 | {atCap.P99 / bare.P99:F2} | at most 4 | |");
            rows.Add($"| tick p99 at 100,000 / at 2,000 | {large.P99 / small.P99:F2} | at most 1.5 | |");
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

    /// <param name="Rows">The distinct rows the job leaves, COPY'd.</param>
    /// <param name="Seconds">The COPY's time, one connection.</param>
    /// <param name="StartSeconds">The same job's player starting (the year-long warm-up and the pre-roll), on one core, no database.</param>
    /// <param name="PlanSeconds">Its chunks planned, with their realism records, on one core, no database.</param>
    private sealed record Ceiling(long Rows, double Seconds, double StartSeconds, double PlanSeconds)
    {
        public double RowsPerSecond => Rows / Seconds;

        /// <summary>
        /// The most end to end could reach against this ceiling: the start writes nothing, so no
        /// write overlaps it; after it, planning and writing overlap at best, and the writes take at
        /// least the ceiling's COPY.
        /// </summary>
        public double BestRatio => Seconds / (StartSeconds + Math.Max(PlanSeconds, Seconds));
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
        // The planning is timed apart from the COPY: the player's start (warm-up and pre-roll), then
        // each chunk as the service plans it (the chunk and its realism record).
        var planning = Stopwatch.StartNew();
        var player = new BackfillPlayer(
            BackfillService.SpecOf(job, installation, app.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.SyntheticsOptions>>().Value), catalog);
        var startSeconds = planning.Elapsed.TotalSeconds;
        planning.Reset();

        await using var connection = await dataSource.OpenConnectionAsync();
        var seen = new HashSet<Guid>();
        var seenStatuses = new HashSet<(Guid, Guid)>();
        var watch = new Stopwatch();
        long rows = 0;
        while (true)
        {
            planning.Start();
            var chunk = player.Play(present);
            _ = RealismRecord.Of(chunk.Batch, catalog, chunk.SessionsContinued);
            planning.Stop();
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

        return new Ceiling(rows, watch.Elapsed.TotalSeconds, startSeconds, planning.Elapsed.TotalSeconds);
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

    private sealed record TickFigure(int Pool, int Ticks, double P50, double P99, double Rows, long Members, long Signed);

    private sealed record BareFigure(double P50, double P99);

    /// <summary>
    /// Cron ticks at intense on pools of 2,000, the default cap and 100,000 members, each filled by a
    /// day of backfilled history (the warm-up signs the steady-state population up to the cap), one
    /// simulated minute apart; then a bare transaction of the same shape, in the same run.
    /// <c>BENCH_TICKS</c> (1,000) ticks are measured at the default cap, <c>BENCH_TICKS_OTHER</c>
    /// (the same) at the other two; <c>BENCH_TICK_EXPLAIN=1</c> adds one tick at the default cap,
    /// after the measured ones, with <c>auto_explain</c> (analyze, buffers) writing every statement's
    /// plan to the server's log.
    /// </summary>
    private static async Task<(List<TickFigure> Ticks, BareFigure Bare)> CronTicksAsync(string admin)
    {
        var atCap = EnvInt("BENCH_TICKS", 1_000);
        var other = EnvInt("BENCH_TICKS_OTHER", atCap);
        var explain = Environment.GetEnvironmentVariable("BENCH_TICK_EXPLAIN") == "1";
        var figures = new List<TickFigure>();
        // BENCH_TICK_POOLS=50000 (say) measures only those pools, for a look at one; the ratios need all three.
        var pools = Environment.GetEnvironmentVariable("BENCH_TICK_POOLS") is { Length: > 0 } only
            ? only.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray()
            : [2_000, DefaultPoolCap, 100_000];
        foreach (var pool in pools)
        {
            var cap = pool == DefaultPoolCap;
            figures.Add(await CronTickAsync(admin, pool, cap ? atCap : other, explain && cap));
        }

        var rows = figures.FirstOrDefault(f => f.Pool == DefaultPoolCap)?.Rows ?? figures[0].Rows;
        return (figures, await BareTransactionAsync(admin, (int)Math.Max(1, Math.Round(rows)), atCap));
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(sorted.Count * q) - 1];
    }

    /// <summary><c>BENCH_DB_SUFFIX</c> appended to the tick's throwaway databases' names, so two runs on one cluster do not drop each other's.</summary>
    private static readonly string TickDatabaseSuffix = Environment.GetEnvironmentVariable("BENCH_DB_SUFFIX") ?? "";

    /// <summary><paramref name="count"/> cron ticks at intense on a pool of <paramref name="pool"/> after a day of backfilled history, after 30 warm-up ticks.</summary>
    private static async Task<TickFigure> CronTickAsync(string admin, int pool, int count, bool explain)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_tick_{pool}{TickDatabaseSuffix}");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-3));
        await using var app = BuildApp(database.ConnectionString, clock, pool);
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

        long members, signed;
        await using (var command = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL), (SELECT count(*) FROM synthetic_user_state)"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            (members, signed) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var runs = app.GetRequiredService<IRunService>();
        var ticks = new List<double>();
        long rows = 0;
        for (var i = 0; i < count + 30; i++)
        {
            var (ms, written) = await TickAsync(runs, clock);
            if (i >= 30)
            {
                ticks.Add(ms);
                rows += written;
            }
        }

        if (explain)
        {
            var logged = new NpgsqlConnectionStringBuilder(database.ConnectionString)
            {
                Options = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on "
                    + "-c auto_explain.log_buffers=on -c auto_explain.log_nested_statements=on -c auto_explain.log_timing=on",
            };
            await using var explained = BuildApp(logged.ConnectionString, clock, pool);
            await TickAsync(explained.GetRequiredService<IRunService>(), clock);
            Console.WriteLine($"  pool {pool}: one tick's plans are in the server's log (auto_explain)");
        }

        if (Environment.GetEnvironmentVariable("BENCH_TICK_KEEP") == "1")
        {
            // A copy that outlives the run, for EXPLAIN by hand.
            NpgsqlConnection.ClearAllPools();
            await using var copy = new NpgsqlConnection(admin);
            await copy.OpenAsync();
            foreach (var sql in new[] { $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'synthetics_bench_tick_{pool}{TickDatabaseSuffix}'", $"DROP DATABASE IF EXISTS synthetics_bench_tick_{pool}{TickDatabaseSuffix}_kept", $"CREATE DATABASE synthetics_bench_tick_{pool}{TickDatabaseSuffix}_kept TEMPLATE synthetics_bench_tick_{pool}{TickDatabaseSuffix}" })
            {
                await using var command = new NpgsqlCommand(sql, copy);
                await command.ExecuteNonQueryAsync();
            }
        }

        var figure = new TickFigure(pool, ticks.Count, Percentile(ticks, 0.5), Percentile(ticks, 0.99), (double)rows / ticks.Count, members, signed);
        Console.WriteLine($"  pool {pool:N0} ({members:N0} active members, {signed:N0} signed up): {ticks.Count} ticks, p50 {figure.P50:F2} ms p99 {figure.P99:F2} ms, {figure.Rows:F0} rows per tick");
        return figure;
    }

    private static async Task<(double Ms, long Rows)> TickAsync(IRunService runs, FakeTimeProvider clock)
    {
        clock.Advance(TimeSpan.FromMinutes(1));
        var watch = Stopwatch.StartNew();
        var outcome = await runs.RunAsync(RunTrigger.Cron, 0, CancellationToken.None);
        var ms = watch.Elapsed.TotalMilliseconds;
        return outcome.Status == RunStatus.Succeeded
            ? (ms, outcome.Result!.TotalRows)
            : throw new InvalidOperationException($"Cron tick {outcome.Status}: {outcome.Error}");
    }

    /// <summary>The same three round trips with nothing to decide: a read batch, a write batch of <paramref name="perTick"/> rows by unnest, the commit.</summary>
    private static async Task<BareFigure> BareTransactionAsync(string admin, int perTick, int count)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, "synthetics_bench_tick_bare");
        await using (var app = BuildApp(database.ConnectionString, new FakeTimeProvider(DateTimeOffset.UtcNow)))
        {
            await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        }

        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await using (var setup = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, at timestamptz, payload jsonb)"))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var bare = new List<double>();
        for (var i = 0; i < count + 30; i++)
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

        var figure = new BareFigure(Percentile(bare, 0.5), Percentile(bare, 0.99));
        Console.WriteLine($"  bare transaction ({perTick} rows): {bare.Count} runs, p50 {figure.P50:F2} ms p99 {figure.P99:F2} ms");
        return figure;
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

    internal static ServiceProvider BuildApp(string connectionString, TimeProvider time, int poolSize = DefaultPoolCap)
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
