using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Tests.Engine;

public class MarketsTests
{
    [Fact]
    public void The_market_mix_has_at_least_24_known_zones_weighted_by_region_to_1000_per_mille()
    {
        var zones = Markets.Zones;

        Assert.True(zones.Count >= RealismFigures.TimeZonesTarget, $"{zones.Count} zones");
        Assert.Equal(zones.Count, zones.Select(z => z.Timezone).Distinct().Count());
        Assert.All(zones, z => Assert.True(Zones.IsKnown(z.Timezone), z.Timezone));
        Assert.All(zones, z => Assert.True(z.PerMille > 0, z.Timezone));
        Assert.Equal(1000, zones.Sum(z => z.PerMille));
        var shares = zones.GroupBy(z => z.Region).ToDictionary(g => g.Key, g => g.Sum(z => z.PerMille));
        Assert.Equal(400, shares[MarketRegion.NorthAmerica]);
        Assert.Equal(300, shares[MarketRegion.Europe]);
        Assert.Equal(170, shares[MarketRegion.AsiaPacific]);
        Assert.Equal(80, shares[MarketRegion.LatinAmerica]);
        Assert.Equal(50, shares[MarketRegion.MiddleEastAfrica]);
        // Half-hour offsets are part of the market (the realism check converts per user zone).
        Assert.Contains(zones, z => z.Timezone == "Asia/Kolkata");
    }

    [Fact]
    public void A_region_mix_holds_its_regions_zones_and_its_ballot_weighs_them()
    {
        var europe = RegionMix.Of("europe");

        Assert.All(europe.Zones, z => Assert.Equal(MarketRegion.Europe, z.Region));
        Assert.Equal(Markets.Zones.Count(z => z.Region == MarketRegion.Europe), europe.Zones.Count);
        Assert.Equal(300, europe.Ballot.Count);
        Assert.Equal(90, europe.Ballot.Count(z => z == "Europe/London"));
        Assert.Equal(1000, RegionMix.Global.Ballot.Count);
        Assert.Equal(["global", "north_america", "europe", "latin_america", "asia_pacific", "middle_east_africa"], RegionMix.All.Select(m => m.Name));
        var error = Assert.Throws<ArgumentException>(() => RegionMix.Of("mars"));
        Assert.StartsWith("Region mix 'mars' is not one of global, north_america, europe, latin_america, asia_pacific, middle_east_africa.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signups_draw_every_zone_at_its_weight_times_its_local_activity()
    {
        // 16:00 UTC on a Wednesday: New York at 11:00 (busy), Honolulu at 06:00 (quiet), Auckland at 05:00 next morning.
        var at = new DateTimeOffset(2026, 3, 4, 16, 0, 0, TimeSpan.Zero);
        var random = new Random(1);

        var drawn = Enumerable.Range(0, 50_000).Select(_ => RegionMix.Global.SignupTimezone(at, random)).GroupBy(z => z).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Markets.Zones.Count, drawn.Count);
        Assert.Equal("America/New_York", drawn.MaxBy(kv => kv.Value).Key);
        double Expected(string zone) => Markets.Zones.Single(z => z.Timezone == zone).PerMille * ActivityCurve.For(zone, at) / Markets.Zones.Sum(z => z.PerMille * ActivityCurve.For(z.Timezone, at));
        Assert.InRange(drawn["America/New_York"] / 50_000.0, Expected("America/New_York") * 0.95, Expected("America/New_York") * 1.05);
        Assert.InRange(drawn["Europe/London"] / 50_000.0, Expected("Europe/London") * 0.9, Expected("Europe/London") * 1.1);
        Assert.All(Enumerable.Range(0, 200).Select(_ => RegionMix.Of("latin_america").SignupTimezone(at, random)), z => Assert.Contains(z, RegionMix.Of("latin_america").Zones.Select(x => x.Timezone)));
    }

    [Fact]
    public void A_backfill_with_a_region_mix_places_everyone_it_adds_in_that_region()
    {
        var asia = RegionMix.Of("asia_pacific");
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        var run = BackfillRun.Play(EngineSettings.Defaults, start, 2, seed: 5, preRollDays: 0, region: asia);

        var zones = run.Users.Values.Select(u => u.Timezone).ToHashSet();
        Assert.Subset(asia.Zones.Select(z => z.Timezone).ToHashSet(), zones);
        Assert.Equal(asia.Zones.Count, zones.Count);
        Assert.Contains(run.Users.Values, u => u.SignupAt >= start);
        var report = RealismFigures.Compute(run.Facts(start, start.AddDays(2), EngineSettings.Defaults) with { MixZones = asia.Zones.Count });
        Assert.Equal(Verdicts.Pass, report[RealismFigures.TimeZones.Name].Verdict);
        Assert.Equal(Verdicts.Pass, report[RealismFigures.LocalHourCorrelation.Name].Verdict);
    }
}
