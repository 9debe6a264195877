using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SyntheticsFunctions.Functions;

/// <summary>How the API answers: snake_case JSON (the seed's names) and problem+json for every rejection.</summary>
public static class ApiResults
{
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static IResult Ok(object value) => Results.Json(value, SerializerOptions);

    public static IResult Json(object value, int statusCode) => Results.Json(value, SerializerOptions, statusCode: statusCode);

    /// <summary>400 naming the field, as application/problem+json.</summary>
    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [message] },
            title: "One or more fields are invalid.",
            detail: $"{field}: {message}");

    public static IResult Problem(int statusCode, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: statusCode, title: title, extensions: extensions);
}
