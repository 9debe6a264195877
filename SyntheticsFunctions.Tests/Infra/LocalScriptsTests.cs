using System.Net;
using System.Net.Sockets;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// scripts/run-local.sh and scripts/local-postgres.sh, run for real in a copy of the repository's
/// scripts (a second clone), so the repository's own .local cluster is never touched.
/// </summary>
public sealed class LocalScriptsTests : IDisposable
{
    private readonly string _clone = Path.Combine(Path.GetTempPath(), "synthetics-clone-" + Guid.NewGuid().ToString("N")[..12]);

    public LocalScriptsTests()
    {
        var root = LocalHostTests.RepoRoot();
        Directory.CreateDirectory(Path.Combine(_clone, "scripts", "lib"));
        foreach (var script in new[] { "scripts/run-local.sh", "scripts/local-postgres.sh", "scripts/lib/local-run.sh", "local.settings.sample.json" })
        {
            File.Copy(Path.Combine(root, script), Path.Combine(_clone, script));
        }
    }

    [Fact]
    public void A_taken_port_stops_run_local_before_anything_starts_naming_the_port_and_the_setting_to_change()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var suggestion = port + 1;
        while (Listening(suggestion))
        {
            suggestion++;
        }

        var result = Bash(["scripts/run-local.sh"], new() { ["SYNTHETICS_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"""
            Port {port} on 127.0.0.1 is already taken (another program, or the embedded Postgres of another clone), so the embedded Postgres cannot start on it.
            Set SYNTHETICS_PG_PORT to a free port, e.g.: SYNTHETICS_PG_PORT={suggestion} scripts/run-local.sh
            or stop what holds port {port} (in another clone: scripts/local-postgres.sh stop).

            """,
            result.Error);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(Path.Combine(_clone, ".local", "pg", "data")));
    }

    [Fact]
    public void The_printed_lines_follow_the_embedded_default_from_local_settings()
    {
        File.Copy(Path.Combine(_clone, "local.settings.sample.json"), Path.Combine(_clone, "local.settings.json"));

        var result = Bash(
            ["-c", "source scripts/lib/local-run.sh && print_local_host_lines 'the database line'"],
            new() { ["ConnectionStrings__Synthetics"] = "Host=127.0.0.1;Port=54329;Database=synthetics;Username=postgres" });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            Local host mode (func not found): http://127.0.0.1:7071
              Studio:   http://127.0.0.1:7071/api/synthetics/studio   (function key: local-dev-key)
              health:   curl http://127.0.0.1:7071/api/health
              run now:  curl -X POST -H 'x-functions-key: local-dev-key' 'http://127.0.0.1:7071/api/synthetics/run?target=5'
              events:   psql -h 127.0.0.1 -p 54329 -U postgres synthetics -c "SELECT event_type, count(*) FROM journey_scene_events GROUP BY 1"
              database: the database line
              stop:     Ctrl-C

            """,
            result.Output);
    }

    [Fact]
    public void The_printed_lines_follow_a_custom_connection_string_key_urls_and_schema_from_the_environment()
    {
        File.Copy(Path.Combine(_clone, "local.settings.sample.json"), Path.Combine(_clone, "local.settings.json"));

        var result = Bash(
            ["-c", "source scripts/lib/local-run.sh && print_local_host_lines 'the database line'"],
            new()
            {
                ["ConnectionStrings__Synthetics"] = "Server=db.example.test; Port=6432;Database=journeys;User ID=svc;Password=secret;SSL Mode=VerifyFull",
                ["LocalHost__Urls"] = "http://127.0.0.1:7300/;http://127.0.0.1:7301",
                ["LocalHost__FunctionKey"] = "",
                ["Synthetics__Schema"] = "synth",
            });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """
            Local host mode (func not found): http://127.0.0.1:7300
              Studio:   http://127.0.0.1:7300/api/synthetics/studio   (function key: none needed)
              health:   curl http://127.0.0.1:7300/api/health
              run now:  curl -X POST 'http://127.0.0.1:7300/api/synthetics/run?target=5'
              events:   PGSSLMODE=verify-full PGOPTIONS='-c search_path=synth' psql -h db.example.test -p 6432 -U svc journeys -W -c "SELECT event_type, count(*) FROM journey_scene_events GROUP BY 1"
              database: the database line
              stop:     Ctrl-C

            """,
            result.Output);
        Assert.DoesNotContain("secret", result.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    private ProcessRunner.Result Bash(string[] arguments, Dictionary<string, string?> environment)
    {
        // Nothing of the caller's own settings leaks in unless a test sets it.
        foreach (var name in new[] { "ConnectionStrings__Synthetics", "SYNTHETICS_PG_PORT", "LocalHost__Urls", "LocalHost__FunctionKey", "Synthetics__Schema" })
        {
            environment.TryAdd(name, null);
        }

        return ProcessRunner.Run("bash", arguments, _clone, environment);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
