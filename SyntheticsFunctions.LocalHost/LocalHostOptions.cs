namespace SyntheticsFunctions.LocalHost;

/// <summary>Settings of the local host mode only (section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Where to listen. The default value is <c>http://127.0.0.1:7071</c>, loopback only, like <c>func start</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>When set, every non-anonymous function requires it as <c>x-functions-key</c> or <c>?code=</c>, like a function key in Azure. Empty by default.</summary>
    public string FunctionKey { get; set; } = "";
}

/// <summary>
/// Settings the local host supplies when no other source does, so it runs with nothing
/// configured. The same values ship in local.settings.sample.json and the Bicep.
/// </summary>
public static class LocalHostDefaults
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        [Functions.SyntheticsCron.ScheduleSetting] = "0 */1 * * * *",
        [Functions.CleanupFunctions.RetentionScheduleSetting] = "0 0 4 * * *",

        // As host.json does for the Functions host: per-command and per-attempt logs are noise.
        ["Logging:LogLevel:Npgsql"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",

        // Request logging (six information lines a request: the Studio's 10-second refresh would
        // flood the console) at Warning; Logging__LogLevel__Microsoft.AspNetCore=Information
        // brings it back. The engine's one structured line per run stays at Information.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };
}
