using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>The suite deletes the throwaway clusters earlier runs left behind, and only those.</summary>
public class PostgresLeftoversTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("leftovers-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Only_clusters_that_no_live_postmaster_holds_and_that_are_quiet_are_deleted()
    {
        var old = DateTime.UtcNow.AddHours(-1);
        var stopped = Cluster("stopped", old, pid: null);
        var crashed = Cluster("crashed", old, pid: int.MaxValue); // a pid file whose process is gone
        var running = Cluster("running", old, pid: Environment.ProcessId);
        var starting = Cluster("starting", DateTime.UtcNow, pid: null);
        var other = Directory.CreateDirectory(Path.Combine(_root, "another-app")).FullName;
        Directory.SetLastWriteTimeUtc(other, old);

        var removed = PostgresServer.RemoveLeftovers(_root, TimeSpan.FromMinutes(10));

        Assert.Equal([crashed, stopped], removed.Order());
        Assert.Equal([other, running, starting], Directory.EnumerateDirectories(_root).Order());
    }

    private string Cluster(string name, DateTime changed, int? pid)
    {
        var directory = Path.Combine(_root, PostgresServer.DirectoryPrefix + name);
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        if (pid is { } id)
        {
            File.WriteAllLines(Path.Combine(directory, "data", "postmaster.pid"), [id.ToString(System.Globalization.CultureInfo.InvariantCulture), "/data"]);
        }

        var log = Path.Combine(directory, "postgres.log");
        File.WriteAllText(log, "LOG: database system is shut down\n");
        File.SetLastWriteTimeUtc(log, changed);
        Directory.SetLastWriteTimeUtc(directory, changed);
        return directory;
    }
}
