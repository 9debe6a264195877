using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Hosting;

namespace SyntheticsFunctions.Tests.Configuration;

public class SyntheticsOptionsTests
{
    [Theory]
    [InlineData("Synthetics:Schema", "Public", "Synthetics:Schema must be a lower-case Postgres identifier.")]
    [InlineData("Synthetics:Schema", "x; drop table y", "Synthetics:Schema must be a lower-case Postgres identifier.")]
    [InlineData("Synthetics:PoolSize", "0", "The field PoolSize must be between 1 and 100000.")]
    [InlineData("Synthetics:PoolSize", "100001", "The field PoolSize must be between 1 and 100000.")]
    [InlineData("Synthetics:PoolProfileIds", "not-a-uuid", "Synthetics:PoolProfileIds holds 'not-a-uuid', which is not a UUID.")]
    [InlineData("Synthetics:AllowedOrigins", "https://dash.example.com/app", "Synthetics:AllowedOrigins holds 'https://dash.example.com/app', which is not an origin like https://dashboard.example.com.")]
    [InlineData("Synthetics:AllowedOrigins", "*", "Synthetics:AllowedOrigins holds '*', which is not an origin like https://dashboard.example.com.")]
    [InlineData("Synthetics:RegionMix", "mars", "Synthetics:RegionMix is 'mars', which is not one of global, north_america, europe, latin_america, asia_pacific, middle_east_africa.")]
    public void Invalid_settings_fail_at_startup_with_a_message_naming_them(string key, string value, string message)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value);

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value;

        Assert.Equal("public", options.Schema);
        Assert.True(options.MigrateOnStartup);
        Assert.Equal(50_000, options.PoolSize);
        Assert.Empty(options.ParsedPoolProfileIds());
        Assert.Null(options.Seed);
        Assert.Equal("global", options.RegionMix);
        Assert.Same(SyntheticsFunctions.Engine.RegionMix.Global, options.ParsedRegionMix());
    }

    [Theory]
    [InlineData("europe", 12)]
    [InlineData("North_America", 10)]
    [InlineData("asia_pacific", 11)]
    [InlineData("", 43)]
    public void A_region_mix_is_chosen_by_name(string value, int zones)
    {
        using var provider = Build(new() { ["Synthetics:RegionMix"] = value });

        var mix = provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value.ParsedRegionMix();

        Assert.Equal(value is "" ? "global" : value.ToLowerInvariant(), mix.Name);
        Assert.Equal(zones, mix.Zones.Count);
    }

    [Fact]
    public void A_missing_connection_string_is_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddSynthetics(configuration));

        Assert.Contains("ConnectionStrings:Synthetics is required", error.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        values["ConnectionStrings:Synthetics"] = "Host=127.0.0.1;Username=postgres";
        values.TryAdd("Synthetics:Seed", "");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddSynthetics(configuration).BuildServiceProvider();
    }
}
