using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Npgsql;

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

    /// <summary>
    /// Runs a call that needs the database and answers 503 problem+json when it cannot be
    /// reached, so dashboards and the Studio can tell "database down" from a bug (500).
    /// </summary>
    public static async Task<IResult> UnlessDatabaseUnreachableAsync(Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "The database is unreachable.", e.Message);
        }
    }
}
