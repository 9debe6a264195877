using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyntheticsFunctions.Functions;

/// <summary>How the API answers: snake_case JSON (the seed's names) and problem+json for every rejection.</summary>
public static class ApiResults
{
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static IResult Ok(object value) => new LineTerminated(Results.Json(value, SerializerOptions));

    public static IResult Json(object value, int statusCode) => new LineTerminated(Results.Json(value, SerializerOptions, statusCode: statusCode));

    /// <summary>400 naming the field, as application/problem+json.</summary>
    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>400 naming each field with its message, as application/problem+json.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors) =>
        new LineTerminated(Results.ValidationProblem(
            errors,
            title: "One or more fields are invalid.",
            detail: string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}"))));

    public static IResult Problem(int statusCode, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        new LineTerminated(Results.Problem(detail: detail, statusCode: statusCode, title: title, extensions: extensions));

    /// <summary>
    /// A JSON answer followed by a newline, so a body printed by curl or written to a file ends its
    /// line. The status code is the inner result's.
    /// </summary>
    private sealed class LineTerminated(IResult inner) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await inner.ExecuteAsync(httpContext);
            await httpContext.Response.WriteAsync("\n", httpContext.RequestAborted);
        }
    }

    /// <summary>The one answer when storage fails or times out; the detail goes to the logs under the correlation id.</summary>
    public const string DatabaseUnavailable = Service.StatusService.DatabaseUnreachable;

    /// <summary>The one answer to a bug; the detail goes to the logs under the correlation id.</summary>
    public const string InternalError = "An internal error occurred.";

    /// <summary>The title of the 503 every route answers while the schema is incompatible.</summary>
    public const string SchemaIncompatibleTitle = "The schema is incompatible.";

    /// <summary>
    /// 503 problem+json naming each schema problem (in the detail and as <c>problems</c>), as
    /// health lists them. The problems are the schema's, written for the database's owner; they
    /// are the one failure text a caller sees.
    /// </summary>
    public static IResult SchemaIncompatible(IReadOnlyList<string> problems) =>
        Problem(StatusCodes.Status503ServiceUnavailable, SchemaIncompatibleTitle, string.Join("; ", problems),
            new Dictionary<string, object?> { ["problems"] = problems });

    /// <summary>
    /// Runs a call that needs the database. A schema the use case refused (the schema gate's
    /// verdict) answers 503 naming its problems. Storage failures and timeouts answer 503
    /// problem+json with a fixed message and the correlation id; anything else is a bug and
    /// answers 500 with a fixed message and the correlation id. The exception itself goes to the logs only.
    /// </summary>
    public static async Task<IResult> GuardAsync(HttpRequest request, Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (Service.SchemaIncompatibleException e)
        {
            return SchemaIncompatible(e.Problems);
        }
        catch (Exception e) when (e is not OperationCanceledException || !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var correlationId = CorrelationId(request);
            var logger = request.HttpContext.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ApiResults));
            var unavailable = Storage.StorageFailures.IsUnavailable(e);
            logger?.LogError(e, "{Method} {Path} failed ({Category}); correlation id {CorrelationId}",
                request.Method, request.Path.Value, unavailable ? "database_unavailable" : "internal_error", correlationId);
            return unavailable ? Unavailable(correlationId) : Internal(correlationId);
        }
    }

    public static IResult Unavailable(string correlationId, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status503ServiceUnavailable, DatabaseUnavailable, null, WithCorrelation(correlationId, extensions));

    public static IResult Internal(string correlationId, IDictionary<string, object?>? extensions = null) =>
        Problem(StatusCodes.Status500InternalServerError, InternalError, null, WithCorrelation(correlationId, extensions));

    /// <summary>The request's trace id (W3C) when tracing runs, else the host's request id.</summary>
    public static string CorrelationId(HttpRequest request) =>
        System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? request.HttpContext.TraceIdentifier;

    private static Dictionary<string, object?> WithCorrelation(string correlationId, IDictionary<string, object?>? extensions)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["correlation_id"] = correlationId };
        return all;
    }
}
