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
/// <item>the raw ceiling: binary COPY of pre-built rows straight into tables of the same shape and indexes;</item>
/// <item>backfill end to end, 30 days at intense: rows per second, the ratio to the ceiling, peak working set (and 7 days, for flatness);</item>
/// <item>a cron tick at intense after it: p50/p99 against a bare transaction of the same three round trips.</item>
/// </list>
///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- backfill "&lt;connection string to the server's postgres database&gt;"
/// </summary>
internal static class BackfillBenchmark
{
    private const int Repetitions = 3;

    /// <summary>
    /// 30 days at intense is about 8 million rows: at this machine's pace one run takes minutes, so
    /// the program stays under 20 minutes with one (BENCH_E2E_REPETITIONS=3 for the median of three).
    /// </summary>
    private static readonly int EndToEndRepetitions = int.TryParse(Environment.GetEnvironmentVariable("BENCH_E2E_REPETITIONS"), out var n) ? n : 1;
    private const double IntenseSessionsPerMin = 10;
    private const int IntenseMaxPerRun = 15;
    private const int PoolSize = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var admin = args.FirstOrDefault() ?? throw new InvalidOperationException("Pass a connection string to the server's postgres database.");
        if (args.Length > 2 && args[1] == "e2e")
        {
            // A child process of its own, so its peak working set is the backfill's alone.
            return await EndToEndChildAsync(admin, int.Parse(args[2], CultureInfo.InvariantCulture));
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

        var ceiling = double.NaN;
        if (sections.Contains("copy") || sections.Contains("e2e"))
        {
            var ceilings = new List<double>();
            for (var i = 0; i < Repetitions; i++)
            {
                ceilings.Add(await RawCopyCeilingAsync(admin, i));
            }

            ceiling = ceilings.Order().ElementAt(Repetitions / 2);
            Console.WriteLine($"raw COPY ceiling: {ceiling:N0} rows/s");
            rows.Add($"| raw binary COPY of pre-built rows (ceiling) | {ceiling:N0} rows/s | | same tables and indexes, no staging, no rollups |");
        }

        if (sections.Contains("e2e"))
        {
            var runs = new List<EndToEnd>();
            for (var i = 0; i < EndToEndRepetitions; i++)
            {
                runs.Add(await EndToEndInChildAsync(admin, 30));
            }

            var e2e = Median(runs, r => r.RowsPerSecond);
            var week = await EndToEndInChildAsync(admin, 7);
            Console.WriteLine($"end to end 30 days: {e2e.Rows:N0} rows in {e2e.Seconds:F1} s = {e2e.RowsPerSecond:N0} rows/s, peak {e2e.PeakMb:F0} MB (7 days: {week.PeakMb:F0} MB)");
            rows.Add($"| backfill end to end, 30 days intense | {e2e.RowsPerSecond:N0} rows/s ({e2e.Rows:N0} rows, {e2e.Seconds:F0} s) | ratio at least 0.5 | ratio {e2e.RowsPerSecond / ceiling:F2} |");
            rows.Add($"| peak working set, 30 days / 7 days | {e2e.PeakMb:F0} MB / {week.PeakMb:F0} MB | under 300 MB, flat | |");
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
        var player = new BackfillPlayer(new BackfillSpec(42, end.AddDays(-days), end, Intense, PoolSize, 0), DefaultCatalog.Catalog);
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

    /// <summary>One day at intense, planned, then COPY'd straight into the tables (users first, untimed).</summary>
    private static async Task<double> RawCopyCeilingAsync(string admin, int repetition)
    {
        var end = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var player = new BackfillPlayer(new BackfillSpec(7 + repetition, end.AddDays(-1), end, Intense, PoolSize, 0), DefaultCatalog.Catalog);
        var batch = new ActivityBatch();
        var users = new List<NewUser>();
        var instances = new Dictionary<Guid, InstanceRow>();
        var scenes = new Dictionary<Guid, InstanceSceneRow>();
        var statuses = new Dictionary<(Guid, Guid), MindblockStatusRow>();
        while (true)
        {
            var chunk = player.Play(end);
            users.AddRange(chunk.NewUsers);
            chunk.Batch.Instances.ForEach(r => instances[r.Id] = r);
            chunk.Batch.InstanceScenes.ForEach(r => scenes[r.Id] = r);
            chunk.Batch.MindblockStatuses.ForEach(r => statuses[(r.UserId, r.MindblockId)] = statuses.TryGetValue((r.UserId, r.MindblockId), out var s) ? r with { Id = s.Id } : r);
            batch.Events.AddRange(chunk.Batch.Events);
            batch.Captures.AddRange(chunk.Batch.Captures);
            batch.ResistanceChecks.AddRange(chunk.Batch.ResistanceChecks);
            batch.RealWorldTriggers.AddRange(chunk.Batch.RealWorldTriggers);
            batch.MindblockEvents.AddRange(chunk.Batch.MindblockEvents);
            if (chunk.Final)
            {
                break;
            }
        }

        batch.Instances.AddRange(instances.Values);
        batch.InstanceScenes.AddRange(scenes.Values);
        batch.MindblockStatuses.AddRange(statuses.Values);

        await using var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_copy_{repetition}");
        await using (var app = BuildApp(database.ConnectionString, new FakeTimeProvider(end)))
        {
            await app.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var purge = new NpgsqlCommand("DELETE FROM synthetic_user_state; DELETE FROM sim_users; DELETE FROM profiles WHERE metadata->>'synthetic' = 'true'", connection))
        {
            await purge.ExecuteNonQueryAsync();
        }

        await using (var people = new NpgsqlBatch(connection))
        {
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

        var watch = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await CopyAsync(connection, ActivityTables.JourneyInstances, batch.Instances);
            await CopyAsync(connection, ActivityTables.JourneyInstanceScenes, batch.InstanceScenes);
            await CopyAsync(connection, ActivityTables.JourneySceneEvents, batch.Events);
            await CopyAsync(connection, ActivityTables.JourneySceneCaptures, batch.Captures);
            await CopyAsync(connection, ActivityTables.JourneyResistanceChecks, batch.ResistanceChecks);
            await CopyAsync(connection, ActivityTables.JourneyRealWorldTriggers, batch.RealWorldTriggers);
            await CopyAsync(connection, ActivityTables.MindblockEvents, batch.MindblockEvents);
            await CopyAsync(connection, ActivityTables.UserMindblockStatus, batch.MindblockStatuses);
            await transaction.CommitAsync();
        }

        var perSecond = batch.TotalRows / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  raw COPY {batch.TotalRows:N0} rows in {watch.Elapsed.TotalSeconds:F2} s = {perSecond:N0} rows/s");
        return perSecond;
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

    private static async Task<EndToEnd> EndToEndInChildAsync(string admin, int days)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var arg in new[] { "backfill", admin, "e2e", days.ToString(CultureInfo.InvariantCulture) })
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
    private static async Task<int> EndToEndChildAsync(string admin, int days)
    {
        await using var database = await ThrowawayDatabase.CreateAsync(admin, $"synthetics_bench_e2e_{days}");
        await using var app = BuildApp(database.ConnectionString, new FakeTimeProvider(DateTimeOffset.UtcNow));
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
