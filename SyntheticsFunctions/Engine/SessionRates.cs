namespace SyntheticsFunctions.Engine;

/// <summary>The rates a session was planned with, kept with it so a settings change does not rewrite a session half way.</summary>
public sealed record SessionRates(double MindblockChance, double AbandonRate, double ErrorRate);
