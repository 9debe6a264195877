using System.Text.RegularExpressions;
using SyntheticsFunctions.Tests.LocalHost;

namespace SyntheticsFunctions.Tests.Infra;

/// <summary>
/// The predeploy hook migrates while the old code still serves, so a new migration must leave the
/// old code working: it may add, never drop, rename or retype. A table is dropped in two releases:
/// one that stops reading and writing it (it is listed in <see cref="RetiredTables"/>), then the next,
/// which may drop it (listed in <see cref="DroppableTables"/>) because no release still serving uses it.
/// </summary>
public partial class MigrationRulesTests
{
    /// <summary>Migrations written before migrations ran ahead of the code; they stay as they are.</summary>
    private const string LastMigrationBeforeTheRule = "0004_rollups";

    /// <summary>
    /// Tables no code of this release reads or writes, kept while the previous release may still
    /// serve: the realism caches of 0008 and 0009, replaced by the writers' facts (0011). The next
    /// release drops them.
    /// </summary>
    public static IReadOnlyList<string> RetiredTables { get; } = ["synthetic_realism_days", "synthetic_realism_sessions", "synthetic_realism_hours"];

    /// <summary>Retired tables a migration may drop (<c>DROP TABLE IF EXISTS name</c>): none in this release.</summary>
    public static IReadOnlyList<string> DroppableTables { get; } = [];

    [Fact]
    public void Migrations_after_0004_are_additive()
    {
        var directory = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions", "Storage", "Migrations");
        var newer = Directory.GetFiles(directory, "*.sql")
            .Where(f => string.CompareOrdinal(Path.GetFileNameWithoutExtension(f), LastMigrationBeforeTheRule) > 0);

        Assert.All(newer, file => Assert.Empty(Violations(File.ReadAllText(file), DroppableTables)));
        Assert.True(File.Exists(Path.Combine(directory, LastMigrationBeforeTheRule + ".sql")));
        Assert.All(DroppableTables, table => Assert.Contains(table, RetiredTables));
    }

    [Fact]
    public void No_code_but_the_migrations_names_a_retired_table()
    {
        var app = Path.Combine(LocalHostTests.RepoRoot(), "SyntheticsFunctions");
        var migrations = Path.Combine(app, "Storage", "Migrations") + Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(app, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(migrations, StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetExtension(f) is ".cs" or ".html" or ".sql" or ".http" or ".json");

        var naming = files.SelectMany(f => RetiredTables
            .Where(t => Regex.IsMatch(File.ReadAllText(f), $@"\b{t}\b"))
            .Select(t => $"{Path.GetRelativePath(app, f)} names {t}")).ToList();

        Assert.Empty(naming);
        Assert.True(files.Count() > 50);
    }

    [Theory]
    [InlineData("DROP TABLE IF EXISTS retired_t;", "")]
    [InlineData("drop table if exists retired_t ;", "")]
    [InlineData("DROP TABLE IF EXISTS retired_two;", "DROP")]
    [InlineData("DROP TABLE retired_t;", "DROP")]
    [InlineData("DROP TABLE IF EXISTS retired_t, other;", "DROP")]
    public void Only_a_listed_retired_table_may_be_dropped(string sql, string violation)
    {
        var found = Violations(sql, ["retired_t"]);

        Assert.Equal(violation, string.Join(", ", found));
    }

    [Theory]
    [InlineData("ALTER TABLE t ADD COLUMN c int;", "")]
    [InlineData("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);", "")]
    [InlineData("-- we never DROP anything here\nCREATE TABLE t (c int);", "")]
    [InlineData("COMMENT ON TABLE t IS 'do not drop or rename';", "")]
    [InlineData("ALTER TABLE t DROP CONSTRAINT IF EXISTS c_check, ADD CONSTRAINT c_check CHECK (c > 0);", "")]
    [InlineData("ALTER TABLE t DROP CONSTRAINT IF EXISTS c_check, ADD CONSTRAINT other CHECK (c > 0);", "DROP")]
    [InlineData("ALTER TABLE t DROP CONSTRAINT IF EXISTS c_check;", "DROP")]
    [InlineData("ALTER TABLE t ALTER COLUMN c DROP NOT NULL;", "")]
    [InlineData("alter table t alter c drop not null;", "")]
    [InlineData("ALTER TABLE t ALTER COLUMN c DROP DEFAULT;", "DROP")]
    [InlineData("DROP TABLE t;", "DROP")]
    [InlineData("alter table t drop column c;", "drop")]
    [InlineData("DROP TRIGGER IF EXISTS x ON t;", "DROP")]
    [InlineData("ALTER TABLE t RENAME COLUMN a TO b;", "RENAME")]
    [InlineData("ALTER TABLE t ALTER COLUMN c TYPE bigint;", "ALTER COLUMN c TYPE")]
    [InlineData("alter table t alter c set data type text;", "alter c set data type")]
    [InlineData("ALTER TYPE mood ADD VALUE 'meh';", "ALTER TYPE")]
    public void The_check_finds_drop_rename_and_type_changes_outside_comments_and_strings(string sql, string violation)
    {
        var found = Violations(sql, []);

        Assert.Equal(violation, string.Join(", ", found));
    }

    private static List<string> Violations(string sql, IReadOnlyList<string> droppable)
    {
        // A CHECK replaced by one of the same name in the same statement, or a NOT NULL dropped,
        // is a widening: the old code's writes still fit, so it is additive. A retired table that
        // no serving release uses any more may go.
        var code = DroppedNotNull().Replace(WidenedCheck().Replace(CommentsAndStrings().Replace(sql, " "), " "), " ");
        foreach (var table in droppable)
        {
            code = Regex.Replace(code, $@"\bDROP\s+TABLE\s+IF\s+EXISTS\s+{Regex.Escape(table)}\s*;", " ", RegexOptions.IgnoreCase);
        }

        return Forbidden().Matches(code).Select(m => m.Value).ToList();
    }

    [GeneratedRegex(@"\bDROP\s+CONSTRAINT\s+IF\s+EXISTS\s+(\w+)\s*,\s*ADD\s+CONSTRAINT\s+\1\s+CHECK\b", RegexOptions.IgnoreCase)]
    private static partial Regex WidenedCheck();

    [GeneratedRegex(@"\bALTER\s+(?:COLUMN\s+)?\w+\s+DROP\s+NOT\s+NULL\b", RegexOptions.IgnoreCase)]
    private static partial Regex DroppedNotNull();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\$\$.*?\$\$", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();

    [GeneratedRegex(@"\bDROP\b|\bRENAME\b|\bALTER\s+TYPE\b|\bALTER\s+(?:COLUMN\s+)?\w+\s+(?:SET\s+DATA\s+)?TYPE\b", RegexOptions.IgnoreCase)]
    private static partial Regex Forbidden();
}
