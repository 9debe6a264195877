using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SyntheticsFunctions.Functions;

/// <summary>
/// Strict JSON bodies: <c>application/json</c> only (415), at most <see cref="MaxBytes"/> (413),
/// one JSON object with no duplicate key, comment or trailing text (400). Values are taken as
/// they are typed: a number sent as a string is refused, never coerced.
/// </summary>
public static class JsonRequest
{
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    /// <summary>The body's object, an empty object when there is no body and none is required, or the rejection to return.</summary>
    public static async Task<(JsonElement Body, IResult? Rejection)> ReadObjectAsync(HttpRequest request, bool required, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (default, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
            {
                return (default, TooLarge());
            }
        }

        if (buffer.Length == 0 && !required && string.IsNullOrEmpty(request.ContentType))
        {
            return (EmptyObject(), null);
        }

        if (!IsJson(request.ContentType))
        {
            return (default, ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "The body must be application/json.", $"Content-Type was '{request.ContentType}'."));
        }

        if (buffer.Length == 0)
        {
            return required
                ? (default, ApiResults.Invalid("body", "A JSON object is required."))
                : (EmptyObject(), null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (default, ApiResults.Invalid("body", "The body must be a JSON object."));
            }

            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, ApiResults.Invalid("body", "Malformed JSON: " + e.Message));
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static IResult TooLarge() =>
        ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body is too large.", $"At most {MaxBytes} bytes.");

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}

/// <summary>Reads typed fields of a JSON object, collecting one error per field; unknown fields are errors too.</summary>
public sealed class BodyFields(JsonElement body)
{
    private readonly Dictionary<string, string[]> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IResult Rejection() => ApiResults.Invalid(_errors);

    public void Fail(string field, string message) => _errors[field] = [message];

    public void RejectUnknown(params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Fail(property.Name, $"Unknown field. Known fields: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="text"/> is a plain integer, ASCII digits only (no sign, space,
    /// separator or decimal point), as every integer in a query or route is written; false for
    /// null or empty text and for a value beyond <see cref="int"/>.
    /// </summary>
    public static bool TryPlainInteger(string? text, out int value)
    {
        value = 0;
        return !string.IsNullOrEmpty(text) && text.All(char.IsAsciiDigit) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A query integer whose range depends on a setting, checked later against the range in force:
    /// null when absent; any value that is not one integer reads as 0, outside every such range,
    /// so the caller's one message (naming the range in force) answers it.
    /// </summary>
    public static int? QueryIntegerInRangeInForce(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 && TryPlainInteger(values[0], out var value) ? value : 0;
    }

    /// <summary>An optional query parameter: absent gives <paramref name="fallback"/>; anything but one integer in range is an error.</summary>
    public int QueryInteger(IQueryCollection query, string name, int fallback, int min, int max)
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return fallback;
        }

        if (values.Count == 1 && TryPlainInteger(values[0], out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(name, $"{name} must be an integer from {min} to {max}.");
        return fallback;
    }

    public bool? Bool(string field, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Fail(field, "Must be true or false.");
        return null;
    }

    /// <summary>An optional setting, read and range-checked as its declaration says; null when absent or invalid.</summary>
    public object? Setting(Engine.SettingDeclaration setting)
    {
        if (!body.TryGetProperty(setting.Name, out var value))
        {
            return null;
        }

        object? accepted = setting.Kind switch
        {
            Engine.SettingKind.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
            Engine.SettingKind.Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var integer) && integer >= setting.Min && integer <= setting.Max => integer,
            Engine.SettingKind.Number when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) && number >= setting.Min && number <= setting.Max => number,
            _ => null,
        };
        if (accepted is null)
        {
            Fail(setting.Name, setting.RangeMessage);
        }

        return accepted;
    }

    /// <summary>
    /// An optional setting from the query string, read and range-checked as its declaration says
    /// (<c>true</c>/<c>false</c>, an integer, or a number with a dot): null when absent or invalid,
    /// with the declaration's own message.
    /// </summary>
    public object? QuerySetting(IQueryCollection query, Engine.SettingDeclaration setting)
    {
        var values = query[setting.Name];
        if (values.Count == 0)
        {
            return null;
        }

        var text = values.Count == 1 ? values[0] ?? "" : "";
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        object? accepted = setting.Kind switch
        {
            Engine.SettingKind.Boolean when text is "true" or "false" => text == "true",
            Engine.SettingKind.Integer when TryPlainInteger(text, out var integer) && integer >= setting.Min && integer <= setting.Max => integer,
            Engine.SettingKind.Number when double.TryParse(text, System.Globalization.NumberStyles.Float, invariant, out var number) && double.IsFinite(number) && number >= setting.Min && number <= setting.Max => number,
            _ => null,
        };
        if (accepted is null)
        {
            Fail(setting.Name, setting.RangeMessage);
        }

        return accepted;
    }

    /// <summary>Fails each query parameter not in <paramref name="known"/> (<c>code</c>, the function key's, is always known).</summary>
    public void RejectUnknownQuery(IQueryCollection query, params string[] known)
    {
        foreach (var name in query.Keys)
        {
            if (name != "code" && !known.Contains(name, StringComparer.Ordinal))
            {
                Fail(name, $"Unknown parameter. Known parameters: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>
    /// A body integer whose range depends on a setting, checked later against the range in force
    /// (see <see cref="QueryIntegerInRangeInForce"/>): any value that is not an integer reads as 0.
    /// </summary>
    public int? IntegerInRangeInForce(string field, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;
    }

    public int? Integer(string field, int min, int max, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        Fail(field, $"Must be an integer from {min} to {max}.");
        return null;
    }

    public string? Text(string field, bool required = false)
    {
        if (!body.TryGetProperty(field, out var value))
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        Fail(field, "Must be a string.");
        return null;
    }
}
