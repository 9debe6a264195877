using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.LocalHost;

/// <summary>SyntheticsFunctions/SyntheticsFunctions.http: it covers every route, and each of its requests works as written.</summary>
public partial class HttpFileTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly string FilePath = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions", "SyntheticsFunctions.http");

    [Fact]
    public void Every_http_function_has_a_request_with_its_method_and_the_key_where_one_is_needed()
    {
        var requests = Parse(File.ReadAllText(FilePath)).Requests;

        foreach (var function in FunctionCatalog.Discover(LocalFunctionsHost.AppAssembly).Where(f => f.Http is not null))
        {
            var route = new Regex("^api/" + RouteValue().Replace(Regex.Escape(function.Route!), "[^/?]+") + @"(\?.*)?$");
            var matching = requests.Where(r => function.Methods.Contains(r.Method) && route.IsMatch(r.Path)).ToList();
            Assert.True(matching.Count > 0, $"{function.Name}: no request for {string.Join("/", function.Methods)} api/{function.Route}");
            var anonymous = function.Http!.AuthLevel == Microsoft.Azure.Functions.Worker.AuthorizationLevel.Anonymous;
            Assert.All(matching, r => Assert.Equal(!anonymous, r.Headers.Contains(("x-functions-key", "{{key}}"))));
        }
    }

    [Fact]
    public async Task Each_request_sent_in_order_to_the_local_host_with_its_key_answers_2xx()
    {
        var (variables, requests) = Parse(File.ReadAllText(FilePath));
        await using var host = await LocalHostTests.StartAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new() { ["AzureWebJobs.SyntheticsCron.Disabled"] = "true", ["AzureWebJobs.SyntheticsBackfill.Disabled"] = "true" });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Equal("http://127.0.0.1:7071", variables["base"]);
        Assert.Equal("local-dev-key", variables["key"]);
        var answers = new List<string>();
        var named = new Dictionary<string, System.Text.Json.JsonElement>();
        foreach (var request in requests)
        {
            // REST Client's named responses: {{name.response.body.$.field}}.
            var path = ResponseValue().Replace(request.Path, m => named[m.Groups[1].Value].GetProperty(m.Groups[2].Value).ToString());
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), "/" + path);
            foreach (var (name, value) in request.Headers.Where(h => !h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            {
                message.Headers.Add(name, value.Replace("{{key}}", LocalHostTests.Key, StringComparison.Ordinal));
            }

            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(message);
            answers.Add($"{request.Method} {request.Path} {(int)response.StatusCode}");
            if (request.Name is { } responseName)
            {
                named[responseName] = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            }
        }

        Assert.All(answers, a => Assert.Matches(" 2[0-9][0-9]$", a));
        Assert.Equal(23, answers.Count);

        // The file leaves the engine writing: resumed, with people, and cron ticks that start sessions.
        var database = host.App.Configuration["ConnectionStrings:Synthetics"]!;
        Assert.True(await Db.ScalarAsync(database, "SELECT count(*) FROM synthetic_pool WHERE retired_at IS NULL") > 0, "the pool is empty after the file");
        await using var app = await host.PastAppAsync(TimeSpan.Zero);
        // Six hours of ticks: the volume a 200-person pool carries at the defaults (it gives way
        // in proportion to the people the settings need), within a wide factor.
        var expected = PoolCapacity.For(EngineSettings.Defaults, 200, growable: true).ExpectedSessionsPerMin * 360;
        long started = 0;
        for (var tick = 0; tick < 72; tick++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(5));
            var outcome = await app.RunAsync(SyntheticsFunctions.Engine.RunTrigger.Cron);
            started += outcome.Result?.SessionsStarted ?? 0;
        }

        Assert.InRange(started, Math.Max(1, expected / 4), expected * 4);
        var health = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public void Destructive_requests_come_last_and_are_marked()
    {
        var text = File.ReadAllText(FilePath);
        var requests = Parse(text).Requests;
        var titles = text.Split("###").Skip(1).Select(b => b.Split('\n')[0].Trim()).Where(t => t.Length > 0).ToList();
        var destructive = titles.Select((title, index) => (title, index)).Where(t => t.title.StartsWith("DESTRUCTIVE:", StringComparison.Ordinal)).Select(t => t.index).ToList();

        // Purge and shrinking the pool, and nothing else, are marked; after them only read-only requests.
        Assert.Equal(2, destructive.Count);
        Assert.Contains(requests, r => r.Path == "api/synthetics/purge");
        Assert.All(titles.Skip(destructive.Min()).Where(t => !t.StartsWith("DESTRUCTIVE:", StringComparison.Ordinal)), t => Assert.Matches("^(Resume|The Studio|The OpenAPI|Health|Status|Sim users)", t));
    }

    internal sealed record HttpFileRequest(string Method, string Path, List<(string Name, string Value)> Headers, string? Body, string? Name = null);

    /// <summary>The file's variables and its requests (method, path after {{base}}/, headers, body), separated by ###.</summary>
    internal static (Dictionary<string, string> Variables, List<HttpFileRequest> Requests) Parse(string text)
    {
        var variables = new Dictionary<string, string>();
        var requests = new List<HttpFileRequest>();
        foreach (var block in text.Split("###"))
        {
            var lines = block.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            foreach (var line in lines.Where(l => l.StartsWith('@')))
            {
                var parts = line[1..].Split('=', 2);
                variables[parts[0].Trim()] = parts[1].Trim();
            }

            var start = lines.FindIndex(l => RequestLine().IsMatch(l));
            if (start < 0)
            {
                continue;
            }

            var match = RequestLine().Match(lines[start]);
            var headers = new List<(string, string)>();
            var i = start + 1;
            for (; i < lines.Count && lines[i].Length > 0; i++)
            {
                var parts = lines[i].Split(':', 2);
                headers.Add((parts[0].Trim(), parts[1].Trim()));
            }

            var body = string.Join("\n", lines.Skip(i).Where(l => !l.StartsWith('#'))).Trim();
            var name = lines.Take(start).Select(l => NameLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            requests.Add(new HttpFileRequest(match.Groups[1].Value, match.Groups[2].Value, headers, body.Length == 0 ? null : body, name));
        }

        return (variables, requests);
    }

    [GeneratedRegex(@"^(GET|POST) \{\{base\}\}/(\S+)$")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\\\{[^}]+}")]
    private static partial Regex RouteValue();

    [GeneratedRegex(@"^# @name (\w+)$")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"\{\{(\w+)\.response\.body\.\$\.(\w+)\}\}")]
    private static partial Regex ResponseValue();
}
