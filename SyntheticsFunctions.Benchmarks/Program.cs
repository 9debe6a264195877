using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Service;

// Status and activity latency at 10 thousand and at 5 million synthetic events (plus 1 million
// real-user rows), over HTTP to the local host and as the service call; then the realism check
// at days=56 on the large database (RealismBenchmark.cs).
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- "<connection string to an empty database>"
// The backfill's figures are their own section (BackfillBenchmark.cs):
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- backfill "<connection string to the server's postgres database>"
// The first realism check right after a 56-day backfill, on fresh databases (3 by default; RealismBenchmark.cs):
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism-first "<connection string to the server's postgres database>" [databases]
// The realism check's verdicts on 90 backfilled days at the defaults, and on a fresh 7-day backfill (RealismBenchmark.cs):
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- realism90 "<connection string to the server's postgres database>"
// The population model at a preset, engine only (PopulationBenchmark.cs):
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- population [sessions per minute] [seed]
// The living population at each preset over a year, against the model's estimate (CapacityBenchmark.cs):
//   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- capacity [days] [seed]
if (args.FirstOrDefault() == "capacity")
{
    return SyntheticsFunctions.Benchmarks.CapacityBenchmark.Run(args[1..]);
}

if (args.FirstOrDefault() == "population")
{
    return SyntheticsFunctions.Benchmarks.PopulationBenchmark.Run(args[1..]);
}

if (args.FirstOrDefault() == "realism90")
{
    return await SyntheticsFunctions.Benchmarks.RealismBenchmark.VerdictsAsync(args[1]);
}

