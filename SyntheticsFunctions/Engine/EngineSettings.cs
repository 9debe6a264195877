namespace SyntheticsFunctions.Engine;

/// <summary>The <c>synthetic_settings</c> row as the engine reads it on every run.</summary>
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
    /// <summary>The seed's defaults, which the migration also writes.</summary>
    public static EngineSettings Defaults { get; } = new(true, 2, 5, 0.03, 0.08, 0.45, 45, 7);

    public SessionRates Rates => new(MindblockChance, AbandonRate, ErrorRate);
}

/// <summary>The rates a session was planned with, kept with it so a settings change does not rewrite a session half way.</summary>
public sealed record SessionRates(double MindblockChance, double AbandonRate, double ErrorRate);
