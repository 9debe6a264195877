namespace SyntheticsFunctions.Engine;

/// <summary>
/// The <c>synthetic_settings</c> row as the engine reads it on every run. Each property is
/// declared once, with its range, default and meaning, in <see cref="SettingDeclarations"/>.
/// </summary>
public sealed record EngineSettings(
    bool Enabled,
    double SessionsPerMin,
    int MaxPerRun,
    double ErrorRate,
    double AbandonRate,
    double MindblockChance,
    int RetainDays,
    int IdleAbandonDays)
{
    /// <summary>Every value zero; the start that declarations fill in (see <see cref="Defaults"/>).</summary>
    internal static EngineSettings Empty { get; } = new(false, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The declared defaults, which the migration also writes.</summary>
    public static EngineSettings Defaults => SettingDeclarations.Defaults;

    public SessionRates Rates => new(MindblockChance, AbandonRate, ErrorRate);
}

/// <summary>The rates a session was planned with, kept with it so a settings change does not rewrite a session half way.</summary>
public sealed record SessionRates(double MindblockChance, double AbandonRate, double ErrorRate);
