namespace SyntheticsFunctions.Engine;

/// <summary>A market region: where in the world a share of the journey app's users live.</summary>
public enum MarketRegion
{
    NorthAmerica,
    Europe,
    LatinAmerica,
    AsiaPacific,
    MiddleEastAfrica,
}

/// <summary>One time zone of the market mix: its IANA id, its region, and its weight in the global mix (per mille of all users).</summary>
public sealed record MarketZone(string Timezone, MarketRegion Region, int PerMille);

/// <summary>
/// Where new sim users live: the time zones of the journey app's market, each with its weight, and
/// the region mixes (setting <c>Synthetics__RegionMix</c>) that draw new users from all of them
/// (<see cref="RegionMix.Global"/>, the default) or from one region at its own zones' weights.
/// Declared once here: the population model, the seeder and the pool's SQL all draw from
/// <see cref="RegionMix.Ballot"/> or <see cref="RegionMix.SignupTimezone"/>; docs/realism.md
/// lists the zones and their weights.
/// </summary>
public static class Markets
{
    /// <summary>
    /// The global market mix, per mille: North America 400, Europe 300, Asia-Pacific 170, Latin
    /// America 80, Middle East and Africa 50 (an English-first behaviour-change app's users),
    /// split over each region's main zones by population and smartphone reach.
    /// </summary>
    public static IReadOnlyList<MarketZone> Zones { get; } =
    [
        new("America/New_York", MarketRegion.NorthAmerica, 140),
        new("America/Chicago", MarketRegion.NorthAmerica, 85),
        new("America/Los_Angeles", MarketRegion.NorthAmerica, 75),
        new("America/Toronto", MarketRegion.NorthAmerica, 35),
        new("America/Denver", MarketRegion.NorthAmerica, 25),
        new("America/Vancouver", MarketRegion.NorthAmerica, 13),
        new("America/Phoenix", MarketRegion.NorthAmerica, 12),
        new("America/Halifax", MarketRegion.NorthAmerica, 5),
        new("America/Anchorage", MarketRegion.NorthAmerica, 5),
        new("Pacific/Honolulu", MarketRegion.NorthAmerica, 5),

        new("Europe/London", MarketRegion.Europe, 90),
        new("Europe/Berlin", MarketRegion.Europe, 55),
        new("Europe/Paris", MarketRegion.Europe, 40),
        new("Europe/Madrid", MarketRegion.Europe, 25),
        new("Europe/Rome", MarketRegion.Europe, 20),
        new("Europe/Dublin", MarketRegion.Europe, 15),
        new("Europe/Amsterdam", MarketRegion.Europe, 15),
        new("Europe/Warsaw", MarketRegion.Europe, 13),
        new("Europe/Stockholm", MarketRegion.Europe, 12),
        new("Europe/Lisbon", MarketRegion.Europe, 5),
        new("Europe/Athens", MarketRegion.Europe, 5),
        new("Europe/Helsinki", MarketRegion.Europe, 5),

        new("Asia/Kolkata", MarketRegion.AsiaPacific, 40),
        new("Australia/Sydney", MarketRegion.AsiaPacific, 30),
        new("Asia/Singapore", MarketRegion.AsiaPacific, 20),
        new("Asia/Tokyo", MarketRegion.AsiaPacific, 20),
        new("Asia/Manila", MarketRegion.AsiaPacific, 15),
        new("Asia/Jakarta", MarketRegion.AsiaPacific, 10),
        new("Asia/Seoul", MarketRegion.AsiaPacific, 10),
        new("Pacific/Auckland", MarketRegion.AsiaPacific, 10),
        new("Australia/Perth", MarketRegion.AsiaPacific, 5),
        new("Australia/Adelaide", MarketRegion.AsiaPacific, 5),
        new("Asia/Hong_Kong", MarketRegion.AsiaPacific, 5),

        new("America/Sao_Paulo", MarketRegion.LatinAmerica, 30),
        new("America/Mexico_City", MarketRegion.LatinAmerica, 25),
        new("America/Bogota", MarketRegion.LatinAmerica, 10),
        new("America/Argentina/Buenos_Aires", MarketRegion.LatinAmerica, 10),
        new("America/Santiago", MarketRegion.LatinAmerica, 5),

        new("Africa/Johannesburg", MarketRegion.MiddleEastAfrica, 15),
        new("Africa/Lagos", MarketRegion.MiddleEastAfrica, 10),
        new("Asia/Dubai", MarketRegion.MiddleEastAfrica, 10),
        new("Africa/Nairobi", MarketRegion.MiddleEastAfrica, 8),
        new("Asia/Jerusalem", MarketRegion.MiddleEastAfrica, 7),
    ];
}

