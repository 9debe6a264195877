using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
    public void Taken_ports_stop_run_local_before_anything_is_built_or_started_naming_both_settings_with_a_free_pair()
    {
        // A second clone on the ports the first one uses: both are held here.
        using var app = Hold();
        using var database = Hold();
        var (appPort, databasePort) = (Port(app), Port(database));
        var freeApp = NextFree(appPort, null);
        var freeDatabase = NextFree(databasePort, freeApp);

        var result = Bash(["scripts/run-local.sh"], new()
        {
            ["SYNTHETICS_PG_PORT"] = Text(databasePort),
            ["LocalHost__Urls"] = $"http://127.0.0.1:{appPort}",
            ["PATH"] = FakeDotnetPath(),
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            $"""
            Port {appPort} (the app, LocalHost__Urls) on 127.0.0.1 is already taken (another program, or another clone's run).
            Port {databasePort} (the embedded Postgres, SYNTHETICS_PG_PORT) on 127.0.0.1 is already taken (another program, or another clone's run).
            Set both to a free pair, e.g.: SYNTHETICS_PG_PORT={freeDatabase} LocalHost__Urls=http://127.0.0.1:{freeApp} scripts/run-local.sh
            or stop what holds the port (in another clone: Ctrl-C in its terminal, then scripts/local-postgres.sh stop if it was kept).

            """,
            result.Error);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(Path.Combine(_clone, ".local", "pg", "data")));
        Assert.False(File.Exists(DotnetCalls), "nothing was built");
    }

    [Fact]
    public void A_taken_app_port_alone_stops_run_local_too()
    {
        using var app = Hold();
        var appPort = Port(app);
        var databasePort = NextFree(appPort + 1000, null);

        var result = Bash(["scripts/run-local.sh"], new()
        {
            ["SYNTHETICS_PG_PORT"] = Text(databasePort),
            ["LocalHost__Urls"] = $"http://127.0.0.1:{appPort}",
            ["PATH"] = FakeDotnetPath(),
        });

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"Port {appPort} (the app, LocalHost__Urls) on 127.0.0.1 is already taken", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SYNTHETICS_PG_PORT) on", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_clone, ".local", "pg", "data")));
        Assert.False(File.Exists(DotnetCalls), "nothing was built");
    }

    [Fact]
    public async Task A_second_start_in_the_same_clone_says_it_is_already_running_and_leaves_the_first_untouched()
    {
        var (appPort, environment) = FreePortsEnvironment();

        using var first = StartBash(["scripts/run-local.sh"], environment, out var firstOutput);
        try
        {
            await Eventually.Until(() => firstOutput.ToString().Contains("stop:     Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

            var second = Bash(["scripts/run-local.sh"], new(environment));

            Assert.Equal(1, second.ExitCode);
            Assert.Equal(
                $"""
                SyntheticsFunctions is already running in this clone (process id {first.Id}, http://127.0.0.1:{appPort}).
                Use that one, or stop it first (Ctrl-C in its terminal, or: kill {first.Id}).

                """,
                second.Error);
            Assert.Equal("", second.Output);
            Assert.False(first.HasExited);
            Assert.Equal(0, Bash(["scripts/local-postgres.sh", "status"], new(environment)).ExitCode);
            Assert.Equal(1, File.ReadAllLines(DotnetCalls).Count(line => line.StartsWith("build", StringComparison.Ordinal)));
        }
        finally
        {
            ProcessRunner.Run("kill", ["-TERM", Text(first.Id)]);
            await first.WaitForExitAsync();
        }

        // The first one stops what it started: its database, and its claim on the clone.
        Assert.NotEqual(0, Bash(["scripts/local-postgres.sh", "status"], new(environment)).ExitCode);
        Assert.False(File.Exists(Path.Combine(_clone, ".local", "run-local.pid")));
    }

    [Fact]
    public async Task A_database_that_was_already_running_is_left_running_when_run_local_stops()
    {
        var (appPort, environment) = FreePortsEnvironment();
        Assert.Equal(0, Bash(["scripts/local-postgres.sh", "start"], new(environment)).ExitCode);
        try
        {
            using var run = StartBash(["scripts/run-local.sh"], environment, out var output);
            await Eventually.Until(() => output.ToString().Contains("stop:     Ctrl-C", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            Assert.Contains("already running before this started, so left running after it stops", output.ToString(), StringComparison.Ordinal);

            ProcessRunner.Run("kill", ["-TERM", Text(run.Id)]);
            await run.WaitForExitAsync();

            Assert.Equal(0, Bash(["scripts/local-postgres.sh", "status"], new(environment)).ExitCode);
        }
        finally
        {
            Bash(["scripts/local-postgres.sh", "stop"], new(environment));
        }
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

    public void Dispose()
    {
        // A cluster a failed test left behind is stopped before its directory goes.
        Bash(["scripts/local-postgres.sh", "stop"], []);
        Directory.Delete(_clone, recursive: true);
    }

    /// <summary>A free pair of ports for the app and the database, as run-local.sh reads them, with the stand-in dotnet first on PATH.</summary>
    private (int AppPort, Dictionary<string, string?> Environment) FreePortsEnvironment()
    {
        var appPort = NextFree(FreePort(), null);
        var databasePort = NextFree(appPort + 1000, appPort);
        return (appPort, new Dictionary<string, string?>
        {
            ["SYNTHETICS_PG_PORT"] = Text(databasePort),
            ["LocalHost__Urls"] = $"http://127.0.0.1:{appPort}",
            ["PATH"] = FakeDotnetPath(),
        });
    }

    private string DotnetCalls => Path.Combine(_clone, "dotnet-calls.txt");

    /// <summary>
    /// A PATH whose first entry is a stand-in for dotnet: "build" is recorded and succeeds at once,
    /// running the host waits until it is stopped. The script itself runs for real.
    /// </summary>
    private string FakeDotnetPath()
    {
        var bin = Path.Combine(_clone, "fake-bin");
        Directory.CreateDirectory(bin);
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, $"#!/usr/bin/env bash\necho \"$*\" >> '{DotnetCalls}'\nif [ \"$1\" = build ]; then exit 0; fi\nexec sleep 600\n");
        ProcessRunner.Run("chmod", ["+x", dotnet]);
        return bin + ":" + Environment.GetEnvironmentVariable("PATH");
    }

    private Process StartBash(string[] arguments, Dictionary<string, string?> environment, out StringBuilder output)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in ScrubbedSettings)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var lines = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (lines) { lines.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    private static readonly string[] ScrubbedSettings = ["ConnectionStrings__Synthetics", "SYNTHETICS_PG_PORT", "LocalHost__Urls", "LocalHost__FunctionKey", "Synthetics__Schema"];

    private static TcpListener Hold()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static int FreePort()
    {
        using var listener = Hold();
        return Port(listener);
    }

    /// <summary>The first port after <paramref name="port"/> nothing listens on, other than <paramref name="other"/> (the script's own rule).</summary>
    private static int NextFree(int port, int? other)
    {
        var next = port + 1;
        while (Listening(next) || next == other)
        {
            next++;
        }

        return next;
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ProcessRunner.Result Bash(string[] arguments, Dictionary<string, string?> environment)
    {
        // Nothing of the caller's own settings leaks in unless a test sets it.
        foreach (var name in ScrubbedSettings)
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
