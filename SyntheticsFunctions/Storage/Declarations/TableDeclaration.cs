using Npgsql;
using NpgsqlTypes;

namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>A column's Postgres type: its <c>pg_type</c> name (as information_schema's udt_name spells it) and Npgsql's type.</summary>
public sealed record PgType(string UdtName, NpgsqlDbType DbType)
{
    public static PgType Uuid { get; } = new("uuid", NpgsqlDbType.Uuid);

    public static PgType Text { get; } = new("text", NpgsqlDbType.Text);

    public static PgType Int4 { get; } = new("int4", NpgsqlDbType.Integer);

    public static PgType Int8 { get; } = new("int8", NpgsqlDbType.Bigint);

    public static PgType Bool { get; } = new("bool", NpgsqlDbType.Boolean);

    public static PgType Numeric { get; } = new("numeric", NpgsqlDbType.Numeric);

    public static PgType Float8 { get; } = new("float8", NpgsqlDbType.Double);

    public static PgType Date { get; } = new("date", NpgsqlDbType.Date);

    public static PgType TimestampTz { get; } = new("timestamptz", NpgsqlDbType.TimestampTz);

    public static PgType Jsonb { get; } = new("jsonb", NpgsqlDbType.Jsonb);

    public static IReadOnlyList<PgType> All { get; } = [Uuid, Text, Int4, Int8, Bool, Numeric, Float8, Date, TimestampTz, Jsonb];

    public static PgType Parse(string udtName) =>
        All.FirstOrDefault(t => t.UdtName == udtName) ?? throw new ArgumentException($"No declared Postgres type '{udtName}'.", nameof(udtName));
}

/// <summary>A column of a declared table: its name and type.</summary>
public class ColumnDeclaration(string name, PgType type)
{
    public string Name { get; } = name;

    public PgType Type { get; } = type;
}

/// <summary>A column the engine writes, with how its value is read from a row.</summary>
public abstract class ColumnDeclaration<TRow>(string name, PgType type) : ColumnDeclaration(name, type)
{
    /// <summary>The column's values for <paramref name="rows"/>, as one typed array parameter (for <c>unnest</c>).</summary>
    public abstract NpgsqlParameter ArrayParameter(IReadOnlyList<TRow> rows);

    /// <summary>Writes the row's value into the current row of a binary COPY.</summary>
    public abstract Task WriteAsync(NpgsqlBinaryImporter importer, TRow row, CancellationToken cancellationToken);
}

internal sealed class Column<TRow, TValue>(string name, PgType type, Func<TRow, TValue> read) : ColumnDeclaration<TRow>(name, type)
{
    public override NpgsqlParameter ArrayParameter(IReadOnlyList<TRow> rows)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(rows[i]);
        }

        return new NpgsqlParameter<TValue[]> { TypedValue = values, NpgsqlDbType = NpgsqlDbType.Array | Type.DbType };
    }

    public override Task WriteAsync(NpgsqlBinaryImporter importer, TRow row, CancellationToken cancellationToken)
    {
        var value = read(row);
        return value is null
            ? importer.WriteNullAsync(cancellationToken)
            : importer.WriteAsync(value, Type.DbType, cancellationToken);
    }
}

/// <summary>Typed column constructors for one row type, so a declaration reads as a list of columns.</summary>
public sealed class Columns<TRow>
{
    public ColumnDeclaration<TRow> Uuid(string name, Func<TRow, Guid> read) => new Column<TRow, Guid>(name, PgType.Uuid, read);

    public ColumnDeclaration<TRow> Uuid(string name, Func<TRow, Guid?> read) => new Column<TRow, Guid?>(name, PgType.Uuid, read);

    public ColumnDeclaration<TRow> Text(string name, Func<TRow, string> read) => new Column<TRow, string>(name, PgType.Text, read);

    public ColumnDeclaration<TRow> TextOrNull(string name, Func<TRow, string?> read) => new Column<TRow, string?>(name, PgType.Text, read);

    public ColumnDeclaration<TRow> Int4(string name, Func<TRow, int> read) => new Column<TRow, int>(name, PgType.Int4, read);

