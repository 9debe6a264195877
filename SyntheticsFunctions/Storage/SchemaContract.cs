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

/// <summary>
/// The columns the app needs in tables that may already exist in the journey app's database,
/// derived from the table declarations (<see cref="ActivityTables.App"/>). Migrations never alter
/// an existing table, so a table that lacks one of these stops the engine.
/// </summary>
public static class SchemaContract
{
    public static IReadOnlyList<RequiredColumn> Columns { get; } =
    [
        .. from table in ActivityTables.App
           from column in table.Columns
           select new RequiredColumn(table.Name, column.Name, column.Type.UdtName),
    ];

    public static IReadOnlyList<string> TableNames { get; } = [.. ActivityTables.App.Select(t => t.Name)];

    /// <summary>Compares existing tables' columns (table → column → udt name) with the contract. Tables that do not exist yet are not problems.</summary>
    public static IReadOnlyList<SchemaProblem> Check(IReadOnlyDictionary<string, Dictionary<string, string>> existing)
    {
        var problems = new List<SchemaProblem>();
        foreach (var required in Columns)
        {
            if (!existing.TryGetValue(required.Table, out var columns))
            {
                continue;
            }

            if (!columns.TryGetValue(required.Column, out var actual))
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
