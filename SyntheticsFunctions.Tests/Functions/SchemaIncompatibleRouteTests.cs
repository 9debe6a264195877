using System.Net;
using System.Text;
using System.Text.Json;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Functions;

/// <summary>
/// On a database whose journey tables cannot take the engine's rows, every route that touches the
/// database answers 503 naming the problem (the schema gate's verdict), never 500. Routes come
/// from the functions' attributes, so a new route is covered the day it is added.
/// </summary>
public class SchemaIncompatibleRouteTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Problem = "journey_scene_events.event_payload is missing (expected jsonb)";

    /// <summary>
    /// Routes that never open a connection, so a broken schema cannot reach them: the Studio page
    /// (a static page that talks only to the API), the OpenAPI document (derived from the
    /// attributes) and the settings' schema (the declarations in code).
    /// </summary>
    private static readonly Dictionary<string, string> NoDatabase = new()
    {
        ["GET synthetics/studio"] = "a static page; it calls the API, whose routes answer 503 themselves",
        ["GET synthetics/openapi.json"] = "derived from the functions' attributes",
        ["GET synthetics/settings/schema"] = "derived from SettingDeclarations",
    };

    /// <summary>Health reports the problems in its own documented shape (HealthResponse, pinned by ApiContractTests), with 503.</summary>
    private static readonly HashSet<string> Health = ["GET health", "GET synthetics/health"];

    /// <summary>A body each route accepts, so the request gets past validation to the use case.</summary>
    private static readonly Dictionary<string, string> ValidBodies = new()
    {
        ["POST synthetics/toggle"] = """{"enabled": false}""",
        ["POST synthetics/settings"] = """{"max_per_run": 5}""",
        ["POST synthetics/sim-users"] = """{"pool_size": 10}""",
        ["POST synthetics/purge"] = $$"""{"confirm": "{{CleanupFunctions.PurgeConfirmation}}"}""",
        ["POST synthetics/backfill"] = """{"days": 1}""",
    };

    public static TheoryData<string> EveryHttpRoute =>
    [
        .. from function in FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly)
           where function.Http is not null
           from method in function.Methods
           select $"{method} {function.Route}",
    ];

    [Theory]
    [MemberData(nameof(EveryHttpRoute))]
    public async Task Every_route_that_touches_the_database_answers_503_naming_the_problem(string route)
    {
        var database = await postgres.Server.CreateDatabaseAsync();

        // The journey app's own table, there before the engine, without a column the engine writes.
        await Db.ExecuteAsync(database,
            "CREATE TABLE journey_scene_events (id uuid PRIMARY KEY, instance_id uuid, instance_scene_id uuid, user_id uuid, scene_id uuid, event_type text, created_at timestamptz)");
        await using var host = await LocalHostTests.StartAsync(database, []);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await http.SendAsync(Request(route));
        var contentType = response.Content.Headers.ContentType?.MediaType;
        var text = await response.Content.ReadAsStringAsync();

        if (NoDatabase.TryGetValue(route, out var why))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} needs no database ({why}) but answered {(int)response.StatusCode}: {text}");
            return;
        }

        Assert.Equal((HttpStatusCode.ServiceUnavailable, route), (response.StatusCode, route));
        using var body = JsonDocument.Parse(text);
        if (Health.Contains(route))
        {
            Assert.Equal("application/json", contentType);
            Assert.Equal([Problem], body.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
            return;
        }

        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(ApiResults.SchemaIncompatibleTitle, body.RootElement.GetProperty("title").GetString());
        Assert.Equal(Problem, body.RootElement.GetProperty("detail").GetString());
        Assert.Equal([Problem], body.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void Every_post_route_with_a_required_body_has_a_valid_body_here()
    {
        var posts = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly)
            .Where(f => f.Http is not null && f.Methods.Contains("POST"))
            .Where(f => f.Method.GetCustomAttributes(typeof(ApiBodyAttribute), false).Cast<ApiBodyAttribute>().Any(b => b.Required))
            .Select(f => $"POST {f.Route}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(posts, ValidBodies.Keys.Order(StringComparer.Ordinal));
    }

    private static HttpRequestMessage Request(string route)
    {
        var method = route[..route.IndexOf(' ', StringComparison.Ordinal)];
        var template = route[(method.Length + 1)..];

        // Route values that pass validation: an hour count and a job id (no such job: the gate answers first).
        var path = "/api/" + template.Replace("{hours}", "24", StringComparison.Ordinal).Replace("{id}", "0190c6f2-0000-7000-8000-000000000001", StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("x-functions-key", LocalHostTests.Key);
        if (ValidBodies.TryGetValue(route, out var body))
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }
}
