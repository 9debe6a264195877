using System.Security.Cryptography;
using System.Text;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// A migration that ran somewhere is journaled by name, so once on main it is never renamed,
/// renumbered or edited: <c>migrations.lock</c> pins each file's name and hash, and a new
/// migration appends its line after the last.
/// </summary>
public class MigrationLockTests
{
    private const string Append = "append its line: scripts/migration-lock-line.sh SyntheticsFunctions/Storage/Migrations/{0} >> SyntheticsFunctions/Storage/Migrations/migrations.lock";

    private static readonly IReadOnlyList<(string File, string Hash)> Locked = ReadLock();

    [Fact]
    public void Every_locked_migration_is_embedded_with_its_locked_text()
    {
        var embedded = SchemaRelease.Current.Migrations.ToDictionary(m => m.Version + ".sql", m => Hash(m.Contents));

        Assert.NotEmpty(Locked);
        Assert.All(Locked, line =>
        {
            Assert.True(embedded.ContainsKey(line.File), $"{line.File} is locked but not embedded: a migration on main is never renamed, renumbered or deleted.");
            Assert.True(line.Hash == embedded[line.File], $"{line.File} differs from its locked text: a migration on main is never edited; add a new one.");
        });
    }

    [Fact]
    public void Lines_are_in_migration_order_and_a_new_migration_comes_after_the_last()
    {
        var last = Locked[^1].File;
        var unlocked = SchemaRelease.Current.Migrations.Select(m => m.Version + ".sql").Except(Locked.Select(l => l.File)).ToList();

        Assert.Equal(Locked.Select(l => l.File).Order(StringComparer.Ordinal), Locked.Select(l => l.File));
        Assert.Equal(Locked.Count, Locked.Select(l => l.File).Distinct().Count());
        Assert.All(unlocked, file => Assert.True(string.CompareOrdinal(file, last) > 0, $"{file} is numbered before the last locked migration {last}: number it after, then {string.Format(null, Append, file)}"));
        Assert.All(unlocked, file => Assert.Fail($"{file} is not in migrations.lock: {string.Format(null, Append, file)}"));
    }

    [Fact]
    public void The_lock_line_script_writes_the_hash_the_test_compares()
    {
        var first = SchemaRelease.Current.Migrations[0];
        var script = Path.Combine(LocalHostTests.RepoRoot(), "scripts", "migration-lock-line.sh");
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, WorkingDirectory = LocalHostTests.RepoRoot() };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Path.Combine("SyntheticsFunctions", "Storage", "Migrations", first.Version + ".sql"));
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal($"{first.Version}.sql {Hash(first.Contents)}\n", output);
    }

    /// <summary>SHA-256 of the text with LF line endings, so a CRLF checkout hashes the same.</summary>
    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private static List<(string File, string Hash)> ReadLock() =>
    [
        .. File.ReadAllLines(Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions", "Storage", "Migrations", "migrations.lock"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => (p[0], p[1])),
    ];
}
