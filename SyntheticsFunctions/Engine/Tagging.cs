using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// Builds the JSON payload or metadata every engine row carries: the synthetic tag, the writing
/// run and the session, then the row's own details. The constant part is built once per session
/// (<see cref="SessionTags"/>) and a row without details shares one string, so tagging costs a
/// small fraction of planning (a serializer per row used to cost most of it).
/// </summary>
public static class Tagging
{
    public const string SyntheticKey = "synthetic";
    public const string RunIdKey = "run_id";
    public const string SessionIdKey = "session_id";

    public static string Json(Guid runId, Guid sessionId, params (string Key, object? Value)[] details) =>
        new SessionTags(runId, sessionId).Json(details);

    /// <summary>The tags of one session's rows: <c>{"synthetic": true, "run_id": ..., "session_id": ...}</c> and the details.</summary>
    public sealed class SessionTags
    {
        private readonly string _prefix;
        private readonly string _bare;

        public SessionTags(Guid runId, Guid sessionId)
        {
            _prefix = $"{{\"{SyntheticKey}\":true,\"{RunIdKey}\":\"{runId:D}\",\"{SessionIdKey}\":\"{sessionId:D}\"";
            _bare = _prefix + "}";
        }

        public string Json(params (string Key, object? Value)[] details)
        {
            if (details.Length == 0)
            {
                return _bare;
            }

            var json = new StringBuilder(_prefix, _prefix.Length + (details.Length * 48));
            foreach (var (key, value) in details)
            {
                json.Append(",\"").Append(key).Append("\":");
                Append(json, value);
            }

            return json.Append('}').ToString();
        }

        private static void Append(StringBuilder json, object? value)
        {
            switch (value)
            {
                case null:
                    json.Append("null");
                    break;
                case string text:
                    json.Append('"').Append(JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value).Append('"');
                    break;
                case Guid id:
                    json.Append('"').Append(id.ToString("D")).Append('"');
                    break;
                case bool flag:
                    json.Append(flag ? "true" : "false");
                    break;
                case int number:
                    json.Append(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case long number:
                    json.Append(number.ToString(CultureInfo.InvariantCulture));
                    break;
                case double number when double.IsFinite(number):
                    json.Append(number.ToString("R", CultureInfo.InvariantCulture));
                    break;
                default:
                    json.Append(JsonSerializer.Serialize(value));
                    break;
            }
        }
    }
}
