using System.Text.RegularExpressions;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// No test reads the wall clock: each sets the clock it needs (a fake time, <c>TestApp.DefaultNow</c>
/// by default), asks a running app for its own, or waits with a stopwatch, so a result does not
/// depend on the time of day the suite runs.
/// </summary>
public partial class WallClockTests
{
    [Fact]
    public void No_test_source_reads_the_wall_clock()
    {
        var root = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions.Tests");
        var readers = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => WallClock().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(readers.Count == 0, "Tests reading the wall clock:\n" + string.Join('\n', readers));
    }

    // The static clocks of DateTime, DateTimeOffset and TimeProvider (the pattern is split so this file does not match itself).
    [GeneratedRegex(@"\b(DateTime|DateTimeOffset)\.(Utc" + "Now|Now|Today)\\b|TimeProvider\\.Sys" + "tem\\b")]
    private static partial Regex WallClock();
}
