using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.LocalHost;

/// <summary>End to end: the local host on a free loopback port, driven over HTTP.</summary>
public class LocalHostTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    internal const string Key = "test-function-key";

    [Fact]
    public async Task Local_host_serves_run_and_health_over_http_with_function_keys()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var host = await StartAsync(database, new() { ["AzureWebJobs.SyntheticsCron.Disabled"] = "true" });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var health = await http.GetAsync("/api/health");
        var healthBeside = await http.GetAsync("/api/synthetics/health");
        var noKey = await http.PostAsync("/api/synthetics/run", null);
        var wrongKey = await SendAsync(http, HttpMethod.Post, "/api/synthetics/run", "wrong");
        var badTarget = await SendAsync(http, HttpMethod.Post, "/api/synthetics/run?target=0", Key);
        var run = await SendAsync(http, HttpMethod.Post, "/api/synthetics/run?target=7", Key);
        var withCode = await http.PostAsync($"/api/synthetics/run?target=2&code={Key}", null);
        var unknown = await http.GetAsync("/api/synthetics/nothing-here");
        var wrongMethod = await SendAsync(http, HttpMethod.Get, "/api/synthetics/run", Key);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(Support.Migrations.Latest, (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("schema_version").GetString());
        Assert.Equal(HttpStatusCode.OK, healthBeside.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(LocalFunctionsHost.MissingKeyTitle, (await noKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(LocalFunctionsHost.WrongKeyTitle, (await wrongKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.DoesNotContain("wrong", await wrongKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Every JSON body ends its line: answers, problems, validation problems, the fallback's 404.
        using var openApi = await http.GetAsync("/api/synthetics/openapi.json");
        foreach (var answer in new[] { health, noKey, wrongKey, badTarget, run, unknown, wrongMethod, openApi })
        {
            Assert.EndsWith("}\n", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.BadRequest, badTarget.StatusCode);
        Assert.Equal("application/problem+json", badTarget.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        var body = await run.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, body.GetProperty("sessions_started").GetInt32());
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(2L, await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_runs WHERE trigger = 'manual'"));
        Assert.Equal(9L, await Db.ScalarAsync(database, "SELECT sum(sessions_started) FROM synthetic_runs WHERE trigger = 'manual'"));
    }

    [Fact]
    public async Task With_the_cron_schedule_set_fast_the_seeds_activation_query_returns_events()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var host = await StartAsync(database, new() { ["SyntheticsCronSchedule"] = "*/2 * * * * *" });
        await Db.ExecuteAsync(database, "UPDATE synthetic_settings SET sessions_per_min = 60, max_per_run = 20 WHERE id = 1");

        // The pool (200) holds far fewer people than 60 sessions a minute need, so volume gives way to
        // the people due: everyone is due now.
        await Db.ExecuteAsync(database, "UPDATE synthetic_user_state SET next_session_at = now() - interval '1 minute'");

        var waited = System.Diagnostics.Stopwatch.StartNew();
        long events = 0, ticks = 0;
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            ticks = await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_runs WHERE trigger = 'cron' AND status = 'succeeded'");
            events = await Db.ScalarAsync(database,
                """
                SELECT count(*) FROM journey_scene_events 
                WHERE created_at > now() - interval '5 minutes'
                AND event_payload->>'synthetic' = 'true';
                """);
            if (ticks >= 3 && events > 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(ticks >= 3, $"only {ticks} cron ticks ran");
        Assert.True(events > 0, $"{ticks} cron ticks wrote no synthetic event in the last 5 minutes");
    }

    [Theory]
    [InlineData("false", 1L)]
    [InlineData("true", 0L)]
    public async Task The_retention_timer_runs_on_its_schedule_unless_switched_off(string disabled, long expectedAtLeastOrNone)
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var host = await StartAsync(database, new()
        {
            ["SyntheticsCronSchedule"] = "*/1 * * * * *",
            ["RetentionSchedule"] = "*/1 * * * * *",
            ["AzureWebJobs.Retention.Disabled"] = disabled,
        });

        // Both timers share the schedule: once the cron tick has run three times, an enabled
        // retention timer has had as many chances.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        long ticks = 0, passes = 0;
        while (waited.Elapsed < TimeSpan.FromMinutes(2) && (ticks < 3 || (expectedAtLeastOrNone > 0 && passes < 1)))
        {
            ticks = await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_runs WHERE trigger = 'cron'");
            passes = await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_cleanups WHERE kind = 'retention'");
            await Task.Delay(100);
        }

        Assert.True(ticks >= 3, $"only {ticks} cron ticks ran");
        if (expectedAtLeastOrNone == 0)
        {
            Assert.Equal(0, passes);
        }
        else
        {
            Assert.True(passes >= expectedAtLeastOrNone, "the retention timer never ran");
        }
    }

    [Fact]
    public async Task Local_host_allows_only_the_configured_browser_origins()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var host = await StartAsync(database, new()
        {
            ["AzureWebJobs.SyntheticsCron.Disabled"] = "true",
            ["Synthetics:AllowedOrigins"] = "https://dash.example.com",
        });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        async Task<string?> PreflightAsync(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/synthetics/status");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "x-functions-key");
            var response = await http.SendAsync(request);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        Assert.Equal("https://dash.example.com", await PreflightAsync("https://dash.example.com"));
        Assert.Null(await PreflightAsync("https://evil.example.com"));
    }

    [Fact]
    public async Task Request_logging_is_at_warning_by_default_and_the_engines_run_line_at_information()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var quiet = await StartAsync(database, new() { ["AzureWebJobs.SyntheticsCron.Disabled"] = "true" });
        var loggers = quiet.App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning));
        Assert.True(loggers.CreateLogger(typeof(SyntheticsFunctions.Service.RunService).FullName!).IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    [Fact]
    public async Task The_documented_setting_brings_request_logging_back()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var verbose = await StartAsync(database, new()
        {
            ["AzureWebJobs.SyntheticsCron.Disabled"] = "true",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
        });
        var loggers = verbose.App.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>();

        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information));
    }

    [Fact]
    public void Local_host_serves_what_functions_metadata_declares()
    {
        var metadataPath = Path.Combine(RepoRoot(), "SyntheticsFunctions", "bin", BuildConfiguration(), "net10.0", "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(metadataPath));
        var declared = metadata.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("direction").GetString() == "In");
            return trigger.GetProperty("type").GetString() == "httpTrigger"
                ? $"{f.GetProperty("name").GetString()} http {trigger.GetProperty("route").GetString()} {string.Join(',', trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))} {trigger.GetProperty("authLevel").GetString()}"
                : $"{f.GetProperty("name").GetString()} timer {trigger.GetProperty("schedule").GetString()}";
        }).Order().ToList();

        var served = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly).Select(f => f.Http is not null
            ? $"{f.Name} http {f.Route} {string.Join(',', f.Methods)} {f.Http.AuthLevel}"
            : $"{f.Name} timer {f.Timer!.Schedule}").Order().ToList();

        Assert.NotEmpty(declared);
        Assert.Equal(declared, served);
    }

    [Fact]
    public void The_cron_schedule_agrees_in_the_sample_settings_the_local_defaults_and_the_bicep()
    {
        var root = RepoRoot();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "local.settings.sample.json")));
        var inSample = sample.RootElement.GetProperty("Values").GetProperty("SyntheticsCronSchedule").GetString();
        var bicep = File.ReadAllText(Path.Combine(root, "infra", "app", "api.bicep"));
        var inBicep = System.Text.RegularExpressions.Regex.Match(bicep, @"var cronSchedule = '([^']+)'").Groups[1].Value;

        Assert.Equal("0 */1 * * * *", LocalHostDefaults.Settings["SyntheticsCronSchedule"]);
        Assert.Equal(LocalHostDefaults.Settings["SyntheticsCronSchedule"], inSample);
        Assert.Equal(inSample, inBicep);
        Assert.Contains("SyntheticsCronSchedule: cronSchedule", bicep);

        var retentionInSample = sample.RootElement.GetProperty("Values").GetProperty("RetentionSchedule").GetString();
        var retentionInBicep = System.Text.RegularExpressions.Regex.Match(bicep, @"var retentionSchedule = '([^']+)'").Groups[1].Value;
        Assert.Equal("0 0 4 * * *", LocalHostDefaults.Settings["RetentionSchedule"]);
        Assert.Equal(LocalHostDefaults.Settings["RetentionSchedule"], retentionInSample);
        Assert.Equal(retentionInSample, retentionInBicep);
        Assert.Contains("RetentionSchedule: retentionSchedule", bicep);
    }

    [Fact]
    public void Every_setting_the_app_reads_has_a_working_value_in_the_sample()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        var names = values.EnumerateObject().Select(p => p.Name).ToHashSet();

        foreach (var property in typeof(SyntheticsFunctions.Configuration.SyntheticsOptions).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Contains($"Synthetics__{property.Name}", names);
        }

        foreach (var property in typeof(LocalHostOptions).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Contains($"LocalHost__{property.Name}", names);
        }

        Assert.Contains("SyntheticsCronSchedule", names);
        Assert.Contains("RetentionSchedule", names);
        Assert.Contains("AzureWebJobsStorage", names);
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.False(string.IsNullOrEmpty(sample.RootElement.GetProperty("ConnectionStrings").GetProperty("Synthetics").GetString()));
    }

    internal static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SyntheticsFunctions.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    internal static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    internal static async Task<RunningHost> StartAsync(string connectionString, Dictionary<string, string?> settings)
    {
        var port = PostgresServer.FreePort();
        var overrides = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Synthetics"] = connectionString,
            ["LocalHost:Urls"] = $"http://127.0.0.1:{port}",
            ["LocalHost:FunctionKey"] = Key,
            ["Synthetics:Seed"] = "42",
            ["Synthetics:PoolSize"] = "200",
        };
        foreach (var (name, value) in settings)
        {
            overrides[name] = value;
        }

        var app = LocalFunctionsHost.Build([], overrides);
        await app.StartAsync();
        return new RunningHost(app, new Uri($"http://127.0.0.1:{port}"));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", key);
        return http.SendAsync(request);
    }

    internal sealed class RunningHost(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        public Uri BaseAddress { get; } = baseAddress;

        public WebApplication App { get; } = app;

        /// <summary>
        /// The same services on the host's database, their clock <paramref name="before"/> the host's
        /// own: for writing history the running host then reads.
        /// </summary>
        public Task<TestApp> PastAppAsync(TimeSpan before, IDictionary<string, string?>? settings = null) => TestApp.CreateAsync(
            App.Configuration["ConnectionStrings:Synthetics"]!, settings, App.Services.GetRequiredService<TimeProvider>().GetUtcNow() - before);

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
