using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Storage;

/// <summary>A column the app reads or writes, with the Postgres type (udt name) it must have.</summary>
public sealed record RequiredColumn(string Table, string Column, string Type);

/// <summary>A required column that an existing table lacks or has with another type.</summary>
public sealed record SchemaProblem(string Table, string Column, string ExpectedType, string? ActualType)
{
    public override string ToString() => ActualType is null
        ? $"{Table}.{Column} is missing (expected {ExpectedType})"
        : $"{Table}.{Column} has type {ActualType}, expected {ExpectedType}";
}

/// <summary>When the contract is checked: before the migrations run, or after them.</summary>
public enum SchemaPhase
{
    /// <summary>
    /// Only tables the engine did not create: the migrations never alter those, so a column they
    /// lack stays missing. A table the engine created is the migrations' to bring up to date.
    /// </summary>
    BeforeMigrations,

    /// <summary>Every table: by now the migrations have added what the engine's own tables lacked.</summary>
    AfterMigrations,
}

/// <summary>
/// The columns the app needs, derived from the table declarations (<see cref="ActivityTables.All"/>):
/// the journey app's tables that may already exist (<see cref="ActivityTables.App"/>) and the
/// engine's own. Migrations never alter a table the engine did not create, so such a table that
/// lacks one of these stops the engine before anything is migrated.
/// </summary>
public static class SchemaContract
{
    public static IReadOnlyList<RequiredColumn> Columns { get; } =
    [
        .. from table in ActivityTables.All
           from column in table.Columns
           select new RequiredColumn(table.Name, column.Name, column.Type.UdtName),
    ];

    /// <summary>Tables only the engine ever creates (never the journey app's), so never checked before migrating.</summary>
    public static IReadOnlyList<string> OwnTableNames { get; } =
        [.. ActivityTables.All.Select(t => t.Name).Except(ActivityTables.App.Select(t => t.Name))];

    /// <summary>
    /// Compares existing tables' columns (table → column → udt name) with <paramref name="columns"/>.
    /// Tables that do not exist yet are not problems; before migrating, neither are the tables the
    /// engine created (<paramref name="createdByEngine"/>, from <c>synthetic_created_tables</c>) or owns.
    /// </summary>
    public static IReadOnlyList<SchemaProblem> Check(
        IReadOnlyList<RequiredColumn> columns,
        IReadOnlyDictionary<string, Dictionary<string, string>> existing,
        IReadOnlySet<string> createdByEngine,
        SchemaPhase phase)
    {
        var problems = new List<SchemaProblem>();
        foreach (var required in columns)
        {
            if (!existing.TryGetValue(required.Table, out var actualColumns))
            {
                continue;
            }

            if (phase == SchemaPhase.BeforeMigrations && (createdByEngine.Contains(required.Table) || OwnTableNames.Contains(required.Table)))
            {
                continue;
            }

            if (!actualColumns.TryGetValue(required.Column, out var actual))
            {
                problems.Add(new SchemaProblem(required.Table, required.Column, required.Type, null));
            }
            else if (actual != required.Type)
            {
                problems.Add(new SchemaProblem(required.Table, required.Column, required.Type, actual));
            }
        }

        return problems;
    }
}
