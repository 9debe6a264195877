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

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    /// <summary>A log-normal draw with the given log-median and log-sigma.</summary>
    public static double LogNormal(Random random, double mu, double sigma) => Math.Exp(mu + (sigma * Normal(random)));

    /// <summary>Failures before the first success, each trial succeeding with <paramref name="p"/>.</summary>
    public static int Geometric(Random random, double p) =>
        p >= 1 ? 0 : (int)Math.Floor(Math.Log(1.0 - random.NextDouble()) / Math.Log(1.0 - p));

    public static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