    public ColumnDeclaration<TRow> Int4(string name, Func<TRow, int?> read) => new Column<TRow, int?>(name, PgType.Int4, read);

    public ColumnDeclaration<TRow> Int8(string name, Func<TRow, long> read) => new Column<TRow, long>(name, PgType.Int8, read);

    public ColumnDeclaration<TRow> Bool(string name, Func<TRow, bool> read) => new Column<TRow, bool>(name, PgType.Bool, read);

    public ColumnDeclaration<TRow> Float8(string name, Func<TRow, double> read) => new Column<TRow, double>(name, PgType.Float8, read);

    public ColumnDeclaration<TRow> Date(string name, Func<TRow, DateOnly?> read) => new Column<TRow, DateOnly?>(name, PgType.Date, read);

    public ColumnDeclaration<TRow> Numeric(string name, Func<TRow, double> read) => new Column<TRow, decimal>(name, PgType.Numeric, r => (decimal)read(r));

    public ColumnDeclaration<TRow> TimestampTz(string name, Func<TRow, DateTimeOffset> read) =>
        new Column<TRow, DateTime>(name, PgType.TimestampTz, r => read(r).UtcDateTime);

    public ColumnDeclaration<TRow> TimestampTz(string name, Func<TRow, DateTimeOffset?> read) =>
        new Column<TRow, DateTime?>(name, PgType.TimestampTz, r => read(r)?.UtcDateTime);

    /// <summary>A jsonb column whose value is JSON text.</summary>
    public ColumnDeclaration<TRow> Jsonb(string name, Func<TRow, string> read) => new Column<TRow, string>(name, PgType.Jsonb, read);
}

/// <summary>
/// How an upserted table merges a row that exists: the conflict key, the columns it updates (to
/// <c>excluded.column</c> unless an expression is given) and a guard that must hold to update.
/// </summary>
public sealed record Upsert(IReadOnlyList<string> ConflictKey, IReadOnlyList<(string Column, string? Expression)> Updates, string? Guard = null);

/// <summary>A table's name and columns: enough for the schema contract.</summary>
public class TableShape(string name, IReadOnlyList<ColumnDeclaration> columns, string? tagColumn = null)
{
    public string Name { get; } = name;

    public IReadOnlyList<ColumnDeclaration> Columns { get; } = columns;

    /// <summary>The jsonb column carrying <c>"synthetic": true</c>, on tables the engine writes rows of sim users into.</summary>
    public string? TagColumn { get; } = tagColumn;

    /// <summary>A table the engine only reads, from "name type, name type" (types as <see cref="PgType.UdtName"/>).</summary>
    public static TableShape Read(string name, string columns) => new(
        name,
        [
            .. columns.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Split(' ')).Select(p => new ColumnDeclaration(p[0], PgType.Parse(p[1]))),
        ]);

    public bool Has(string column) => Columns.Any(c => c.Name == column);
}

/// <summary>
/// A table the engine writes, whatever its row type: the upsert rule, the rollup facts, and the
/// SQL that derives from them (insert from a source, delete with the rollups kept exact).
/// </summary>
public abstract class WrittenTable(string name, IReadOnlyList<ColumnDeclaration> columns, string? tagColumn, Upsert? upsert, IReadOnlyList<RollupFact>? facts, bool minuteRollup)
    : TableShape(name, columns, tagColumn)
{
    public Upsert? Upsert { get; } = upsert;

    /// <summary>What each written row adds to the hourly rollup (and subtracts when deleted).</summary>
    public IReadOnlyList<RollupFact> Facts { get; } = facts ?? [];

    /// <summary>Whether rows also count in the per-minute event rollup.</summary>
    public bool MinuteRollup { get; } = minuteRollup;

    public string ColumnList => string.Join(", ", Columns.Select(c => c.Name));

    /// <summary>The insert (an upsert where declared), reading the declared columns from <paramref name="source"/> aliased <c>u</c>, with its rollups.</summary>
    public string InsertFrom(string source)
    {
        var insert = $"INSERT INTO {Name} ({ColumnList}) SELECT {string.Join(", ", Columns.Select(c => "u." + c.Name))} FROM {source}";
        if (Upsert is { } upsert)
        {
            var updates = string.Join(", ", upsert.Updates.Select(u => $"{u.Column} = {u.Expression ?? "excluded." + u.Column}"));
            insert += $" ON CONFLICT ({string.Join(", ", upsert.ConflictKey)}) DO UPDATE SET {updates}";
            if (upsert.Guard is not null)
            {
                insert += " WHERE " + upsert.Guard;
            }
        }

        return !HasRollups
            ? insert
            : Rollups.AddFromWritten(insert, Facts, MinuteRollup, firstWriteFlag: Upsert is not null);
    }

    /// <summary>Whether written rows add to a rollup.</summary>
    public bool HasRollups => Facts.Count > 0 || MinuteRollup;

    /// <summary>The columns of a written row the rollups read.</summary>
    public IReadOnlyList<string> RollupColumns => Rollups.ReturnedColumns(Facts, MinuteRollup);

    /// <summary>Deletes the rows matching <paramref name="where"/> (with $n parameters), subtracts them from the rollups and answers how many it deleted.</summary>
    public string DeleteCounted(string where) => Rollups.DeleteCounted(Name, where, Facts, MinuteRollup);
}

