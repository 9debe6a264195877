using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>
/// A real, throwaway Postgres cluster of this machine's binaries on 127.0.0.1 (as the postgres
/// OS user when running as root), or the server named by SYNTHETICS_TEST_POSTGRES. Each test
/// gets databases of its own, so tests never depend on each other's rows.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ConnectionVariable = "SYNTHETICS_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _dataDirectory;

    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private string? _template;

    private PostgresServer(string adminConnectionString, string? directory, int port)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
        _dataDirectory = directory is null ? null : Path.Combine(directory, "data");
        Port = port;
    }

    public string AdminConnectionString { get; }

    public int Port { get; }

    public bool OwnsCluster => _directory is not null;

    /// <param name="ownCluster">Always start a cluster of this test's own, even when a server is given: for tests that stop it.</param>
    public static async Task<PostgresServer> StartAsync(bool ownCluster = false)
    {
        var given = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!ownCluster && !string.IsNullOrWhiteSpace(given))
        {
            return new PostgresServer(given, null, new NpgsqlConnectionStringBuilder(given).Port);
        }

        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:", directory);
        }

        var port = FreePort();
        // A generous connect timeout here too: at the suite's start the long classes open their
        // databases at once, and on a loaded 2-core machine a connection once took over the default 15 s.
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=60", directory, port);
        await RunAsPostgresAsync(Binary("initdb"), "-D", server._dataDirectory!, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        await server.StartClusterAsync();
        return server;
    }

    /// <summary>Starts the cluster (again): for tests that take the database away and bring it back.</summary>
    public Task StartClusterAsync() => RunAsPostgresAsync(
        Binary("pg_ctl"), "-D", _dataDirectory!, "-l", Path.Combine(_directory!, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        "start");

    /// <summary>
    /// Stops the cluster. Fast, not immediate: with synchronous_commit off, an immediate stop can
    /// lose the last commits, and a test that brings the database back expects its rows there.
    /// </summary>
    public Task StopClusterAsync() => RunAsPostgresAsync(Binary("pg_ctl"), "-D", _dataDirectory!, "-m", "fast", "-w", "stop");

    /// <summary>A new empty database; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateFromAsync(null);

    /// <summary>
    /// A new database with the app's migrations applied and nothing seeded: a copy of a template
    /// migrated once per server (<c>CREATE DATABASE … TEMPLATE</c>), so a test starting the app on
    /// it runs no migration, only the seeding its own settings and clock give.
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync() => await CreateFromAsync(await TemplateAsync());

    // Made by the first caller; a failure fails that caller only, and the next one tries again
    // (a cached failed task would fail every test that needs a migrated database).
    private async Task<string> TemplateAsync()
    {
        if (Volatile.Read(ref _template) is { } made)
        {
            return made;
        }

        await _templateLock.WaitAsync();
        try
        {
            return _template ??= await CreateTemplateAsync();
        }
        finally
        {
            _templateLock.Release();
        }
    }

    private async Task<string> CreateFromAsync(string? template)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", connection);
            await command.ExecuteNonQueryAsync();
        }

        // A generous connect timeout: many classes start their apps at once on a 2-core machine.
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, Timeout = 60 }.ConnectionString;
    }

    // Migrated by the app's own migrator with no seeding, then closed to connections so that copies
    // can be made of it at any time.
    private async Task<string> CreateTemplateAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        await using (var app = await TestApp.CreateAsync(connectionString, ensureSchema: false))
        {
            var migrated = await app.Provider.GetRequiredService<SyntheticsFunctions.Storage.SchemaMigrator>().MigrateAsync(afterMigrate: null, CancellationToken.None);
            if (!migrated.Succeeded)
            {
                throw new InvalidOperationException($"The template database did not migrate: {migrated.Failure} {string.Join("; ", migrated.Incompatible)}");
            }
        }

        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var close = new NpgsqlCommand($"ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", connection);
        await close.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>The prefix of each throwaway cluster's directory under the temp directory.</summary>
    public const string DirectoryPrefix = "synthetics-pg-";

    /// <summary>
    /// Deletes the clusters earlier runs left under <paramref name="root"/>: a run's process can be
    /// ended before its exit handler has deleted its cluster (5 GB after the full suite). A directory
    /// goes when no live postmaster holds it (<c>data/postmaster.pid</c>) and neither it nor its log
    /// changed within <paramref name="quiet"/> before <paramref name="now"/> (the file system's time:
    /// <see cref="FileSystemNow"/>), so a run starting or restarting its cluster at the same time
    /// keeps its own. Returns the directories deleted.
    /// </summary>
    public static IReadOnlyList<string> RemoveLeftovers(string root, DateTime now, TimeSpan quiet)
    {
        var removed = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(root, DirectoryPrefix + "*"))
        {
            var log = Path.Combine(directory, "postgres.log");
            var changed = new[] { Directory.GetLastWriteTimeUtc(directory), File.Exists(log) ? File.GetLastWriteTimeUtc(log) : DateTime.MinValue }.Max();
            if (now - changed < quiet || PostmasterAlive(Path.Combine(directory, "data", "postmaster.pid")))
            {
                continue;
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run's, or not ours to delete: left as it is.
            }
        }

        return removed;
    }

    /// <summary>The time by the clock the directories' times come from: a file written in <paramref name="root"/> now.</summary>
    public static DateTime FileSystemNow(string root)
    {
        var marker = Path.Combine(root, DirectoryPrefix + "now-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(marker, "");
        try
        {
            return File.GetLastWriteTimeUtc(marker);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    // The first line of postmaster.pid is the postmaster's process id.
    private static bool PostmasterAlive(string pidFile)
    {
        try
        {
            return File.Exists(pidFile)
                && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)
                && Directory.Exists($"/proc/{pid}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }

        try
        {
            await StopClusterAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a test; the directory still goes.
        }

        Directory.Delete(_directory, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string Binary(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists).OrderDescending().FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException($"Postgres binary {name} not found; install the postgresql package (.ci/run does).");
    }

    private static Task RunAsPostgresAsync(string file, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments]) : RunAsync(file, arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        // Output goes to a file, not a pipe: the server that pg_ctl starts inherits the
        // descriptors and would hold a pipe open for its whole life.
        var outputFile = Path.GetTempFileName();
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = false, RedirectStandardError = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >\"$OUT\" 2>&1 </dev/null");
        start.Environment["OUT"] = outputFile;
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        var output = await File.ReadAllTextAsync(outputFile);
        File.Delete(outputFile);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {output}");
        }
    }
}

/// <summary>
/// The one cluster every database test class shares for the whole test run (a class fixture of
/// each, so classes run in parallel): started on first use, stopped when the run's process exits.
/// Each test takes databases of its own from it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartSharedAsync);

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var temp = Path.GetTempPath();
        PostgresServer.RemoveLeftovers(temp, PostgresServer.FileSystemNow(temp), TimeSpan.FromMinutes(10));
        var server = await PostgresServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}
