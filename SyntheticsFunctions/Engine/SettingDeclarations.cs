using System.Globalization;

namespace SyntheticsFunctions.Engine;

/// <summary>
/// The <c>synthetic_settings</c> row as the engine reads it on every run. Each property is
/// declared once, with its range, default and meaning, in <see cref="SettingDeclarations"/> below:
/// a new setting is its property here, its declaration there, a migration adding its column and
/// its row in docs/configuration.md.
/// </summary>
public sealed record EngineSettings(
    bool Enabled,
    double SessionsPerMin,
    int MaxPerRun,
    double ErrorRate,
    double AbandonRate,
    double MindblockChance,
    int RetainDays,
    int IdleAbandonDays,
    double GrowthPercentPer30Days,
    bool HolidayDamping)
{
    /// <summary>Every value zero; the start that declarations fill in (see <see cref="Defaults"/>).</summary>
    internal static EngineSettings Empty { get; } = new(false, 0, 0, 0, 0, 0, 0, 0, 0, false);

    /// <summary>The declared defaults, which the migration also writes.</summary>
    public static EngineSettings Defaults => SettingDeclarations.Defaults;

    public SessionRates Rates => new(MindblockChance, AbandonRate, ErrorRate);
}

/// <summary>The JSON and Postgres kind of a setting.</summary>
public enum SettingKind
{
    Boolean,
    Integer,
    Number,
}

/// <summary>
/// One engine setting: a column of <c>synthetic_settings</c>, a field of the API and the Studio,
/// a property of <see cref="EngineSettings"/>. Its range is inclusive; <paramref name="Step"/> is
/// the smallest change the Studio offers (and "one step past" the range in the drift test).
/// <paramref name="Label"/> names the Studio's field, which adds the range and
/// <paramref name="Unit"/> (null: none) after it, as in "Abandon idle journeys after (1–365 days)";
/// <paramref name="Description"/> is its help text.
/// </summary>
public sealed record SettingDeclaration(
    string Name,
    SettingKind Kind,
    double Min,
    double Max,
    double Step,
    object Default,
    string Label,
    string? Unit,
    string Description,
    Func<EngineSettings, object> Get,
    Func<EngineSettings, object, EngineSettings> With)
{
    /// <summary>How the settings SELECT reads the column (numerics as float8).</summary>
    public string SelectExpression => Kind == SettingKind.Number ? $"{Name}::float8 AS {Name}" : Name;

    /// <summary>The column's Postgres default, as <c>information_schema.columns.column_default</c> spells it.</summary>
    public string ColumnDefault => Kind switch
    {
        SettingKind.Boolean => (bool)Default ? "true" : "false",
        _ => Convert.ToString(Default, CultureInfo.InvariantCulture)!,
    };

    /// <summary>The value's error message, naming the range: the API answers it and the Studio shows it.</summary>
    public string RangeMessage => Kind switch
    {
        SettingKind.Boolean => "Must be true or false.",
        SettingKind.Integer => $"Must be an integer from {Min} to {Max}.",
        _ => $"Must be a number from {Min.ToString(CultureInfo.InvariantCulture)} to {Max.ToString(CultureInfo.InvariantCulture)}.",
    };
}

/// <summary>
/// Every engine setting, declared once. Validation, defaults, the API's messages, the Studio's
/// settings form (<c>GET /api/synthetics/settings/schema</c>: its fields, labels, bounds and help
/// text), the settings SQL and the tests' lists of settings derive from this list. To add a
/// setting: add its property to <see cref="EngineSettings"/> (above), declare it here, and add the
/// column (default and CHECK from this declaration) in a new numbered migration; a test compares the two.
/// </summary>
public static class SettingDeclarations
{
    public const string Enabled = "enabled";
    public const string SessionsPerMin = "sessions_per_min";
    public const string MaxPerRun = "max_per_run";
    public const string ErrorRate = "error_rate";
    public const string AbandonRate = "abandon_rate";
    public const string MindblockChance = "mindblock_chance";
    public const string RetainDays = "retain_days";
    public const string IdleAbandonDays = "idle_abandon_days";
    public const string GrowthPercentPer30Days = "growth_percent_per_30_days";
    public const string HolidayDamping = "holiday_damping";

    /// <summary>The most days of history kept (ten years): bounds retain_days, a backfill's days and a realism check's window.</summary>
    public const int MaxRetainDays = 3650;

