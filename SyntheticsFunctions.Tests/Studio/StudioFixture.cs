using System.Text.Json;
using Microsoft.Playwright;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Studio;

/// <summary>
/// What the Studio tests share: a Postgres cluster of their own (so stopping it disturbs no other
/// test) and Debian's Chromium driven by Playwright. Each test starts its own local host on a
/// fresh database and opens its own browser context.
/// </summary>
public sealed class StudioFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;

    public PostgresServer Postgres { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The driver's own version: the package's assembly version is a placeholder (1.0.0).</summary>
    public string PlaywrightVersion { get; } = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, ".playwright", "package", "package.json"))).RootElement.GetProperty("version").GetString()!;

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "studio-screenshots");

    public async Task InitializeAsync()
    {
        Postgres = await PostgresServer.StartAsync(ownCluster: true);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (scripts/test.sh does).");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ChromiumFlags,
            Headless = true,
        });
        // Straight to the test run's console as well as to a file beside the screenshots.
        Console.WriteLine($"Studio tests: Playwright {PlaywrightVersion}, Chromium {Browser.Version} ({ChromiumPath})");
        Directory.CreateDirectory(ScreenshotDirectory);
        await File.WriteAllTextAsync(
            Path.Combine(ScreenshotDirectory, "versions.txt"),
            $"Playwright {PlaywrightVersion}{Environment.NewLine}Chromium {Browser.Version}{Environment.NewLine}");
    }

    /// <summary>A local host on a free loopback port, on a new database of this fixture's cluster; no cron ticks or backfill passes unless asked.</summary>
    internal async Task<(LocalHostTests.RunningHost Host, string Database)> StartHostAsync(Dictionary<string, string?>? settings = null)
    {
        var database = await Postgres.CreateDatabaseAsync();
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobs.SyntheticsCron.Disabled"] = "true",
            ["AzureWebJobs.Retention.Disabled"] = "true",
            ["AzureWebJobs.SyntheticsBackfill.Disabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            // Fail fast while the database is down, so the Studio's banner is not held up by connect retries.
            ["ConnectionStrings:Synthetics"] = database + ";Timeout=3;Command Timeout=10",
        };
        foreach (var (name, value) in settings ?? [])
        {
            values[name] = value;
        }

        return (await LocalHostTests.StartAsync(database, values), database);
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }

        await Postgres.DisposeAsync();
    }
}
