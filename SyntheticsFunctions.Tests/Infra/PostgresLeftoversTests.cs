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
        var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        var old = now.AddHours(-1);
        var stopped = Cluster("stopped", old, pid: null);
        var crashed = Cluster("crashed", old, pid: int.MaxValue); // a pid file whose process is gone
        var running = Cluster("running", old, pid: Environment.ProcessId);
        var starting = Cluster("starting", now.AddMinutes(-2), pid: null);
        var other = Directory.CreateDirectory(Path.Combine(_root, "another-app")).FullName;
        Directory.SetLastWriteTimeUtc(other, old);

        var removed = PostgresServer.RemoveLeftovers(_root, now, TimeSpan.FromMinutes(10));

        Assert.Equal([crashed, stopped], removed.Order());
        Assert.Equal([other, running, starting], Directory.EnumerateDirectories(_root).Order());
    }

    [Fact]
    public void The_file_systems_now_is_the_time_a_file_written_now_carries()
    {
        var now = PostgresServer.FileSystemNow(_root);
        var written = Path.Combine(_root, "written");
        File.WriteAllText(written, "");

        Assert.InRange(File.GetLastWriteTimeUtc(written) - now, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal([written], Directory.EnumerateFileSystemEntries(_root));
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