    public static IReadOnlyList<SettingDeclaration> All { get; } =
    [
        new(Enabled, SettingKind.Boolean, 0, 1, 1, true, "Enabled", null,
            "Whether cron ticks write activity. Manual runs work while paused.",
            s => s.Enabled, (s, v) => s with { Enabled = (bool)v }),
        new(SessionsPerMin, SettingKind.Number, 0, 120, 0.1, 2, "Sessions per minute", null,
            "Sessions started per minute on average, before the local-hour and weekday curves.",
            s => s.SessionsPerMin, (s, v) => s with { SessionsPerMin = Convert.ToDouble(v, CultureInfo.InvariantCulture) }),
        new(MaxPerRun, SettingKind.Integer, 1, 200, 1, 5, "Max sessions per run", null,
            "Most sessions one cron tick starts; the excess carries over to later ticks.",
            s => s.MaxPerRun, (s, v) => s with { MaxPerRun = Convert.ToInt32(v, CultureInfo.InvariantCulture) }),
        new(ErrorRate, SettingKind.Number, 0, 1, 0.01, 0.03, "Error rate", null,
            "Share of sessions that log an error event.",
            s => s.ErrorRate, (s, v) => s with { ErrorRate = Convert.ToDouble(v, CultureInfo.InvariantCulture) }),
        new(AbandonRate, SettingKind.Number, 0, 1, 0.01, 0.08, "Abandon rate", null,
            "Share of sessions that stop mid-scene.",
            s => s.AbandonRate, (s, v) => s with { AbandonRate = Convert.ToDouble(v, CultureInfo.InvariantCulture) }),
        new(MindblockChance, SettingKind.Number, 0, 1, 0.01, 0.45, "Mindblock chance", null,
            "Chance per scene of a mindblock signal.",
            s => s.MindblockChance, (s, v) => s with { MindblockChance = Convert.ToDouble(v, CultureInfo.InvariantCulture) }),
        new(RetainDays, SettingKind.Integer, 1, MaxRetainDays, 1, 45, "Retain rows for", "days",
            "Days of synthetic rows the daily retention pass keeps.",
            s => s.RetainDays, (s, v) => s with { RetainDays = Convert.ToInt32(v, CultureInfo.InvariantCulture) }),
        new(IdleAbandonDays, SettingKind.Integer, 1, 365, 1, 7, "Abandon idle journeys after", "days",
            "Days without activity after which a journey instance is abandoned.",
            s => s.IdleAbandonDays, (s, v) => s with { IdleAbandonDays = Convert.ToInt32(v, CultureInfo.InvariantCulture) }),
        new(GrowthPercentPer30Days, SettingKind.Number, 0, 200, 0.1, 0, "Growth per 30 days", "%",
            "Growth trend of the volume: sessions are multiplied by (1 + g/100)^(days since the history started / 30), the same live and in a backfill.",
            s => s.GrowthPercentPer30Days, (s, v) => s with { GrowthPercentPer30Days = Convert.ToDouble(v, CultureInfo.InvariantCulture) }),
        new(HolidayDamping, SettingKind.Boolean, 0, 1, 1, true, "Damp holidays", null,
            FormattableString.Invariant($"Whether New Year's Day (activity ×{ActivityDays.NewYearsDayFactor}) and Christmas Day (×{ActivityDays.ChristmasDayFactor}) are quieter, each in a person's own local calendar."),
            s => s.HolidayDamping, (s, v) => s with { HolidayDamping = (bool)v }),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];

    public static SettingDeclaration Get(string name) => All.First(s => s.Name == name);

    /// <summary>The declared defaults, as the migration also writes them.</summary>
    public static EngineSettings Defaults { get; } = All.Aggregate(EngineSettings.Empty, (settings, s) => s.With(settings, s.Default));

    /// <summary>The settings as name → value, in declared order (the API's settings view).</summary>
    public static IReadOnlyDictionary<string, object> View(EngineSettings settings)
    {
        var view = new Dictionary<string, object>();
        foreach (var s in All)
        {
            view[s.Name] = s.Get(settings);
        }

        return view;
    }

    /// <summary>A partial change applied to <paramref name="settings"/>.</summary>
    public static EngineSettings Apply(EngineSettings settings, IReadOnlyDictionary<string, object> changes) =>
        All.Where(s => changes.ContainsKey(s.Name)).Aggregate(settings, (current, s) => s.With(current, changes[s.Name]));
}
