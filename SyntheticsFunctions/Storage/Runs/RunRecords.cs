using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>What the caller asks of one run; a dry run plans and claims as a real run would, then rolls back.</summary>
public sealed record RunRequest(RunTrigger Trigger, Guid RunId, long Seed, DateTimeOffset Now, int Target, bool DryRun = false);

/// <summary>The outcome of one committed run (or of one that was skipped).</summary>
public sealed record RunResult(
    Guid RunId,
    RunTrigger Trigger,
    RunSkip Skipped,
    long Seed,
    int SessionsRequested,
    int SessionsStarted,
    int SessionsContinued,
    IReadOnlyDictionary<string, int> RowsPerTable)
{
    public int TotalRows => RowsPerTable.Values.Sum();

    /// <summary>True when a retry found that this run had already committed (its commit's answer was lost); the counts are its committed row's.</summary>
    public bool AlreadyCommitted { get; init; }

    public static RunResult Skip(RunRequest request, RunSkip reason) =>
        new(request.RunId, request.Trigger, reason, request.Seed, 0, 0, 0, new Dictionary<string, int>());

    public static RunResult Planned(RunRequest request, RunOutput output, IReadOnlyDictionary<string, int> rows) =>
        new(request.RunId, request.Trigger, RunSkip.None, request.Seed, output.SessionsRequested, output.SessionsStarted, output.SessionsContinued, rows);
}

/// <summary>What storage loaded for one run: the engine's input, why the run is skipped, or the run's own committed row.</summary>
public sealed record LoadedRun(RunSkip Skip, RunInput? Input, RunResult? Committed = null);
