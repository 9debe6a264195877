using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SyntheticsFunctions.LocalHost;

/// <summary>
/// Reads local.settings.json the way the Core Tools do (its <c>Values</c> as app settings,
/// its <c>ConnectionStrings</c>), so both local modes share one settings file.
/// </summary>
public static class LocalSettingsFile
{
    public const string FileName = "local.settings.json";

    /// <summary>
    /// Puts the local host's defaults and local.settings.json (beside the app) under what the
    /// builder already has, so environment variables and the command line still win.
    /// </summary>
    public static void AddBeneath(IConfigurationManager configuration)
    {
        var sources = configuration.Sources.ToList();
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(LocalHostDefaults.Settings);
        configuration.AddInMemoryCollection(Read(Path.Combine(AppContext.BaseDirectory, FileName)));
        foreach (var source in sources)
        {
            configuration.Sources.Add(source);
        }
    }

    public static IReadOnlyDictionary<string, string?> Read(string path)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return settings;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("Values", out var values))
        {
            foreach (var value in values.EnumerateObject())
            {
                // App settings use "__" for sections, as environment variables do.
                settings[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString() : value.Value.GetRawText();
            }
        }

        if (document.RootElement.TryGetProperty("ConnectionStrings", out var connectionStrings))
        {
            foreach (var connection in connectionStrings.EnumerateObject())
            {
                settings["ConnectionStrings:" + connection.Name] = connection.Value.GetString();
            }
        }

        if (document.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("CORS", out var cors))
        {
            settings["Host:CORS"] = cors.GetString();
        }

        return settings;
    }
}
