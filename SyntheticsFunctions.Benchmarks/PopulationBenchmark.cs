using System.Diagnostics;
using System.Globalization;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Benchmarks;

/// <summary>
/// The population model at a preset, engine only (no database): a fresh install's steady state,
/// then 70 simulated days of one-minute ticks, measured over days 15-70 with the realism check's
/// own definitions (<see cref="RealismFigures"/>), as <c>PopulationTests</c> does at moderate.
///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- population [sessions per minute, 10 = intense] [seed]
/// </summary>
public static class PopulationBenchmark
{
    public static int Run(string[] args)
    {
        var sessionsPerMin = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        var watch = Stopwatch.StartNew();
        var player = new PopulationPlayer(sessionsPerMin, new Random(seed)) { RecordSessions = true };
        player.WarmUp(start, TimeSpan.FromMinutes(5));
        player.Sessions.Clear();
        player.Play(start, TimeSpan.FromDays(70), TimeSpan.FromMinutes(1));

        var report = RealismFigures.Compute(new RealismFacts(
            start.AddDays(15), start.AddDays(70),
            [.. player.Sessions.Select(s => new SessionFact(s.User, s.At))],
            player.Users.ToDictionary(u => u.Key, u => new UserFact(u.Value.SignupAt, u.Value.Timezone))));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Population at {sessionsPerMin} sessions a minute, seed {seed}: 70 days after the steady state, figures over days 15-70 ({watch.Elapsed.TotalSeconds:F0} s)"));
        Console.WriteLine("| figure | value | target | verdict | n |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var f in report.Figures.Where(f => f.Verdict != Verdicts.NotEnoughData))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value:0.###} | {f.Target} | {f.Verdict} | {f.N} |"));
        }

        var perDay = player.Sessions.Count(s => s.At >= start.AddDays(15)) / 55.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sessions a day {perDay:F0} (configured {sessionsPerMin * 1440:F0}); users at the end {player.Users.Values.Count(u => u.Lifecycle != Lifecycle.Churned)}"));
        return 0;
    }
}
