using System.Text.Json.Nodes;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.LocalHost;

namespace SyntheticsFunctions.Tests.Functions;

/// <summary>The OpenAPI document against the functions the app declares and the JSON its routes answer.</summary>
public class OpenApiTests
{
    private static readonly JsonObject Document = OpenApi.Document(LocalFunctionsHost.AppAssembly);

    /// <summary>The pinned response shapes of <see cref="ApiContractTests"/>, by the path and method that answered them.</summary>
    private static readonly (string Shape, string Path, string Method)[] Answered =
    [
        ("sim-users", "/api/synthetics/sim-users", "get"),
        ("run", "/api/synthetics/run", "post"),
        ("health", "/api/health", "get"),
        ("status", "/api/synthetics/status", "get"),
        ("settings/schema", "/api/synthetics/settings/schema", "get"),
        ("settings/history", "/api/synthetics/settings/history", "get"),
        ("run-now dry", "/api/synthetics/run-now", "post"),
        ("activity", "/api/synthetics/activity/{hours}", "get"),
        ("sim-users resize", "/api/synthetics/sim-users", "post"),
        ("cleanup", "/api/synthetics/cleanup", "post"),
        ("purge", "/api/synthetics/purge", "post"),
        ("backfill", "/api/synthetics/backfill", "post"),
        ("backfill status", "/api/synthetics/backfill/{id}", "get"),
        ("backfill cancel", "/api/synthetics/backfill/{id}/cancel", "post"),
    ];

    [Fact]
    public void The_document_has_exactly_the_routes_and_methods_the_functions_declare_with_their_key_scheme()
    {
        var functions = FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly).Where(f => f.Http is not null).ToList();
        var declared = functions.SelectMany(f => f.Methods.Select(m => $"{m.ToLowerInvariant()} /api/{f.Route}")).Order();
        var documented = Document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key} {p.Key}")).Order();

        Assert.Equal(declared, documented);
        Assert.Equal("3.0.3", Document["openapi"]!.GetValue<string>());
        foreach (var function in functions)
        {
            var operation = Document["paths"]![$"/api/{function.Route}"]![function.Methods[0].ToLowerInvariant()]!;
            Assert.Equal(function.Http!.AuthLevel != Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous, operation["security"] is not null);
        }
    }

    [Fact]
    public void Every_property_a_route_answered_is_documented_and_every_top_level_property_documented_is_answered()
    {
        foreach (var (shape, path, method) in Answered)
        {
            var observed = ApiContractTests.Expected[shape].Skip(2).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToHashSet();
            var status = ApiContractTests.Expected[shape][0].Split(' ')[0];
            var schema = Document["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;
            var documented = Paths(schema, "$").ToHashSet();

            // A map's keys (rows per table, events per type) are data, documented as additionalProperties.
            var maps = documented.Where(p => p.EndsWith("{}", StringComparison.Ordinal)).Select(p => p[..^2]).ToList();
            var undocumented = observed.Where(o => !documented.Contains(o) && !maps.Any(m => o.StartsWith(m + ".", StringComparison.Ordinal))).ToList();
            Assert.True(undocumented.Count == 0, $"{shape}: not documented: {string.Join(", ", undocumented)}");
            Assert.Equal(
                documented.Where(p => p.Count(c => c == '.') == 1 && !p.Contains('[', StringComparison.Ordinal) && !p.EndsWith("{}", StringComparison.Ordinal)).Order(),
                observed.Where(p => p.Count(c => c == '.') == 1 && !p.Contains('[', StringComparison.Ordinal)).Order());
        }
    }

    [Fact]
    public void The_settings_body_takes_its_ranges_from_the_setting_declarations()
    {
        var body = Document["components"]!["schemas"]![nameof(SettingsRequest)]!["properties"]!.AsObject();

        Assert.Equal(SyntheticsFunctions.Engine.SettingDeclarations.Names, body.Select(p => p.Key));
        Assert.Equal(120, body["sessions_per_min"]!["maximum"]!.GetValue<double>());
        Assert.Equal("boolean", body["enabled"]!["type"]!.GetValue<string>());
    }

    /// <summary>Every JSON path a schema allows, as the contract tests spell them ($.a, $.a.b, $.list[].x); maps and any-values end a path.</summary>
    private static IEnumerable<string> Paths(JsonNode schema, string path)
    {
        if (schema["$ref"] is { } reference)
        {
            schema = Document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                yield return $"{path}.{name}";
                foreach (var nested in Paths(child!, $"{path}.{name}"))
                {
                    yield return nested;
                }
            }
        }
        else if (schema["additionalProperties"] is JsonObject)
        {
            yield return $"{path}{{}}";
        }
        else if (schema["items"] is { } items)
        {
            yield return $"{path}[]";
            foreach (var nested in Paths(items, $"{path}[]"))
            {
                yield return nested;
            }
        }
    }
}