/// <summary>
/// One table the engine writes, declared once: name, columns with their types and how to read
/// each from a row, the upsert rule and the rollup facts. The unnest insert, the binary COPY, the
/// schema contract and the cleanup statements all derive from this.
/// </summary>
public sealed class TableDeclaration<TRow> : WrittenTable
{
    public TableDeclaration(string name, Func<Columns<TRow>, ColumnDeclaration<TRow>[]> columns, Upsert? upsert = null, string? tagColumn = null, IReadOnlyList<RollupFact>? facts = null, bool minuteRollup = false)
        : this(name, columns(new Columns<TRow>()), upsert, tagColumn, facts, minuteRollup)
    {
    }

    private TableDeclaration(string name, ColumnDeclaration<TRow>[] columns, Upsert? upsert, string? tagColumn, IReadOnlyList<RollupFact>? facts, bool minuteRollup)
        : base(name, columns, tagColumn, upsert, facts, minuteRollup)
    {
        Written = columns;
        foreach (var column in upsert?.ConflictKey.Concat(upsert.Updates.Select(u => u.Column)) ?? [])
        {
            if (!Has(column))
            {
                throw new InvalidOperationException($"{name}: upsert names {column}, which is not a declared column.");
            }
        }
    }

    public IReadOnlyList<ColumnDeclaration<TRow>> Written { get; }

    /// <summary>One statement writing <paramref name="rows"/> through <c>unnest</c> of one array per column, with its rollups.</summary>
    public NpgsqlBatchCommand InsertFromArrays(IReadOnlyList<TRow> rows)
    {
        var command = new NpgsqlBatchCommand(InsertFrom(Unnest(Columns)));
        foreach (var column in Written)
        {
            command.Parameters.Add(column.ArrayParameter(rows));
        }

        return command;
    }

    /// <summary>
    /// Adds <paramref name="rows"/>, written already (a binary COPY straight into the table), to
    /// the rollups: one statement over <c>unnest</c> of just the columns the facts read. Null where
    /// the table has no rollups.
    /// </summary>
    public NpgsqlBatchCommand? RollupsFromArrays(IReadOnlyList<TRow> rows)
    {
        if (!HasRollups)
        {
            return null;
        }

        var read = RollupColumns.Select(name => Written.Single(c => c.Name == name)).ToList();
        var command = new NpgsqlBatchCommand(Rollups.AddFromRows(Unnest(read), Facts, MinuteRollup));
        foreach (var column in read)
        {
            command.Parameters.Add(column.ArrayParameter(rows));
        }

        return command;
    }

    // The source "u" of the given columns, one array parameter each ($1, $2, ... in their order).
    private static string Unnest(IReadOnlyList<ColumnDeclaration> columns) =>
        $"unnest({string.Join(", ", columns.Select((c, i) => $"${i + 1}::{c.Type.UdtName}[]"))}) AS u({string.Join(", ", columns.Select(c => c.Name))})";
}
