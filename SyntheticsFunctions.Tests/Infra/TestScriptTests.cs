using SyntheticsFunctions.Tests.LocalHost;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// scripts/test.sh (the README's test command, which CI runs), run for real in a copy with a
/// stand-in dotnet first on PATH: whatever the tests print passes through, and a failed run ends
/// by naming its failed tests again, so a log read from its tail names them.
/// </summary>
public sealed class TestScriptTests : IDisposable
{
    private readonly string _clone = Path.Combine(Path.GetTempPath(), "synthetics-test-script-" + Guid.NewGuid().ToString("N")[..12]);

    private const string FailedBlock =
        """
          Failed SyntheticsFunctions.Tests.Some.Class.A_test_that_failed [3 s]
          Error Message:
           Assert.Equal() Failure: Values differ
        Expected: 1
        Actual:   2
        """;

    public TestScriptTests()
    {
        Directory.CreateDirectory(Path.Combine(_clone, "scripts"));
        Directory.CreateDirectory(Path.Combine(_clone, "fake-bin"));
        File.Copy(Path.Combine(LocalHostTests.RepoRoot(), "scripts", "test.sh"), Path.Combine(_clone, "scripts", "test.sh"));
    }

    [Fact]
    public void A_failed_run_exits_with_the_tests_status_and_names_its_failed_tests_again_at_the_end()
    {
        var result = Run(exitCode: 1, printed: $"  Passed A.First [1 s]\n{FailedBlock}\n  Passed A.Last [2 s]\nFailed!  - Failed:     1, Passed:     2");

        Assert.Equal(1, result.ExitCode);
        var again = result.Output.Split("=== The failed tests again (first 200 lines) ===\n");
        Assert.Equal(2, again.Length);
        Assert.StartsWith(FailedBlock, again[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Passed A.First", again[1], StringComparison.Ordinal);
        Assert.Contains("Passed A.Last", again[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_passing_run_exits_0_with_what_the_tests_printed_and_nothing_more()
    {
        var result = Run(exitCode: 0, printed: "  Passed A.First [1 s]\nPassed!  - Failed:     0, Passed:     1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("  Passed A.First [1 s]\nPassed!  - Failed:     0, Passed:     1\n", result.Output);
    }

    public void Dispose() => Directory.Delete(_clone, recursive: true);

    /// <summary>Runs the script with a dotnet that restores tools at once and, for <c>test</c>, prints <paramref name="printed"/> and exits <paramref name="exitCode"/>.</summary>
    private ProcessRunner.Result Run(int exitCode, string printed)
    {
        var printedFile = Path.Combine(_clone, "printed.txt");
        File.WriteAllText(printedFile, printed + "\n");
        var dotnet = Path.Combine(_clone, "fake-bin", "dotnet");
        File.WriteAllText(dotnet, $"#!/usr/bin/env bash\nif [ \"$1\" = test ]; then cat '{printedFile}'; exit {exitCode}; fi\nexit 0\n");
        ProcessRunner.Run("chmod", ["+x", dotnet]);
        return ProcessRunner.Run(
            "bash", [Path.Combine(_clone, "scripts", "test.sh")], _clone,
            new Dictionary<string, string?> { ["PATH"] = Path.Combine(_clone, "fake-bin") + ":" + Environment.GetEnvironmentVariable("PATH") });
    }
}
