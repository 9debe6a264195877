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

    /// <summary>Failures before the first success, each trial succeeding with <paramref name="p"/>.</summary>
    public static int Geometric(Random random, double p) =>
        p >= 1 ? 0 : (int)Math.Floor(Math.Log(1.0 - random.NextDouble()) / Math.Log(1.0 - p));

    public static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A log-normal draw with the given median and shape (sigma of the log).</summary>
    public static double LogNormal(Random random, double median, double sigma) => median * Math.Exp(sigma * Normal(random));

    /// <summary>
    /// A right-skewed draw in [min, max]: min plus a log-normal share of the range (its median at
    /// <paramref name="medianShare"/> of the range, shape <paramref name="sigma"/>), truncated at max by
    /// drawing again. Most draws sit in the lower part of the range and a tail reaches max. With the
    /// defaults the mean is about 0.41 of the way from min to max and the median about 0.37.
    /// </summary>
    public static double SkewedBetween(Random random, double min, double max, double medianShare = 0.38, double sigma = 0.6)
    {
        if (max <= min)
        {
            return min;
        }

        for (var attempt = 0; attempt < 32; attempt++)
        {
            var share = LogNormal(random, medianShare, sigma);
            if (share <= 1.0)
            {
                return min + (share * (max - min));
            }
        }

        return max;
    }

    /// <summary>A log-normal draw clipped to [min, max] (for waits with a long tail but a hard bound).</summary>
    public static double LogNormalClipped(Random random, double median, double sigma, double min, double max) =>
        Math.Clamp(LogNormal(random, median, sigma), min, max);

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
