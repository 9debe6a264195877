using System.Text.Json;

namespace SyntheticsFunctions.Engine;

/// <summary>Builds the JSON payload or metadata every engine row carries: the synthetic tag, the writing run and the session.</summary>
public static class Tagging
{
    public const string SyntheticKey = "synthetic";
    public const string RunIdKey = "run_id";
    public const string SessionIdKey = "session_id";

    public static string Json(Guid runId, Guid sessionId, params (string Key, object? Value)[] details)
    {
        var values = new Dictionary<string, object?>(details.Length + 3)
        {
            [SyntheticKey] = true,
            [RunIdKey] = runId,
            [SessionIdKey] = sessionId,
        };
        foreach (var (key, value) in details)
        {
            values[key] = value;
        }

        return JsonSerializer.Serialize(values);
    }
}
