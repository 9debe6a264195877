namespace SyntheticsFunctions.Engine;

/// <summary>Random draws the engine needs, all from a caller's seeded <see cref="Random"/>.</summary>
public static class Sampling
{
    /// <summary>A Poisson draw: Knuth's method for small means, a rounded normal above 30 where it is accurate enough.</summary>
    public static int Poisson(double mean, Random random)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * normal)));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }

    /// <summary>
    /// Picks <paramref name="count"/> distinct items with probability proportional to weight
    /// (Efraimidis-Spirakis: the largest keys u^(1/w)).
    /// </summary>
    public static List<T> WeightedWithoutReplacement<T>(IReadOnlyList<T> items, Func<T, double> weight, int count, Random random)
    {
        return [.. items
            .Select(item => (item, key: Math.Pow(random.NextDouble(), 1.0 / Math.Max(weight(item), 1e-9))))
            .OrderByDescending(x => x.key)
            .Take(count)
            .Select(x => x.item)];
    }

    public static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