/// <summary>
/// A mix of time zones new users are drawn from, by name (setting <c>Synthetics__RegionMix</c>):
/// <c>global</c> (every zone of <see cref="Markets.Zones"/> at its weight) or one region's zones at
/// their weights.
/// </summary>
public sealed class RegionMix
{
    private RegionMix(string name, IReadOnlyList<MarketZone> zones)
    {
        Name = name;
        Zones = zones;
        Ballot = [.. zones.SelectMany(z => Enumerable.Repeat(z.Timezone, z.PerMille))];
        SignupPool = [.. zones.Select(z => new TimezoneCount(z.Timezone, z.PerMille))];
    }

    /// <summary>Every zone of the market at its weight: the default.</summary>
    public static RegionMix Global { get; } = new("global", Markets.Zones);

    /// <summary>Every mix by its setting value: <c>global</c>, then one per region (<c>north_america</c>, <c>europe</c>, ...).</summary>
    public static IReadOnlyList<RegionMix> All { get; } =
    [
        Global,
        .. Enum.GetValues<MarketRegion>().Select(r => new RegionMix(SettingName(r), [.. Markets.Zones.Where(z => z.Region == r)])),
    ];

    /// <summary>The setting value: <c>global</c>, <c>north_america</c>, <c>europe</c>, ...</summary>
    public string Name { get; }

    public IReadOnlyList<MarketZone> Zones { get; }

    /// <summary>Every zone as many times as its weight (per mille): a uniform pick from it is a weighted pick, in C# and in SQL alike.</summary>
    public IReadOnlyList<string> Ballot { get; }

    /// <summary>The zones as a pool weighted by their share, for the activity curve of people who have yet to join.</summary>
    public IReadOnlyList<TimezoneCount> SignupPool { get; }

    /// <summary>The mix named <paramref name="name"/> (case-insensitive), or null where there is none.</summary>
    public static RegionMix? Find(string? name) => All.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The mix named <paramref name="name"/>; null or empty is <see cref="Global"/>; an unknown name is a clear error.</summary>
    public static RegionMix Of(string? name) => string.IsNullOrWhiteSpace(name)
        ? Global
        : Find(name) ?? throw new ArgumentException($"Region mix '{name}' is not one of {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));

    /// <summary>
    /// Where someone signing up at <paramref name="now"/> lives: a zone of the mix at its weight,
    /// likelier where it is a busy local hour, so signups follow the activity curve as sessions do.
    /// </summary>
    public string SignupTimezone(DateTimeOffset now, Random random)
    {
        var weights = new double[Zones.Count];
        double total = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i] = Zones[i].PerMille * ActivityCurve.For(Zones[i].Timezone, now);
        }

        var target = random.NextDouble() * total;
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return Zones[i].Timezone;
            }
        }

        return Zones[^1].Timezone;
    }

    public override string ToString() => Name;

    private static string SettingName(MarketRegion region) => region switch
    {
        MarketRegion.NorthAmerica => "north_america",
        MarketRegion.Europe => "europe",
        MarketRegion.LatinAmerica => "latin_america",
        MarketRegion.AsiaPacific => "asia_pacific",
        MarketRegion.MiddleEastAfrica => "middle_east_africa",
        _ => throw new ArgumentOutOfRangeException(nameof(region)),
    };
}