if (args.FirstOrDefault() == "realism-first")
{
    await SyntheticsFunctions.Benchmarks.RealismBenchmark.FirstCallsAsync(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return 0;
}

if (args.FirstOrDefault() == "realism-again")
{
    await SyntheticsFunctions.Benchmarks.RealismBenchmark.AgainAsync(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return 0;
}

if (args.FirstOrDefault() == "backfill")
{
    return await SyntheticsFunctions.Benchmarks.BackfillBenchmark.RunAsync(args[1..]);
}

// The database is filled by the app's own backfill (a job run to the end, as the backfill timer
// runs it), so the rows are what the engine writes: the population signing up, returning and leaving.
//   small: 7 days at 0.1 sessions a minute, about 10 thousand events;
//   large: the 1 million real-user rows, then 56 days at 6.2 sessions a minute, about 5 million events.
// --realism-only skips the status/activity part and fills only the large database; --no-fill
// measures what is there. The realism check's verdicts on 70 days at the moderate preset are
// their own section (realism90, RealismBenchmark.cs).
var realismOnly = args.Contains("--realism-only");
var connectionString = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Synthetics")
    ?? throw new InvalidOperationException("Pass a connection string to an empty database.");
const int WarmUp = 50;
const int Measured = 200;
const int RealRows = 1_000_000;
const int LargeDays = 56;
const double LargeSessionsPerMin = 6.2;
var now = DateTimeOffset.UtcNow;

var settings = new Dictionary<string, string?>
{
    ["ConnectionStrings:Synthetics"] = connectionString,
    // The pool cap users have (about 99% of 6.2 sessions a minute: it needs about 50,600 people).
    ["Synthetics:PoolSize"] = SyntheticsFunctions.Configuration.SyntheticsOptions.DefaultPoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Synthetics:Seed"] = "2026",
    ["Logging:LogLevel:Default"] = "Warning",
};
var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
var services = AppAt(new FakeTimeProvider(now));
var dataSource = services.GetRequiredService<Npgsql.NpgsqlDataSource>();
await services.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
await Sql($"UPDATE synthetic_settings SET enabled = false, retain_days = greatest(retain_days, {LargeDays}) WHERE id = 1"); // no cron tick while measuring
var noFill = args.Contains("--no-fill");
if (realismOnly)
{
    if (!noFill)
    {
        await InsertRealUserRowsOnceAsync();
        await BackfillAsync(LargeDays, LargeSessionsPerMin);
    }

    await RealismAsync();
    return 0;
}

await BackfillAsync(days: 7, sessionsPerMin: 0.1);
var small = await MeasureAllAsync("10 thousand");
await InsertRealUserRowsOnceAsync();
await BackfillAsync(LargeDays, LargeSessionsPerMin);
var large = await MeasureAllAsync("5 million");

Console.WriteLine();
Console.WriteLine("| call | via | median 10k (ms) | p99 10k (ms) | median 5M (ms) | p99 5M (ms) | ratio median | ratio p99 |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var key in small.Keys)
{
    var (m1, p1) = small[key];
    var (m2, p2) = large[key];
    Console.WriteLine($"| {key.Call} | {key.Via} | {m1:F2} | {p1:F2} | {m2:F2} | {p2:F2} | {m2 / m1:F2} | {p2 / p1:F2} |");
}

await RealismAsync();

return 0;

// The app's registrations with a clock of their own.
ServiceProvider AppAt(FakeTimeProvider time) => new ServiceCollection()
    .AddSingleton<IConfiguration>(configuration)
    .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")))
    .AddSynthetics(configuration)
    .AddSingleton<TimeProvider>(time)
    .BuildServiceProvider();

// The realism check at days=56, with the clock at the real now, where the fills end.
async Task RealismAsync()
{
    await using var app = AppAt(new FakeTimeProvider(now));
    await SyntheticsFunctions.Benchmarks.RealismBenchmark.RunAsync(app, Sql);
}

// One backfill job of the last N days at the given rate, purging the synthetic rows first (real
// users' rows stay), run to the end; then the tables analysed as autovacuum would in time.
async Task BackfillAsync(int days, double sessionsPerMin)
{
    var watch = Stopwatch.StartNew();
    // max_per_run 15 (the intense preset's) so that a run never caps the rate.
    await Sql($"UPDATE synthetic_settings SET sessions_per_min = {sessionsPerMin.ToString(System.Globalization.CultureInfo.InvariantCulture)}, max_per_run = 15 WHERE id = 1");
    await SyntheticsFunctions.Benchmarks.BackfillBenchmark.BackfillToEndAsync(services, days, seed: 2026 + days);
    await Sql("VACUUM ANALYZE");
    var events = await Count("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' = 'true'");
    Console.WriteLine($"Backfilled {days} days at {sessionsPerMin} sessions a minute: {events:N0} synthetic events in {watch.Elapsed.TotalSeconds:F0} s");
}

async Task InsertRealUserRowsOnceAsync()
{
    if (await Count("SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' IS NULL") == 0)
    {
        await InsertRealUserRowsAsync(RealRows);
    }
}

// Real users' rows written directly (they are the journey app's, not the engine's): profiles,
// instances, scenes, events, captures and checks, 1 million rows in all.
async Task InsertRealUserRowsAsync(int rows)
{
    var watch = Stopwatch.StartNew();
    var instances = rows / 10;
    await Sql(
        $$"""
        INSERT INTO profiles (id, display_name, created_at)
        SELECT gen_random_uuid(), 'Real ' || n, now() FROM generate_series(1, {{instances / 10}}) n;
        CREATE TEMP TABLE real_profiles AS SELECT id, row_number() OVER () AS n FROM profiles WHERE metadata->>'synthetic' IS NULL;
        INSERT INTO journey_instances (id, user_id, journey_id, status, current_scene_order, started_at, last_activity_at, created_at, metadata)
        SELECT gen_random_uuid(), p.id, (SELECT id FROM journeys ORDER BY slug LIMIT 1), 'completed', 1,
               now() - (g.i % 1000) * interval '1 hour', now() - (g.i % 1000) * interval '1 hour', now(), '{"source": "app"}'
        FROM generate_series(1, {{instances}}) AS g(i) JOIN real_profiles p ON p.n = 1 + g.i % {{instances / 10}};
        INSERT INTO journey_instance_scenes (id, instance_id, user_id, scene_id, status, opened_at, completed_at, created_at, metadata)
        SELECT gen_random_uuid(), i.id, i.user_id, (SELECT id FROM journey_scenes ORDER BY id LIMIT 1), 'completed', i.started_at, i.started_at, i.started_at, '{}'
        FROM journey_instances i WHERE i.metadata->>'source' = 'app';
        INSERT INTO journey_scene_events (id, instance_id, instance_scene_id, user_id, scene_id, event_type, event_payload, created_at)
        SELECT gen_random_uuid(), s.instance_id, s.id, s.user_id, s.scene_id, 'scene_opened', '{"source": "app"}', s.opened_at + k * interval '1 second'
        FROM journey_instance_scenes s CROSS JOIN generate_series(1, 6) k WHERE s.metadata = '{}';
        INSERT INTO journey_scene_captures (id, instance_id, instance_scene_id, user_id, scene_id, prompt, response, created_at, metadata)
        SELECT gen_random_uuid(), s.instance_id, s.id, s.user_id, s.scene_id, 'How?', 'Fine', s.opened_at, '{}'
        FROM journey_instance_scenes s WHERE s.metadata = '{}';
        INSERT INTO journey_resistance_checks (id, instance_id, instance_scene_id, user_id, scene_id, resistance_level, strategy, created_at, metadata)
        SELECT gen_random_uuid(), s.instance_id, s.id, s.user_id, s.scene_id, 5, 'walk', s.opened_at, '{}'
        FROM journey_instance_scenes s WHERE s.metadata = '{}';
        """);
    Console.WriteLine($"Inserted {rows:N0} real-user rows in {watch.Elapsed.TotalSeconds:F0} s");
}

async Task<Dictionary<(string Call, string Via), (double Median, double P99)>> MeasureAllAsync(string label)
{
    var port = FreePort();
    var app = LocalFunctionsHost.Build([], new Dictionary<string, string?>(settings)
    {
        ["LocalHost:Urls"] = $"http://127.0.0.1:{port}",
        ["LocalHost:FunctionKey"] = "bench",
        ["AzureWebJobs.SyntheticsCron.Disabled"] = "true",
        ["AzureWebJobs.Retention.Disabled"] = "true",
    });
    await app.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    http.DefaultRequestHeaders.Add("x-functions-key", "bench");
    var live = app.Services.GetRequiredService<IStatusService>();
    var results = new Dictionary<(string, string), (double, double)>
    {
        [("status", "http")] = await MeasureAsync(() => HttpAsync(http, "/api/synthetics/status")),
        [("status", "service")] = await MeasureAsync(() => live.GetStatusAsync(CancellationToken.None)),
        [("activity/24", "http")] = await MeasureAsync(() => HttpAsync(http, "/api/synthetics/activity/24")),
        [("activity/24", "service")] = await MeasureAsync(() => live.GetActivityAsync(24, CancellationToken.None)),
        [("activity/1080", "http")] = await MeasureAsync(() => HttpAsync(http, "/api/synthetics/activity/1080")),
        [("activity/1080", "service")] = await MeasureAsync(() => live.GetActivityAsync(1080, CancellationToken.None)),
    };
    await app.StopAsync();
    await app.DisposeAsync();
    foreach (var ((call, via), (median, p99)) in results)
    {
        Console.WriteLine($"{label,-12} {call,-14} {via,-8} median {median,8:F2} ms  p99 {p99,8:F2} ms");
    }

    return results;
}

static async Task<object> HttpAsync(HttpClient http, string path)
{
    using var response = await http.GetAsync(path);
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadAsByteArrayAsync();
}

static async Task<(double Median, double P99)> MeasureAsync<T>(Func<Task<T>> call)
{
    for (var i = 0; i < WarmUp; i++)
    {
        await call();
    }

    var samples = new double[Measured];
    for (var i = 0; i < Measured; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await call();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    Array.Sort(samples);
    return (samples[Measured / 2], samples[(int)Math.Ceiling(Measured * 0.99) - 1]);
}

async Task Sql(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

async Task<long> Count(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    return (long)(await command.ExecuteScalarAsync())!;
}

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}
