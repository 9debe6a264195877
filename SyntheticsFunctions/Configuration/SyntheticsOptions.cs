using System.ComponentModel.DataAnnotations;

namespace SyntheticsFunctions.Configuration;

/// <summary>App settings under <c>Synthetics</c> (<c>Synthetics__Name</c> as environment variables).</summary>
public sealed class SyntheticsOptions : IValidatableObject
{
    public const string Section = "Synthetics";

    /// <summary>Postgres schema holding every table. The default value is <c>public</c>.</summary>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Synthetics:Schema must be a lower-case Postgres identifier.")]
    public string Schema { get; set; } = "public";

    /// <summary>Apply migrations when the app starts. The default value is <c>true</c>; turn off where the app's role may not create tables and run the <c>migrate</c> command as the owner instead.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// The most living sim users the pool holds (the size cap; people who left retire and stop
    /// counting). Where the app owns <c>profiles</c>, a fresh install starts with the population
    /// model's steady state at the configured <c>sessions_per_min</c> (as if the model had run for
    /// a year, <c>PopulationPlayer.WarmUpDays</c>), up to this cap, and new people sign up while
    /// the pool is below it; at the cap, volume gives way (nobody comes more often because the pool
    /// is full). The default value, 50,000, is sized from the model: light, moderate and heavy run a
    /// year without reaching it (docs/configuration.md).
    /// </summary>
    [Range(1, 100_000)]
    public int PoolSize { get; set; } = DefaultPoolSize;

    /// <summary>The default cap: above the heavy preset's peak living population over a year (40,716 measured, <c>CapacityBenchmark</c>).</summary>
    public const int DefaultPoolSize = 50_000;

    /// <summary>Comma-separated existing profile ids to use as the pool when <c>profiles</c> belongs to the journey app. Empty by default.</summary>
    public string PoolProfileIds { get; set; } = "";

    /// <summary>
    /// A SQL function the database owner provides to sign up new people where the journey app
    /// owns <c>profiles</c> and <c>sim_users</c>: <c>name</c> or <c>schema.name</c>, taking
    /// <c>(id uuid, created_at timestamptz, persona text)</c> and adding the profile, the
    /// <c>sim_users</c> row and whatever else the app needs. Called inside the run's transaction,
    /// which fails (category <c>owner_function</c>) and writes nothing when a person is then not in
    /// both tables. Configuration only, never settable through the API. Empty (the default): the
    /// pool grows only where the engine created <c>profiles</c> and <c>sim_users</c>.
    /// </summary>
    [RegularExpression("^([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Synthetics:SignupFunction must be a lower-case function name, optionally schema-qualified (schema.name).")]
    public string SignupFunction { get; set; } = "";

    /// <summary>The signup function's name, each part double-quoted, or null when none is configured.</summary>
    public string? QuotedSignupFunction() => string.IsNullOrEmpty(SignupFunction)
        ? null
        : string.Join('.', SignupFunction.Split('.').Select(part => '"' + part + '"'));

    /// <summary>The signature the signup function must have, for <c>to_regprocedure</c>.</summary>
    public string? SignupFunctionSignature() => QuotedSignupFunction() is { } name ? name + "(uuid, timestamp with time zone, text)" : null;

    /// <summary>
    /// A visible prefix for the display names of the sim users the engine creates (for example
    /// <c>"[sim] "</c>, giving "[sim] Aiyana K."), for teams that want synthetic users obvious in
    /// their tools. Empty (the default): names look like anyone's; the synthetic mark stays in the
    /// profile's metadata (<c>synthetic: true</c>) and in <c>sim_users</c>. Applies to profiles
    /// created from then on.
    /// </summary>
    [StringLength(32)]
    public string DisplayNamePrefix { get; set; } = "";

    /// <summary>Seed of the app's random source, for reproducible runs. Empty (the default) draws one at startup.</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Comma-separated browser origins allowed to call the API (dashboards on another origin).
    /// Empty (the default) allows none. The local host applies it; in Azure the Bicep passes the
    /// same list into the function app's CORS configuration, and <c>Host.CORS</c> mirrors it for <c>func start</c>.
    /// </summary>
    public string AllowedOrigins { get; set; } = "";

    /// <summary>
    /// Where new sim users live: <c>global</c> (the default: every time zone of the market mix at its
    /// weight, <c>Engine.Markets</c>) or one region's zones at their weights: <c>north_america</c>,
    /// <c>europe</c>, <c>latin_america</c>, <c>asia_pacific</c> or <c>middle_east_africa</c>
    /// (case-insensitive; empty is <c>global</c>). Users already in the pool keep their zone.
    /// </summary>
    public string RegionMix { get; set; } = Engine.RegionMix.Global.Name;

    /// <summary>The configured region mix (validated at startup).</summary>
    public Engine.RegionMix ParsedRegionMix() => Engine.RegionMix.Of(RegionMix);

    public IReadOnlyList<string> ParsedAllowedOrigins() =>
        [.. AllowedOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public IReadOnlyList<Guid> ParsedPoolProfileIds() =>
        [.. PoolProfileIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Guid.Parse)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in ParsedAllowedOrigins())
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                yield return new ValidationResult($"Synthetics:AllowedOrigins holds '{origin}', which is not an origin like https://dashboard.example.com.", [nameof(AllowedOrigins)]);
            }
        }

        if (!string.IsNullOrWhiteSpace(RegionMix) && Engine.RegionMix.Find(RegionMix) is null)
        {
            yield return new ValidationResult(
                $"Synthetics:RegionMix is '{RegionMix}', which is not one of {string.Join(", ", Engine.RegionMix.All.Select(m => m.Name))}.", [nameof(RegionMix)]);
        }

        foreach (var id in PoolProfileIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Guid.TryParse(id, out _))
            {
                yield return new ValidationResult($"Synthetics:PoolProfileIds holds '{id}', which is not a UUID.", [nameof(PoolProfileIds)]);
            }
        }
    }
}

/// <summary>Connection settings: <c>ConnectionStrings:Synthetics</c>.</summary>
public static class ConnectionNames
{
    public const string Synthetics = "Synthetics";
}
