namespace SyntheticsFunctions.Tests.Support;

/// <summary>The embedded migrations, as health reports the schema version.</summary>
public static class Migrations
{
    /// <summary>The newest migration's name, e.g. "0003_cleanups".</summary>
    public static string Latest { get; } = typeof(SyntheticsFunctions.Storage.SchemaMigrator).Assembly.GetManifestResourceNames()
        .Where(n => n.Contains(".Storage.Migrations.", StringComparison.Ordinal))
        .Select(SyntheticsFunctions.Storage.SchemaInspector.VersionOf)
        .Order(StringComparer.Ordinal)
        .Last();

    public static int Count { get; } = typeof(SyntheticsFunctions.Storage.SchemaMigrator).Assembly.GetManifestResourceNames()
        .Count(n => n.Contains(".Storage.Migrations.", StringComparison.Ordinal));
}
