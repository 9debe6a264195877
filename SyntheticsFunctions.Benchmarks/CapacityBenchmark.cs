using System.Diagnostics;
using System.Globalization;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Benchmarks;

/// <summary>
/// The living population (people who have not churned, what the pool's cap counts) at each
/// preset over a year after a fresh install's steady state, engine only (no database), against
/// the model's own estimate (<see cref="PopulationModel.PeopleNeeded"/>): what sizes the default cap.
///   dotnet run -c Release --project SyntheticsFunctions.Benchmarks -- capacity [days, 365 by default] [seed]
/// </summary>
public static class CapacityBenchmark
{
    private static readonly (string Name, double SessionsPerMin)[] Presets = [("light", 1), ("moderate", 2), ("heavy", 5), ("intense", 10)];

    public static int Run(string[] args)
    {
        var days = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 365;
        var seed = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 11;
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Living people over {days} days after the steady state, seed {seed} (step 10 min)"));
        Console.WriteLine("| preset | sessions a minute | model's estimate | at the start | peak | at the end |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, rate) in Presets)
        {
            var watch = Stopwatch.StartNew();
            var player = new PopulationPlayer(rate, new Random(seed));
            player.WarmUp(start, TimeSpan.FromMinutes(10));
            int Living() => player.Users.Values.Count(u => u.Lifecycle != Lifecycle.Churned);
            var first = Living();
            var peak = first;
            for (var day = 0; day < days; day++)
            {
                player.Play(start.AddDays(day), TimeSpan.FromDays(1), TimeSpan.FromMinutes(10));
                peak = Math.Max(peak, Living());
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate} | {PopulationModel.PeopleNeeded(rate)} | {first} | {peak} | {Living()} | ({watch.Elapsed.TotalSeconds:F0} s)"));
        }

        return 0;
    }
}
