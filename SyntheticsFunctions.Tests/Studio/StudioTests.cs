using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SyntheticsFunctions.Tests.Studio;

/// <summary>
/// The Studio end to end: the local host on a free loopback port against this class's own
/// Postgres cluster, the page in Debian's Chromium through Playwright, its refresh timer driven
/// by Playwright's clock.
/// </summary>
public sealed class StudioTests : IClassFixture<StudioFixture>, IAsyncLifetime
{
    private const string Key = "test-function-key";
    private static readonly CultureInfo Numbers = CultureInfo.GetCultureInfo("en-US");

    // Paused here for every test: the page's timers only fire when a test advances the clock.
    private static readonly DateTimeOffset PageStart = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private readonly StudioFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly List<string> _requests = [];
    private readonly List<string> _policyViolations = [];
    private LocalHostTests.RunningHost _host = null!;
    private string _database = "";
    private IBrowserContext _context = null!;

    static StudioTests() => SetDefaultExpectTimeout(30_000);

    public StudioTests(StudioFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _output.WriteLine($"Playwright {fixture.PlaywrightVersion}, Chromium {fixture.Browser.Version} at {StudioFixture.ChromiumPath}");
    }

    public async Task InitializeAsync()
    {
        (_host, _database) = await _fixture.StartHostAsync();
        _context = await _fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            TimezoneId = "UTC",
            Locale = "en-US",
        });
        _context.Request += (_, request) => { lock (_requests) { _requests.Add(request.Url); } };
        _context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_policyViolations) { _policyViolations.Add(message.Text); }
            }
        };
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();

        // No CDN, font or beacon: every request the page made went to the app itself.
        lock (_requests)
        {
            Assert.All(_requests, url => Assert.StartsWith(_host.BaseAddress.ToString(), url, StringComparison.Ordinal));
        }

        // Nothing the page does is blocked by its own policy (a blocked inline script would be a dead page).
        lock (_policyViolations)
        {
            Assert.Empty(_policyViolations);
        }
    }

    [Fact]
    public async Task Playwright_drives_the_chromium_that_debian_installed()
    {
        var installed = ProcessRunner.Run(StudioFixture.ChromiumPath, ["--version"]).Output;

        _output.WriteLine($"chromium --version: {installed.Trim()}");
        Assert.Contains(_fixture.Browser.Version, installed, StringComparison.Ordinal);
        var pinned = System.Xml.Linq.XDocument.Load(Path.Combine(LocalHostTests.RepoRoot(), "Directory.Packages.props"))
            .Descendants("PackageVersion").Single(p => (string?)p.Attribute("Include") == "Microsoft.Playwright").Attribute("Version")!.Value;
        Assert.Equal(pinned, _fixture.PlaywrightVersion);
        Assert.Equal(
            $"Playwright {pinned}{Environment.NewLine}Chromium {_fixture.Browser.Version}{Environment.NewLine}",
            await File.ReadAllTextAsync(Path.Combine(StudioFixture.ScreenshotDirectory, "versions.txt")));
    }

    [Fact]
    public async Task Every_route_answers_over_http_with_the_key_where_one_is_needed()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };
        var served = new HashSet<string>();

        async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string method, string path, object? body = null, bool withKey = true)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), "/api/" + path);
            if (withKey)
            {
                request.Headers.Add("x-functions-key", Key);
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            var response = await http.SendAsync(request);
            served.Add($"{method} {path.Split('?')[0]}");
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default);
        }

        var health = await CallAsync("GET", "health", withKey: false);
        var syntheticsHealth = await CallAsync("GET", "synthetics/health", withKey: false);
        var studio = await http.GetAsync("/api/synthetics/studio");
        served.Add("GET synthetics/studio");
        var statusWithoutKey = await CallAsync("GET", "synthetics/status", withKey: false);
        var paused = await CallAsync("POST", "synthetics/toggle", new { enabled = false });
        var settings = await CallAsync("POST", "synthetics/settings", new { sessions_per_min = 4, max_per_run = 9 });
        var history = await CallAsync("GET", "synthetics/settings/history?limit=5");
        var schema = await CallAsync("GET", "synthetics/settings/schema");
        var estimate = await CallAsync("GET", "synthetics/estimate?sessions_per_min=1");
        var openApi = await CallAsync("GET", "synthetics/openapi.json", withKey: false);
        var dryRun = await CallAsync("POST", "synthetics/run-now", new { target = 3, dry_run = true });
        var runNow = await CallAsync("POST", "synthetics/run-now", new { target = 3 });
        var run = await CallAsync("POST", "synthetics/run?target=2");
        var events = await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events");
        var status = await CallAsync("GET", "synthetics/status");
        var activity = await CallAsync("GET", "synthetics/activity/24");
        var realism = await CallAsync("GET", "synthetics/realism?days=7");
        var pool = await CallAsync("GET", "synthetics/sim-users?page=1&page_size=10");
        var resized = await CallAsync("POST", "synthetics/sim-users", new { pool_size = 30 });
        var activePool = await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL");
        var cleanup = await CallAsync("POST", "synthetics/cleanup", new { retain_days = 45 });
        var purge = await CallAsync("POST", "synthetics/purge", new { confirm = "purge all synthetic data" });
        var backfill = await CallAsync("POST", "synthetics/backfill", new { days = 1 });
        var job = backfill.Body.GetProperty("id").GetString()!;
        var backfillStatus = await CallAsync("GET", $"synthetics/backfill/{job}");
        var backfillCancel = await CallAsync("POST", $"synthetics/backfill/{job}/cancel");

        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("healthy", health.Body.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, syntheticsHealth.Status);
        Assert.Equal(HttpStatusCode.OK, studio.StatusCode);
        Assert.Equal("text/html", studio.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, statusWithoutKey.Status);
        Assert.False(paused.Body.GetProperty("enabled").GetBoolean());
        Assert.Equal(4, settings.Body.GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(9, settings.Body.GetProperty("max_per_run").GetInt32());
        Assert.Equal(HttpStatusCode.OK, estimate.Status);
        Assert.Equal(1, estimate.Body.GetProperty("settings").GetProperty("sessions_per_min").GetDouble());
        Assert.Equal(9, estimate.Body.GetProperty("settings").GetProperty("max_per_run").GetInt32());
        Assert.Equal(HttpStatusCode.OK, openApi.Status);
        Assert.Equal("3.0.3", openApi.Body.GetProperty("openapi").GetString());
        Assert.Equal(SettingDeclarations.Names, schema.Body.GetProperty("settings").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["api", "api"], history.Body.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("source").GetString()));
        Assert.True(dryRun.Body.GetProperty("dry_run").GetBoolean());
        Assert.Equal(3, dryRun.Body.GetProperty("sessions_started").GetInt32());
        Assert.Equal(3, runNow.Body.GetProperty("sessions_started").GetInt32());
        Assert.Equal(2, run.Body.GetProperty("sessions_started").GetInt32());
        Assert.Equal(events, status.Body.GetProperty("events_last_24_hours").GetInt64());
        Assert.Equal(2, status.Body.GetProperty("last_run").GetProperty("sessions_started").GetInt32());
        Assert.Equal(events, activity.Body.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("events").GetInt64()));
        Assert.Equal(7, realism.Body.GetProperty("days").GetInt32());
        Assert.Equal(10, pool.Body.GetProperty("users").GetArrayLength());
        Assert.Equal(30, resized.Body.GetProperty("pool_size").GetInt32());
        Assert.Equal(30, activePool);
        Assert.Equal(0, cleanup.Body.GetProperty("total_rows").GetInt64());
        Assert.Equal(HttpStatusCode.OK, purge.Status);
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events"));
        Assert.Equal(HttpStatusCode.Accepted, backfill.Status);
        Assert.Equal($"/api/synthetics/backfill/{job}", backfill.Body.GetProperty("status_url").GetString());
        Assert.Equal("queued", backfillStatus.Body.GetProperty("state").GetString());
        Assert.Equal("cancelled", backfillCancel.Body.GetProperty("state").GetString());

        // Every HTTP function the app declares was called above.
        var declared = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly)
            .Where(f => f.Http is not null)
            .SelectMany(f => f.Methods.Select(m => $"{m.ToUpperInvariant()} {f.Route!.Replace("{hours}", "24").Replace("{id}", job)}"))
            .ToHashSet();
        Assert.Equal(declared.Order(), served.Order());
    }

    [Fact]
    public async Task The_studio_is_served_without_a_key_under_a_policy_that_allows_only_the_app_itself()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };

        var first = await http.GetAsync("/api/synthetics/studio");
        var second = await http.GetAsync("/api/synthetics/studio");
        var html = await first.Content.ReadAsStringAsync();
        var policy = first.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = policy.Split("'nonce-")[1].Split('\'')[0];

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("default-src 'none'; script-src 'nonce-", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<style nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{nonce}}", html, StringComparison.Ordinal);
        Assert.NotEqual(policy, second.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pool_nobody_can_start_from_shows_degraded_with_what_to_do_beside_staleness()
    {
        // The pool as the journey app would own it (the engine did not create profiles), every member retired.
        await Db.ExecuteAsync(_database, "DELETE FROM synthetic_created_tables WHERE table_name = 'profiles'; UPDATE synthetic_pool SET retired_at = now()");

        var page = await OpenStudioAsync();

        await Expect(page.Locator("#m-stale")).ToHaveTextAsync($"Degraded: {SyntheticsFunctions.Service.StatusService.NobodyCanStart} Stale: no successful run yet");
    }

    [Fact]
    public async Task Pause_and_start_in_the_studio_switch_the_engine()
    {
        var page = await OpenStudioAsync();
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        // Enabled with no successful run yet (this host has no cron ticks): health calls that stale.
        await Expect(page.Locator("#m-stale")).ToHaveTextAsync("Stale: no successful run yet");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();

        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Paused");
        await Expect(page.Locator("#toggle")).ToHaveTextAsync("Start");
        await Expect(page.Locator("#m-stale")).ToHaveTextAsync("Not stale: no successful run yet");
        Assert.False((await StatusAsync()).GetProperty("enabled").GetBoolean());
        Assert.Equal("false", await Db.TextAsync(_database, "SELECT enabled::text FROM synthetic_settings WHERE id = 1"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Start", Exact = true }).ClickAsync();

        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        Assert.True((await StatusAsync()).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Settings_saved_in_the_studio_are_persisted_and_listed_in_the_history()
    {
        var page = await OpenStudioAsync();
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveValueAsync("2");

        await page.GetByLabel("Sessions per minute").FillAsync("3");
        await page.GetByLabel("Error rate (0–1)").FillAsync("0.05");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Expect(page.Locator("#settings-result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Saved at "));
        Assert.Equal("3|0.05", await Db.TextAsync(_database, "SELECT sessions_per_min || '|' || error_rate FROM synthetic_settings WHERE id = 1"));
        await Expect(page.Locator("#history tbody tr").First).ToContainTextAsync("sessions_per_min: 2 → 3");
        await Expect(page.Locator("#history tbody tr").First).ToContainTextAsync("error_rate: 0.03 → 0.05");
        await Expect(page.Locator("#history tbody tr").First.Locator("td").Nth(1)).ToHaveTextAsync("api");

        await page.GetByRole(AriaRole.Button, new() { Name = "Heavy 5/8" }).ClickAsync();

        await Expect(page.GetByLabel("Max sessions per run")).ToHaveValueAsync("8");
        await Expect(page.Locator("#preset-heavy")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Equal("5|8", await Db.TextAsync(_database, "SELECT sessions_per_min || '|' || max_per_run FROM synthetic_settings WHERE id = 1"));

        await page.ReloadAsync();
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveValueAsync("5");
        await Expect(page.GetByLabel("Error rate (0–1)")).ToHaveValueAsync("0.05");
        await Expect(page.Locator("#history tbody tr")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task The_estimate_beside_the_settings_form_follows_the_form_before_anything_is_saved()
    {
        var page = await OpenStudioAsync();
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveValueAsync("2");

        // The page's clock is paused: the estimate is asked a moment (300 ms) after the form changes.
        await page.Clock.RunForAsync(1000);

        // The saved settings' estimate: the host's 200-person cap carries a share of 2 a minute.
        var sessions = PoolCapacity.For(EngineSettings.Defaults, 200, growable: true).ExpectedSessionsPerMin * VolumeModel.MinutesPerDay;
        await Expect(page.Locator("#estimate-summary")).ToContainTextAsync(string.Create(CultureInfo.InvariantCulture, $"{Math.Round(sessions):N0} sessions"));
        await Expect(page.Locator("#estimate-summary")).ToContainTextAsync("(45 days)");
        await Expect(page.Locator("#estimate-tables tbody tr")).ToHaveCountAsync(Tables.Activity.Count);
        var events = page.Locator("#estimate-tables tr[data-table='journey_scene_events'] td");
        var horizonAt45 = await events.Nth(3).TextContentAsync();

        // Typed, not saved: the estimate follows the form, the database keeps its settings.
        await page.GetByLabel("Retain rows for (1–3650 days)").FillAsync("90");
        await page.Clock.RunForAsync(1000);

        await Expect(page.Locator("#estimate-summary")).ToContainTextAsync("(90 days)");
        await Expect(events.Nth(3)).Not.ToHaveTextAsync(horizonAt45!);
        Assert.Equal("45", await Db.TextAsync(_database, "SELECT retain_days FROM synthetic_settings WHERE id = 1"));

        // A value out of range gets the API's range message in place of an estimate.
        await page.GetByLabel("Sessions per minute").FillAsync("500");
        await page.Clock.RunForAsync(1000);

        await Expect(page.Locator("#estimate-summary")).ToContainTextAsync("sessions_per_min: Must be a number from 0 to 120.");
    }

    [Fact]
    public async Task An_invalid_setting_shows_the_apis_error_beside_its_field_and_changes_nothing()
    {
        var page = await OpenStudioAsync();
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveValueAsync("2");

        // The bounds come from GET settings/schema, that is from the setting declarations.
        foreach (var setting in SettingDeclarations.All.Where(s => s.Kind != SettingKind.Boolean))
        {
            var input = page.Locator($"#f-{setting.Name}");
            await Expect(input).ToHaveAttributeAsync("max", setting.Max.ToString(CultureInfo.InvariantCulture));
            await Expect(input).ToHaveAttributeAsync("min", setting.Min.ToString(CultureInfo.InvariantCulture));
            await Expect(input).ToHaveAttributeAsync("step", setting.Step.ToString(CultureInfo.InvariantCulture));
        }

        await Expect(page.Locator("#cleanup-days")).ToHaveAttributeAsync("max", "3650");

        await page.GetByLabel("Sessions per minute").FillAsync("500");
        await page.GetByLabel("Max sessions per run").FillAsync("2.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Expect(page.Locator("#e-sessions_per_min")).ToBeVisibleAsync();
        await Expect(page.Locator("#e-sessions_per_min")).ToContainTextAsync("120");
        await Expect(page.Locator("#e-max_per_run")).ToContainTextAsync("integer");
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Sessions per minute")).ToBeFocusedAsync();
        await Expect(page.Locator("#e-error_rate")).ToBeHiddenAsync();
        Assert.Equal("2|5", await Db.TextAsync(_database, "SELECT sessions_per_min || '|' || max_per_run FROM synthetic_settings WHERE id = 1"));
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_settings_history"));

        // An auto-refresh keeps what the user typed, so the error still sits beside the value it is about.
        await AdvanceAndWaitForRefreshAsync(page);
        await Expect(page.GetByLabel("Sessions per minute")).ToHaveValueAsync("500");
    }

    [Fact]
    public async Task The_settings_form_has_a_field_for_each_declared_setting_with_its_label_range_and_help()
    {
        var page = await OpenStudioAsync();

        // Built from GET settings/schema: one field per setting in declared order, enabled being the Pause/Start button.
        var fields = page.Locator("#settings-fields .field");
        await Expect(fields).ToHaveCountAsync(FormSettings.Count);
        for (var i = 0; i < FormSettings.Count; i++)
        {
            var setting = FormSettings[i];
            var range = $"{setting.Min.ToString(CultureInfo.InvariantCulture)}–{setting.Max.ToString(CultureInfo.InvariantCulture)}";
            var label = setting.Kind == SettingKind.Boolean ? setting.Label : $"{setting.Label} ({range}{(setting.Unit is null ? "" : " " + setting.Unit)})";
            await Expect(fields.Nth(i).Locator("label")).ToHaveTextAsync(label);
            await Expect(page.GetByLabel(label, new() { Exact = true })).ToHaveIdAsync($"f-{setting.Name}");
            await Expect(page.Locator($"#h-{setting.Name}")).ToHaveTextAsync(setting.Description);
            await Expect(page.Locator($"#f-{setting.Name}")).ToHaveAttributeAsync("aria-describedby", $"e-{setting.Name} h-{setting.Name}");
            if (setting.Kind == SettingKind.Boolean)
            {
                await Expect(page.Locator($"#f-{setting.Name}")).ToBeCheckedAsync(new() { Checked = (bool)setting.Default });
            }
            else
            {
                await Expect(page.Locator($"#f-{setting.Name}")).ToHaveValueAsync(Convert.ToDouble(setting.Default, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
            }
        }

        await Expect(page.Locator("#settings-pending")).ToHaveCountAsync(0);
        await Expect(page.Locator("#f-enabled")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_manual_run_raises_the_counts_and_a_dry_run_writes_nothing()
    {
        var page = await OpenStudioAsync();
        await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync("0");
        await Expect(page.Locator("#m-last-run")).ToHaveTextAsync("No run yet");

        await page.GetByLabel("Sessions to start (1–50)").FillAsync("4");
        await page.GetByLabel("Dry run (show what it would write, save nothing)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.Locator("#run-result")).ToContainTextAsync("Dry run: would write");
        await Expect(page.Locator("#run-result")).ToContainTextAsync("for 4 new sessions; nothing was saved.");
        var dryRows = await RowsShownAsync(page);
        Assert.Equal(4, dryRows["journey_instances"]);
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events"));
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_runs"));

        await page.GetByLabel("Dry run (show what it would write, save nothing)").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded: wrote");
        var events = await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events");
        var rows = await RowsShownAsync(page);
        Assert.Equal(events, rows["journey_scene_events"]);
        Assert.Equal(4, await Db.ScalarAsync(_database, "SELECT count(DISTINCT user_id) FROM journey_scene_events"));
        await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync(events.ToString("N0", Numbers));
        await Expect(page.Locator("#m-last-run")).ToContainTextAsync($"succeeded · manual · ");
        await Expect(page.Locator("#m-last-run")).ToContainTextAsync($" · 4 sessions · {rows.Values.Sum().ToString("N0", Numbers)} rows");
        await Expect(page.Locator("#chart rect")).ToHaveCountAsync(24);
        await page.GetByLabel("Window").SelectOptionAsync("168");
        await Expect(page.Locator("#chart rect")).ToHaveCountAsync(168);
        await Expect(page.Locator("#chart-summary")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^{events.ToString("N0", Numbers)} events in the last 168 hours; "));
        // The chart's scale: its top is the busiest hour, its middle half of it.
        var busiest = await Db.ScalarAsync(_database, "SELECT max(n) FROM (SELECT count(*) AS n FROM journey_scene_events GROUP BY date_trunc('hour', created_at)) h");
        await Expect(page.Locator("#chart-y-top")).ToHaveTextAsync(busiest.ToString("N0", Numbers));
        await Expect(page.Locator("#chart-y-mid")).ToHaveTextAsync(Math.Round(busiest / 2.0, MidpointRounding.AwayFromZero).ToString("N0", Numbers));
        var breakdown = await page.Locator("#breakdown tbody tr").AllInnerTextsAsync();
        Assert.Equal(events, breakdown.Sum(r => long.Parse(r.Split('\t')[1], NumberStyles.AllowThousands, Numbers)));
        var status = await StatusAsync();
        await Expect(page.Locator("#m-sessions")).ToHaveTextAsync(status.GetProperty("sessions_in_progress").GetInt32().ToString(Numbers));
        await Expect(page.Locator("#m-active-journeys")).ToHaveTextAsync(status.GetProperty("active_journeys").GetInt32().ToString(Numbers));
    }

    [Fact]
    public async Task A_backfill_started_in_the_studio_shows_its_progress_until_it_succeeds()
    {
        // This test's host runs the backfill timer every second (the cron tick stays off).
        await _host.DisposeAsync();
        (_host, _database) = await _fixture.StartHostAsync(new() { ["AzureWebJobs.SyntheticsBackfill.Disabled"] = "false", ["SyntheticsCronSchedule"] = "*/1 * * * * *" });
        await Db.ExecuteAsync(_database, "UPDATE synthetic_settings SET sessions_per_min = 1, max_per_run = 3 WHERE id = 1");
        var page = await OpenStudioAsync();
        var days = page.GetByLabel("Days of history (1 to retain days)");
        var start = page.GetByRole(AriaRole.Button, new() { Name = "Start backfill" });

        await days.FillAsync("0");
        await start.ClickAsync();
        await Expect(page.Locator("#e-days")).ToHaveTextAsync("Must be an integer from 1 to 45 (retain_days: older rows are not kept).");
        await days.FillAsync("1");
        await start.ClickAsync();
        await Expect(page.Locator("#backfill-result")).ToContainTextAsync("The engine is running.");
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_backfills"));

        await page.GetByLabel("Purge all synthetic data first (otherwise pause the engine)").CheckAsync();
        await start.ClickAsync();
        await Expect(page.Locator("#backfill-result")).ToHaveTextAsync("Backfill of 1 day queued: 0%, 0 rows.");
        await Expect(page.Locator("#backfill-cancel")).ToBeVisibleAsync();

        // The timer runs the job in the background; the page polls its status URL every two seconds of its clock.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Db.TextAsync(_database, "SELECT state FROM synthetic_backfills") != "succeeded")
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "the backfill did not finish");
            await Task.Delay(100);
        }

        await page.Clock.RunForAsync(2_000);
        var rows = await Db.ScalarAsync(_database, "SELECT (SELECT sum(value::bigint) FROM jsonb_each_text(rows_written)) FROM synthetic_backfills");
        await Expect(page.Locator("#backfill-result")).ToContainTextAsync($"Backfill of 1 day succeeded: 100%, {rows.ToString("N0", Numbers)} rows");
        await Expect(page.Locator("#backfill-progress")).ToHaveJSPropertyAsync("value", 100);
        await Expect(page.Locator("#backfill-cancel")).ToBeHiddenAsync();
        Assert.True(await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events") > 0);
    }

    [Fact]
    public async Task The_realism_panel_lists_every_figure_with_its_target_and_verdict_and_says_how_to_get_more_history()
    {
        var page = await OpenStudioAsync();
        await page.GetByLabel("Sessions to start (1–50)").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded: wrote");

        await page.GetByLabel("Realism period").SelectOptionAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check realism" }).ClickAsync();

        await Expect(page.Locator("#realism-summary")).ToContainTextAsync("Last 7 days: ");
        await Expect(page.Locator("#realism-figures tbody tr")).ToHaveCountAsync(SyntheticsFunctions.Engine.Realism.RealismFigures.All.Count);
        await Expect(page.Locator("#realism-history")).ToContainTextAsync("POST /api/synthetics/backfill");
        await Expect(page.Locator("tr[data-figure='d30_retention'] td").Nth(3)).ToHaveTextAsync("not enough data");
        await Expect(page.Locator("tr[data-figure='d30_retention'] td").Nth(2)).ToHaveTextAsync("0.05 to 0.15");
        await Expect(page.Locator("tr[data-figure='rows_out_of_order'] td").Nth(3)).ToHaveTextAsync("pass");
        await Expect(page.Locator("tr[data-figure='contract_violations'] td").Nth(1)).ToHaveTextAsync("0");
        var users = await Db.ScalarAsync(_database, "SELECT count(DISTINCT user_id) FROM journey_scene_events");
        await Expect(page.Locator("#realism-sessions rect")).ToHaveCountAsync(8);
        // Each bar is labelled with its sessions, and the scale's top is the tallest bar's users.
        await Expect(page.Locator("#sessions-x span")).ToHaveCountAsync(8);
        Assert.Equal(["1", "2", "3", "4-5", "6-10", "11-20", "21-50", "51+"], (await page.Locator("#sessions-x span").AllInnerTextsAsync()).Select(t => t.Trim()).ToArray());
        var tallest = await page.EvaluateAsync<string>("() => document.getElementById('sessions-y-top').textContent");
        Assert.NotEqual("0", tallest);
        await Expect(page.Locator("#realism-sessions-summary")).ToContainTextAsync($"{users.ToString("N0", Numbers)} users with a session");
        await Expect(page.Locator("#realism-cohorts-summary")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_failed_run_shows_its_error_as_the_last_run()
    {
        await Db.ExecuteAsync(_database, """
            CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events refused by the test'; END $$;
            CREATE TRIGGER refuse_events BEFORE INSERT ON journey_scene_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_events();
            """);
        const string Instances = "SELECT coalesce(string_agg(id || ' ' || status || ' ' || current_scene_order || ' ' || last_activity_at, ',' ORDER BY id), '') FROM journey_instances";
        var instances = await Db.TextAsync(_database, Instances);
        var page = await OpenStudioAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        // The page shows the fixed text and the correlation id; the trigger's own message stays in the logs and the journal.
        await Expect(page.Locator("#run-result")).ToContainTextAsync("The run failed and wrote nothing.");
        await Expect(page.Locator("#run-result")).ToContainTextAsync("An internal error occurred.");
        await Expect(page.Locator("#run-result")).Not.ToContainTextAsync("events refused by the test");
        await Expect(page.Locator("#m-last-run")).ToContainTextAsync("failed · manual · ");
        await Expect(page.Locator("#m-last-run-error")).ToContainTextAsync("Last run failed: An internal error occurred.");
        Assert.Equal(1, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_runs WHERE status = 'failed' AND failure_category = 'internal_error' AND error LIKE '%events refused by the test%' AND correlation_id IS NOT NULL"));
        // Nothing written: no event, and the fresh install's mid-story journeys as they were.
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events"));
        Assert.Equal(instances, await Db.TextAsync(_database, Instances));

        // Once the cause is gone, the next run's success shows where the failure was.
        await Db.ExecuteAsync(_database, "DROP TRIGGER refuse_events ON journey_scene_events");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();

        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded: wrote");
        await Expect(page.Locator("#run-result")).ToBeVisibleAsync();
        await Expect(page.Locator("#m-last-run-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#m-last-run")).ToContainTextAsync("succeeded · manual · ");
        Assert.Equal(5, await Db.ScalarAsync(_database, "SELECT count(DISTINCT user_id) FROM journey_scene_events"));
    }

    [Fact]
    public async Task Pool_size_set_in_the_studio_resizes_the_pool()
    {
        var page = await OpenStudioAsync();
        var before = await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL");
        await Expect(page.Locator("#m-pool")).ToHaveTextAsync(before.ToString("N0", Numbers));

        await page.GetByLabel("Pool size").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resize pool" }).ClickAsync();
        await Expect(page.Locator("#e-pool_size")).ToHaveTextAsync("Must be an integer from 1 to 100000.");
        Assert.Equal(before, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL"));

        await page.GetByLabel("Pool size").FillAsync("1200");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resize pool" }).ClickAsync();

        await Expect(page.Locator("#pool-result")).ToHaveTextAsync($"Pool resized from {before.ToString("N0", Numbers)} to 1,200 (added {1200 - before}, retired 0, reactivated 0).");
        await Expect(page.Locator("#m-pool")).ToHaveTextAsync("1,200");
        await Expect(page.Locator("#e-pool_size")).ToBeHiddenAsync();
        Assert.Equal(1200, await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL"));
    }

    [Fact]
    public async Task Cleanup_asks_for_confirmation_and_purge_needs_the_typed_phrase()
    {
        // Sessions played 60 days before the running host's clock by the same service, then one fresh run through the Studio's API.
        await using (var past = await _host.PastAppAsync(TimeSpan.FromDays(60)))
        {
            await past.RunAsync(RunTrigger.Manual, 6);
            past.Time.Advance(TimeSpan.FromDays(3));
            await past.RunAsync(RunTrigger.Cron, 1);
        }

        var page = await OpenStudioAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded");
        var recentEvents = await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events WHERE created_at > now() - interval '1 day'");
        var oldEvents = await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events WHERE created_at < now() - interval '45 days'");
        Assert.NotEqual(0, oldEvents);

        await page.GetByLabel("Keep the last (days)").FillAsync("45");
        await page.GetByRole(AriaRole.Button, new() { Name = "Clean up…" }).ClickAsync();
        await Expect(page.Locator("#cleanup-question")).ToContainTextAsync("older than 45 days");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm cleanup" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.Locator("#cleanup-result")).ToHaveTextAsync("Cleanup cancelled; nothing was deleted.");
        Assert.Equal(oldEvents, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events WHERE created_at < now() - interval '45 days'"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Clean up…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cleanup" }).ClickAsync();

        // In-progress journeys are kept whole, so the old rows that go are exactly what the pass reports.
        await Expect(page.Locator("#cleanup-result")).ToContainTextAsync("Deleted ");
        var deletedEvents = await Db.ScalarAsync(_database, "SELECT (rows_deleted->>'journey_scene_events')::bigint FROM synthetic_cleanups WHERE kind = 'cleanup'");
        var deleted = await Db.ScalarAsync(_database, "SELECT (SELECT sum(value::bigint) FROM jsonb_each_text(rows_deleted)) FROM synthetic_cleanups WHERE kind = 'cleanup'");
        Assert.NotEqual(0, deletedEvents);
        await Expect(page.Locator("#cleanup-result")).ToContainTextAsync($"Deleted {deleted.ToString("N0", Numbers)} rows older than ");
        Assert.Equal(oldEvents - deletedEvents, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events WHERE created_at < now() - interval '45 days'"));
        Assert.Equal(recentEvents, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events WHERE created_at > now() - interval '1 day'"));

        await page.GetByLabel("Type purge all synthetic data to confirm").FillAsync("purge");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();
        await Expect(page.Locator("#e-confirm")).ToHaveTextAsync("Type exactly \"purge all synthetic data\".");
        Assert.Equal(oldEvents - deletedEvents + recentEvents, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events"));

        await page.GetByLabel("Type purge all synthetic data to confirm").FillAsync("purge all synthetic data");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();

        await Expect(page.Locator("#purge-result")).ToContainTextAsync("Purged ");
        await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync("0");
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events"));

        // The engine owns profiles here: a fresh steady-state population follows (mid-story journeys, no scene rows), and the answer says so.
        var members = await Db.ScalarAsync(_database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL");
        await Expect(page.Locator("#purge-result")).ToContainTextAsync($"a fresh steady-state population of {members.ToString("N0", Numbers)} people was added");
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_instance_scenes"));
        Assert.Equal(0, await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_instances i WHERE i.user_id NOT IN (SELECT profile_id FROM synthetic_pool)"));
    }

    [Fact]
    public async Task The_page_refreshes_every_ten_seconds_and_shows_when()
    {
        var page = await OpenStudioAsync();
        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("09:00:00");
        var refreshes = await RefreshCountAsync(page);

        await page.Clock.RunForAsync(9_999);

        // A due timer would have started its refresh inside RunFor, synchronously: none has.
        Assert.Equal(refreshes.ToString(CultureInfo.InvariantCulture), await page.Locator("body").GetAttributeAsync("data-refreshes-started"));
        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("09:00:00");

        // The numbers follow the database between refreshes: a run made elsewhere shows up on the next one.
        await Db.ExecuteAsync(_database, "UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        await page.Clock.RunForAsync(1);

        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("09:00:10");
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Paused");
        Assert.Equal(refreshes + 1, await RefreshCountAsync(page));

        await page.Clock.RunForAsync(10_000);
        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("09:00:20");
    }

    [Fact]
    public async Task A_stopped_database_shows_the_unreachable_banner_until_it_is_back()
    {
        var page = await OpenStudioAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded");
        var events = (await Db.ScalarAsync(_database, "SELECT count(*) FROM journey_scene_events")).ToString("N0", Numbers);
        await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync(events);
        await Expect(page.Locator("#banner")).ToBeHiddenAsync();

        await _fixture.Postgres.StopClusterAsync();
        try
        {
            await AdvanceAndWaitForRefreshAsync(page);

            await Expect(page.Locator("#banner")).ToBeVisibleAsync();
            await Expect(page.Locator("#banner")).ToContainTextAsync($"{SyntheticsFunctions.Functions.ApiResults.DatabaseUnavailable.TrimEnd('.')} (correlation id ");
            await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Unknown");
            await page.EvaluateAsync("() => window.scrollTo(0, document.body.scrollHeight)");
            Assert.Equal(0, await page.EvaluateAsync<double>("() => document.getElementById('banner').getBoundingClientRect().top"));
            await Expect(page.Locator("#banner")).ToContainTextAsync("The numbers below are from 09:00:");
            await Expect(page.Locator("#studio")).ToHaveAttributeAsync("data-stale", "true");
            await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync(events);
            await Expect(page.Locator("#m-stale")).ToHaveTextAsync($"Unknown: {SyntheticsFunctions.Service.StatusService.DatabaseUnreachable}");
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await SaveScreenshotAsync(page, "studio-database-down-1280x800.png");

            // What the page reads is an outage the API names (503), not a bug (500).
            using var http = new HttpClient { BaseAddress = _host.BaseAddress };
            http.DefaultRequestHeaders.Add("x-functions-key", Key);
            foreach (var path in new[] { "status", "activity/24", "settings/history", "sim-users" })
            {
                var response = await http.GetAsync("/api/synthetics/" + path);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(SyntheticsFunctions.Functions.ApiResults.DatabaseUnavailable, problem.GetProperty("title").GetString());
                Assert.False(problem.TryGetProperty("detail", out _), problem.GetRawText()); // the driver's text stays in the logs
                Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlation_id").GetString()));
            }
        }
        finally
        {
            await _fixture.Postgres.StartClusterAsync();
        }

        // Connections the pool held across the restart may fail once; the banner must go within a few refreshes.
        for (var attempt = 0; attempt < 6 && await page.Locator("#banner").IsVisibleAsync(); attempt++)
        {
            await AdvanceAndWaitForRefreshAsync(page);
        }

        await Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await Expect(page.Locator("#studio")).ToHaveAttributeAsync("data-stale", "false");
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#m-events-24h")).ToHaveTextAsync(events);
    }

    [Fact]
    public async Task A_stopped_app_shows_that_the_api_is_unreachable()
    {
        var page = await OpenStudioAsync();
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#toggle")).ToBeEnabledAsync();

        await _host.App.StopAsync();
        await AdvanceAndWaitForRefreshAsync(page);

        await Expect(page.Locator("#banner")).ToHaveTextAsync("The API is unreachable. The numbers below are from 09:00:00 and are not current.");
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Unknown");
        await Expect(page.Locator("#toggle")).ToBeDisabledAsync();
        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("09:00:00");
        await Expect(page.Locator("#m-stale")).ToHaveTextAsync("Unknown (no answer)");
    }

    [Fact]
    public async Task The_activity_multiplier_and_expected_events_per_minute_are_shown_as_status_reports_them()
    {
        var page = await OpenStudioAsync();
        var status = await StatusAsync();

        var multiplier = status.GetProperty("activity_multiplier").GetDouble();
        var expected = status.GetProperty("expected_events_per_minute").GetDouble();
        await Expect(page.Locator("#m-multiplier")).ToHaveTextAsync("×" + multiplier.ToString("F2", CultureInfo.InvariantCulture));
        await Expect(page.Locator("#m-expected")).ToHaveTextAsync(expected.ToString("F1", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Pause_and_start_are_disabled_while_the_engine_state_is_unknown()
    {
        var page = await OpenStudioAsync(withKey: false);

        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Unknown");
        await Expect(page.Locator("#toggle")).ToBeDisabledAsync();
        await Expect(page.Locator("#toggle")).ToHaveTextAsync("Pause");

        await page.GetByLabel("Function key").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();

        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        await Expect(page.Locator("#toggle")).ToBeEnabledAsync();
        await Expect(page.Locator("#toggle")).ToHaveTextAsync("Pause");
        lock (_requests)
        {
            Assert.DoesNotContain(_requests, url => url.EndsWith("/api/synthetics/toggle", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_footer_shows_the_apps_version_from_health_even_without_a_key()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };
        var health = await http.GetFromJsonAsync<JsonElement>("/api/health");

        var page = await OpenStudioAsync(withKey: false);

        Assert.Equal("1.0.0", health.GetProperty("version").GetString());
        await Expect(page.Locator("footer")).ToHaveTextAsync("SyntheticsFunctions version 1.0.0");
    }

    [Fact]
    public async Task The_function_key_is_kept_in_local_storage_and_sent_with_every_call()
    {
        var page = await OpenStudioAsync(withKey: false);

        await Expect(page.Locator("#banner")).ToContainTextAsync("The API needs a valid function key");
        await Expect(page.Locator("#updated-at")).ToHaveTextAsync("never");

        await page.GetByLabel("Function key").FillAsync(Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();

        await Expect(page.Locator("#banner")).ToBeHiddenAsync();
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");
        Assert.Equal(Key, await page.EvaluateAsync<string>("() => localStorage.getItem('synthetics-studio.function-key')"));

        await page.ReloadAsync();
        await Expect(page.GetByLabel("Function key")).ToHaveValueAsync(Key);
        await Expect(page.Locator("#engine-state")).ToHaveTextAsync("Running");

        await page.GetByRole(AriaRole.Button, new() { Name = "Forget key" }).ClickAsync();
        await Expect(page.Locator("#banner")).ToContainTextAsync("The API needs a valid function key");
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('synthetics-studio.function-key')"));
    }

    [Fact]
    public async Task A_disabled_control_looks_disabled()
    {
        // Without a key the engine's state is unknown, so Pause stays disabled.
        var page = await OpenStudioAsync(withKey: false);
        await Expect(page.Locator("#toggle")).ToBeDisabledAsync();

        var style = await page.EvaluateAsync<string[]>("() => { const s = getComputedStyle(document.getElementById('toggle')); return [s.opacity, s.cursor]; }");
        var enabled = await page.EvaluateAsync<string[]>("() => { const s = getComputedStyle(document.getElementById('key-save')); return [s.opacity, s.cursor]; }");

        Assert.Equal(["0.45", "not-allowed"], style);
        Assert.Equal(["1", "pointer"], enabled);
    }

    [Fact]
    public async Task At_375_pixels_nothing_scrolls_sideways_and_every_control_is_labelled_and_reachable_with_tab()
    {
        var page = await OpenStudioAsync();
        await page.GetByLabel("Sessions per minute").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Expect(page.Locator("#run-result")).ToContainTextAsync("Run succeeded");
        await Expect(page.Locator("#history tbody tr")).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await SaveScreenshotAsync(page, "studio-1280x800.png");

        await page.SetViewportSizeAsync(375, 812);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await SaveScreenshotAsync(page, "studio-375x812.png");

        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.Equal([375, 375], widths);
        var overflowing = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(el => el.getClientRects().length > 0 && el.getBoundingClientRect().right > window.innerWidth + 0.5)
              .map(el => el.id || el.tagName)
            """);
        Assert.Empty(overflowing);

        string[] expectedOrder =
        [
            "toggle", "key", "key-save", "key-forget", "activity-window", "realism-days", "realism-submit",
            "preset-light", "preset-moderate", "preset-heavy", "preset-intense",
            .. FormSettings.Select(s => $"f-{s.Name}"), "settings-save",
            "run-target", "run-dry", "run-submit", "backfill-days", "backfill-purge", "backfill-submit", "pool-size", "pool-submit", "cleanup-days", "cleanup-submit", "purge-confirm", "purge-submit",
        ];
        var controls = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
              .filter(el => el.getClientRects().length > 0 && !el.disabled)
              .map(el => el.id)
            """);
        Assert.Equal(expectedOrder, controls);

        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, input, select')]
              .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
              .map(el => el.id)
            """);
        Assert.Empty(unlabelled);

        // From a fresh load, as a keyboard user arrives.
        await page.ReloadAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-refreshes", "1");
        var reached = new List<string>();
        foreach (var _ in expectedOrder)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("() => document.activeElement.id"));
        }

        Assert.Equal(expectedOrder, reached);
    }

    /// <summary>The settings the Studio's form shows, in declared order: all but enabled, whose control is the Pause/Start button.</summary>
    private static IReadOnlyList<SettingDeclaration> FormSettings { get; } = [.. SettingDeclarations.All.Where(s => s.Name != SettingDeclarations.Enabled)];

    private async Task<IPage> OpenStudioAsync(bool withKey = true)
    {
        var page = await _context.NewPageAsync();
        if (withKey)
        {
            await page.AddInitScriptAsync($"localStorage.setItem('synthetics-studio.function-key', '{Key}')");
        }

        // Installed a minute early: the clock runs until paused, and pausing cannot go back in time.
        await page.Clock.InstallAsync(new ClockInstallOptions { TimeDate = PageStart.UtcDateTime.AddMinutes(-1) });
        await page.Clock.PauseAtAsync(PageStart.UtcDateTime);
        var response = await page.GotoAsync(new Uri(_host.BaseAddress, "/api/synthetics/studio").ToString());
        Assert.Equal(200, response!.Status);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-refreshes", "1");
        return page;
    }

    /// <summary>Moves the page's clock past the refresh interval and waits for that refresh to finish.</summary>
    private static async Task AdvanceAndWaitForRefreshAsync(IPage page)
    {
        var before = await RefreshCountAsync(page);
        await page.Clock.RunForAsync(10_000);
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-refreshes", (before + 1).ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<int> RefreshCountAsync(IPage page) =>
        int.Parse(await page.Locator("body").GetAttributeAsync("data-refreshes") ?? "0", CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, long>> RowsShownAsync(IPage page)
    {
        var rows = await page.Locator("#run-rows tbody tr").AllInnerTextsAsync();
        return rows.Select(r => r.Split('\t')).ToDictionary(c => c[0], c => long.Parse(c[1], NumberStyles.AllowThousands, Numbers));
    }

    private async Task<JsonElement> StatusAsync()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", Key);
        return await http.GetFromJsonAsync<JsonElement>("/api/synthetics/status");
    }

    private async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(StudioFixture.ScreenshotDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        _output.WriteLine($"Screenshot: {path}");
    }
}
