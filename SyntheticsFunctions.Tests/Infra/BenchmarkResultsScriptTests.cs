using SyntheticsFunctions.Tests.LocalHost;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// <c>scripts/benchmark.sh results</c>, run for real in a copy of the scripts (a git repository of
/// its own), with a stand-in <c>dotnet</c> on PATH that prints what a benchmark section prints: the
/// section's page and RESULTS.md are what the script writes from it.
/// </summary>
public sealed class BenchmarkResultsScriptTests : IDisposable
{
    private static readonly string[] Sections = ["tick", "backfill", "engine", "realism-first", "status", "realism90", "population"];

    private readonly string _clone = Path.Combine(Path.GetTempPath(), "synthetics-bench-" + Guid.NewGuid().ToString("N")[..12]);

    public BenchmarkResultsScriptTests()
    {
        var root = LocalHostTests.RepoRoot();
        Directory.CreateDirectory(Path.Combine(_clone, "scripts", "lib"));
        Directory.CreateDirectory(Path.Combine(_clone, "SyntheticsFunctions.Benchmarks"));
        foreach (var script in new[] { "scripts/benchmark.sh", "scripts/lib/bench-results.sh" })
        {
            File.Copy(Path.Combine(root, script), Path.Combine(_clone, script));
        }

        Git("init", "-q");
        Git("add", ".");
        Git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "scripts");
    }

    private string Results => Path.Combine(_clone, "SyntheticsFunctions.Benchmarks", "RESULTS.md");

    private string Page(string section) => Path.Combine(_clone, "SyntheticsFunctions.Benchmarks", "results", section + ".md");

    [Fact]
    public void A_section_run_writes_its_page_from_what_it_printed_and_results_md_lists_every_section_in_order()
    {
        var result = Run(["results", "population"], exitCode: 0);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("run -c Release --project SyntheticsFunctions.Benchmarks -- population\n", File.ReadAllText(Path.Combine(_clone, "dotnet-calls")));
        var page = File.ReadAllLines(Page("population"));
        Assert.Equal("## Population model at intense, engine only", page[0]);
        Assert.Equal("- **Command:** `scripts/benchmark.sh population` (section `population` of `scripts/benchmark.sh results`)", page[2]);
        Assert.StartsWith($"- **Run:** ", page[3]);
        Assert.Contains($"UTC, commit {Head()}, {Environment.ProcessorCount} cores, load average ", page[3]);
        Assert.Equal(
            ["", "**Population at 10 sessions a minute, seed 11**", "", "| figure | value |", "|---|---|", "| weekly retention | 0.41 |", "",
             "", "<details><summary>Log</summary>", "", "```text", "Population at 10 sessions a minute, seed 11", "sessions a day 14400", "```", "", "</details>"],
            page[4..]);

        var results = File.ReadAllText(Results);
        var headings = results.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Sections.Length, headings.Count);
        Assert.Equal("## Population model at intense, engine only", headings[^1]);
        Assert.Contains(string.Join('\n', page), results);
        foreach (var other in Sections[..^1])
        {
            Assert.Contains($"Not run yet: `scripts/benchmark.sh results {other}`.", results);
        }
    }

    [Fact]
    public void A_failing_section_still_gets_its_page_saying_so_and_the_command_exits_1()
    {
        var result = Run(["results", "population"], exitCode: 3);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Sections that failed (their pages say so): population", result.Error);
        Assert.Contains("- **The command exited with 3:** its figures below are incomplete.", File.ReadAllLines(Page("population")));
        Assert.Contains("## Population model at intense, engine only", File.ReadAllText(Results));
    }

    [Fact]
    public void An_unknown_section_runs_nothing_and_writes_nothing()
    {
        var result = Run(["results", "population,tikc"], exitCode: 0);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Unknown section 'tikc'. Sections: ", result.Error);
        Assert.False(File.Exists(Path.Combine(_clone, "dotnet-calls")), "nothing was run");
        Assert.False(File.Exists(Results));
    }

    [Fact]
    public void Render_rewrites_results_md_from_the_pages_kept_without_running_anything()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Page("tick"))!);
        File.WriteAllText(Page("tick"), "## Cron tick (kept)\n\n| a | b |\n");

        var result = Run(["results", "render"], exitCode: 0);

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(_clone, "dotnet-calls")), "nothing was run");
        var results = File.ReadAllText(Results);
        Assert.Contains("## Cron tick (kept)\n\n| a | b |\n", results);
        Assert.Equal(Sections.Length - 1, results.Split("Not run yet:").Length - 1);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_clone, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    // Runs scripts/benchmark.sh with a stand-in dotnet that records its arguments, prints a section's output and exits with exitCode.
    private ProcessRunner.Result Run(string[] arguments, int exitCode)
    {
        var bin = Path.Combine(_clone, "fake-bin");
        Directory.CreateDirectory(bin);
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet,
            $"""
            #!/usr/bin/env bash
            echo "$*" >> '{Path.Combine(_clone, "dotnet-calls")}'
            echo 'Population at 10 sessions a minute, seed 11'
            echo '| figure | value |'
            echo '|---|---|'
            echo '| weekly retention | 0.41 |'
            echo ''
            echo 'sessions a day 14400'
            exit {exitCode}

            """);
        ProcessRunner.Run("chmod", ["+x", dotnet]);
        return ProcessRunner.Run("bash", ["scripts/benchmark.sh", .. arguments], _clone, new Dictionary<string, string?>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
        });
    }

    private string Head() => Git("rev-parse", "--short", "HEAD").Output.Trim();

    private ProcessRunner.Result Git(params string[] arguments) => ProcessRunner.Run("git", arguments, _clone);
}
