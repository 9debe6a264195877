namespace SyntheticsFunctions.Storage;

/// <summary>A migration as DbUp journals it: "SyntheticsFunctions.Storage.Migrations.0001_schema.sql".</summary>
public sealed record MigrationScript(string Name, string Contents)
{
    /// <summary>"0001_schema", as health and the problems name it.</summary>
    public string Version => SchemaInspector.VersionOf(Name);
}

/// <summary>
/// What this release expects of the database: its migrations, in order, and the columns it needs.
/// One registration, so a test can play the next release (a column added to a table the engine
/// created, with the migration that adds it) against a database the current one migrated.
/// </summary>
public sealed class SchemaRelease(IReadOnlyList<MigrationScript> migrations, IReadOnlyList<RequiredColumn> columns)
{
    /// <summary>The resource names of the embedded migrations start with this.</summary>
    public const string ScriptPrefix = "SyntheticsFunctions.Storage.Migrations.";

    public static SchemaRelease Current { get; } = new(Embedded(), SchemaContract.Columns);

    public IReadOnlyList<MigrationScript> Migrations { get; } = [.. migrations.OrderBy(m => m.Name, StringComparer.Ordinal)];

    public IReadOnlyList<RequiredColumn> Columns { get; } = columns;

    public IReadOnlyList<string> TableNames { get; } = [.. columns.Select(c => c.Table).Distinct()];

    /// <summary>This release plus one migration and the columns it adds.</summary>
    public SchemaRelease With(MigrationScript migration, params RequiredColumn[] added) => new([.. Migrations, migration], [.. Columns, .. added]);

    private static List<MigrationScript> Embedded()
    {
        var assembly = typeof(SchemaRelease).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ScriptPrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(name, reader.ReadToEnd()));
        }

        return scripts;
    }
}
