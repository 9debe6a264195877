using System.Text.Json;
using System.Text.RegularExpressions;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>The Bicep, compiled offline by the Bicep CLI from NuGet, against the settings table, the sample and the code.</summary>
public partial class InfrastructureTests
{
    private static readonly Lazy<JsonDocument> Compiled = new(() => JsonDocument.Parse(Bicep("build", "infra/main.bicep", "--stdout")));

    [Fact]
    public void The_bicep_compiles_and_lints_without_a_diagnostic()
    {
        var lint = Bicep("lint", "infra/main.bicep");

        Assert.Equal("", lint.Trim());
        Assert.NotNull(Compiled.Value);
    }

    [Fact]
    public void The_settings_table_matches_the_compiled_template_and_the_sample()
    {
        var table = SettingsTable();
        var appSettings = AppSettings();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), "local.settings.sample.json")));
        var local = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)
            .Where(n => n != "Host.CORS")
            .Concat(sample.RootElement.GetProperty("ConnectionStrings").EnumerateObject().Select(p => "ConnectionStrings:" + p.Name))
            .ToHashSet();

        Assert.Equal(local.Order(), table.Keys.Order());
        var mappedToAppSettings = table.Values.SelectMany(v => v).Where(n => n != "—" && !n.StartsWith("functionAppConfig.", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(mappedToAppSettings.Order(), appSettings.Keys.Order());
    }

    [Fact]
    public void Every_setting_the_code_reads_is_in_the_table()
    {
        var table = SettingsTable();
        var read = new List<string> { "ConnectionStrings:Synthetics", SyntheticsFunctions.Telemetry.TelemetryExtensions.ConnectionStringSetting };
        read.AddRange(typeof(SyntheticsOptions).GetProperties().Where(p => p.CanWrite).Select(p => $"Synthetics__{p.Name}"));
        read.AddRange(typeof(PostgresAuthOptions).GetProperties().Where(p => p.CanWrite).Select(p => $"Synthetics__Postgres__{p.Name}"));
        read.AddRange(typeof(LocalHostOptions).GetProperties().Where(p => p.CanWrite).Select(p => $"LocalHost__{p.Name}"));
        foreach (var timer in FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly).Where(f => f.Timer is not null))
        {
            read.Add(timer.Timer!.Schedule.Trim('%'));
            read.Add($"AzureWebJobs.{timer.Name}.Disabled");
        }

        Assert.All(read, name => Assert.True(table.ContainsKey(name), $"{name} is read by the code but not in infra/SETTINGS.md"));
    }

    [Fact]
    public void Flex_consumption_sets_the_runtime_in_function_app_config_and_no_setting_holds_a_secret()
    {
        var site = Resources(Compiled.Value.RootElement).First(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var runtime = site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("runtime");
        var template = Compiled.Value.RootElement.GetRawText();
        var settings = AppSettings();

        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings.Keys);
        Assert.DoesNotContain("listKeys", template, StringComparison.OrdinalIgnoreCase);
        Assert.All(settings, s =>
        {
            Assert.DoesNotMatch(new Regex("AccountKey|Password|SharedAccessSignature|secret", RegexOptions.IgnoreCase), s.Value);
            Assert.DoesNotMatch(new Regex("key|password|secret", RegexOptions.IgnoreCase), s.Key.Replace("FunctionKey", ""));
        });
        Assert.Equal("false", settings["Synthetics__MigrateOnStartup"]);
        Assert.Equal("true", settings["Synthetics__Postgres__UseEntraAuth"]);
    }

    [Fact]
    public void Allowed_origins_are_one_list_for_the_site_cors_the_app_setting_and_host_cors()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), "local.settings.sample.json")));
        var site = Resources(Compiled.Value.RootElement).First(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var siteCors = site.GetProperty("properties").GetProperty("siteConfig").GetProperty("cors").GetProperty("allowedOrigins").GetString();

        Assert.Equal(
            sample.RootElement.GetProperty("Values").GetProperty("Synthetics__AllowedOrigins").GetString(),
            sample.RootElement.GetProperty("Host").GetProperty("CORS").GetString());
        Assert.Equal("[parameters('allowedOrigins')]", siteCors);
        Assert.Equal("[join(parameters('allowedOrigins'), ',')]", AppSettings()["Synthetics__AllowedOrigins"]);
    }

    [Fact]
    public void Operations_storage_grows_alerts_watch_health_and_failed_runs_and_dead_settings_are_gone()
    {
        var resources = Resources(Compiled.Value.RootElement).ToList();
        var server = resources.First(r => r.GetProperty("type").GetString() == "Microsoft.DBforPostgreSQL/flexibleServers");
        var site = resources.First(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var webTest = resources.First(r => r.GetProperty("type").GetString() == "Microsoft.Insights/webtests").GetProperty("properties");
        var healthAlert = resources.First(r => r.GetProperty("type").GetString() == "Microsoft.Insights/metricAlerts").GetProperty("properties");
        var runAlert = resources.First(r => r.GetProperty("type").GetString() == "Microsoft.Insights/scheduledQueryRules").GetProperty("properties");
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), "host.json")));

        Assert.Equal("Enabled", server.GetProperty("properties").GetProperty("storage").GetProperty("autoGrow").GetString());
        Assert.False(site.GetProperty("properties").GetProperty("siteConfig").TryGetProperty("vnetRouteAllEnabled", out _));
        Assert.False(host.RootElement.GetProperty("logging").TryGetProperty("applicationInsights", out _));
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
        Assert.Equal("[parameters('healthUrl')]", webTest.GetProperty("Request").GetProperty("RequestUrl").GetString());
        Assert.Equal(200, webTest.GetProperty("ValidationRules").GetProperty("ExpectedHttpStatusCode").GetInt32());
        Assert.Equal("[format('{0}/api/health', reference('api').outputs.url.value)]", ModuleParameter("alerts", "healthUrl"));
        Assert.Equal("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria", healthAlert.GetProperty("criteria").GetProperty("odata.type").GetString());
        var query = runAlert.GetProperty("criteria").GetProperty("allOf")[0];
        Assert.Equal("customMetrics | where name == \"synthetics.runs\" and tostring(customDimensions[\"status\"]) == \"failed\"", query.GetProperty("query").GetString());
        Assert.Equal(0, query.GetProperty("threshold").GetInt32());
        Assert.Equal("[parameters('alertActionGroupId')]", ModuleParameter("alerts", "actionGroupId"));
    }

    [Fact]
    public void The_location_is_limited_to_the_flex_consumption_regions_of_the_official_template()
    {
        var allowed = Compiled.Value.RootElement.GetProperty("parameters").GetProperty("location").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.Equal(31, allowed.Count);
        Assert.Contains("westeurope", allowed);
        Assert.Contains("eastus2", allowed);
        Assert.DoesNotContain("eastus2euap", allowed);
    }

    [Fact]
    public void Azure_yaml_runs_each_hook_in_bash_and_in_powershell_and_hands_the_admin_settings_to_the_pipeline()
    {
        var yaml = File.ReadAllText(Path.Combine(LocalHostTests.RepoRoot(), "azure.yaml"));

        foreach (var hook in new[] { "postprovision", "predeploy" })
        {
            Assert.Contains($"run: bash scripts/{hook}.sh", yaml, StringComparison.Ordinal);
            Assert.Contains($"run: ./scripts/{hook}.ps1", yaml, StringComparison.Ordinal);
        }

        Assert.Contains("shell: pwsh", yaml, StringComparison.Ordinal);
        Assert.Contains("    - AZURE_PRINCIPAL_TYPE\n    - POSTGRES_ADMIN_NAME\n", yaml.Replace("\r", ""), StringComparison.Ordinal);
        Assert.DoesNotContain("continueOnError: true", yaml, StringComparison.Ordinal);
    }

    internal static JsonElement CompiledTemplate() => Compiled.Value.RootElement;

    /// <summary>A parameter main.bicep passes to one of its modules, as ARM sees it.</summary>
    internal static string ModuleParameter(string module, string parameter)
    {
        var deployment = Resources(Compiled.Value.RootElement).First(r =>
            r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == module);
        return deployment.GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value").ToString();
    }

    internal static Dictionary<string, string> AppSettings()
    {
        var config = Resources(Compiled.Value.RootElement).First(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites/config");
        return config.GetProperty("properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString());
    }

    /// <summary>Every resource in the template and its nested module templates (arrays or, in languageVersion 2.0, objects).</summary>
    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }

        var items = resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray().ToList() : resources.EnumerateObject().Select(p => p.Value).ToList();
        foreach (var resource in items)
        {
            yield return resource;
            if (resource.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty("template", out var nested))
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>infra/SETTINGS.md: local name → Azure names.</summary>
    private static Dictionary<string, List<string>> SettingsTable()
    {
        var lines = File.ReadAllLines(Path.Combine(LocalHostTests.RepoRoot(), "infra", "SETTINGS.md"));
        return lines
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(
                cells => cells[1].Trim('`'),
                cells => cells[2] == "—" ? ["—"] : CodeSpan().Matches(cells[2]).Select(m => m.Groups[1].Value).ToList());
    }

    internal static string Bicep(params string[] arguments)
    {
        var bicep = Path.Combine(AppContext.BaseDirectory, "tools", "bicep");
        // NuGet does not keep the executable bit of a package's tool (the Bicep CLI is linux-x64 only).
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var result = ProcessRunner.Run(bicep, arguments, LocalHostTests.RepoRoot());
        Assert.True(result.ExitCode == 0, $"bicep {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error}");
        return arguments[^1] == "--stdout" ? result.Output : result.Output + result.Error;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
