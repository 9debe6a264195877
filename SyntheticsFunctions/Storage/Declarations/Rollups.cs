namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// One row counting once towards an hourly metric: <paramref name="Metric"/> is a SQL expression
/// over the row (usually a quoted name), <paramref name="At"/> the column that dates it,
/// <paramref name="Where"/> an optional condition on the row, and <paramref name="FirstWriteOnly"/>
/// counts an upserted row only when it was inserted, not when it was updated.
/// </summary>
public sealed record RollupFact(string Metric, string At, string? Where = null, bool FirstWriteOnly = false, IReadOnlyList<string>? Uses = null)
{
    /// <summary>A fact counted under a fixed metric name.</summary>
    public static RollupFact Named(string metric, string at, string? where = null, bool firstWriteOnly = false, params string[] uses) =>
        new($"'{metric}'", at, where, firstWriteOnly, uses);

    /// <summary>The row columns the fact reads.</summary>
    public IEnumerable<string> Columns => [At, .. Uses ?? []];
}

/// <summary>
/// The rollups' one home: their tables, the metric names, and the SQL that adds written rows to
/// them and subtracts deleted ones. Runs add in the same statement as their rows; cleanup and
/// purge subtract exactly what they delete; <c>synthetic_rebuild_rollups()</c> (migration 0004)
/// recomputes both from the tables, and a test checks the two agree.
/// </summary>
public static class Rollups
{
    public const string HoursTable = "synthetic_activity_hours";
    public const string MinutesTable = "synthetic_event_minutes";

    public const string Sessions = "sessions";
    public const string JourneysStarted = "journeys_started";
    public const string JourneysCompleted = "journeys_completed";
    public const string JourneysAbandoned = "journeys_abandoned";
    public const string Captures = "captures";
    public const string ResistanceChecks = "resistance_checks";
    public const string MindblockEvents = "mindblock_events";

    /// <summary>Events count per type under <c>event:&lt;event_type&gt;</c>.</summary>
    public const string EventPrefix = "event:";

    /// <summary>Adds to an hourly rollup row.</summary>
    public const string AddToHoursConflict = $"ON CONFLICT (hour, metric) DO UPDATE SET count = {HoursTable}.count + excluded.count";

    private const string FirstWrite = "first_write";

    /// <summary>
    /// Wraps an INSERT (or upsert) so the rows it wrote are added to the rollups in the same
    /// statement. With <paramref name="firstWriteFlag"/>, facts marked first-write-only count
    /// rows the upsert inserted, not those it updated. The rollup rows are upserted in key order,
    /// so runs adding to the same hour or minute wait on each other but never deadlock.
    /// </summary>
    public static string AddFromWritten(string insert, IReadOnlyList<RollupFact> facts, bool minutes, bool firstWriteFlag)
    {
        var returning = ReturnedColumns(facts, minutes);
        if (firstWriteFlag)
        {
            returning.Add($"(xmax = 0) AS {FirstWrite}");
        }

        return AddFrom($"written AS ({insert} RETURNING {string.Join(", ", returning)})", facts, minutes, firstWriteFlag);
    }

    /// <summary>
    /// Adds rows already written (by a binary COPY into the table, which returns nothing) to the
    /// rollups: <paramref name="rows"/> is a source of just their <see cref="ReturnedColumns"/>,
    /// which the same facts read as they read an insert's returned rows.
    /// </summary>
    public static string AddFromRows(string rows, IReadOnlyList<RollupFact> facts, bool minutes) =>
        AddFrom($"written AS MATERIALIZED (SELECT * FROM {rows})", facts, minutes, firstWriteFlag: false);

    /// <summary>The columns of a written row the rollups read: the facts' columns, and the event minute's.</summary>
    public static List<string> ReturnedColumns(IReadOnlyList<RollupFact> facts, bool minutes)
    {
        IEnumerable<string> columns = facts.SelectMany(f => f.Columns);
        if (minutes)
        {
            columns = columns.Concat(["created_at", "event_type"]);
        }

        return [.. columns.Distinct()];
    }

    // The rollup upserts over the CTE "written" (the rows counted), in key order.
    private static string AddFrom(string written, IReadOnlyList<RollupFact> facts, bool minutes, bool firstWriteFlag)
    {
        var ctes = new List<string> { written };
        if (minutes)
        {
            ctes.Add(
                $"""
                minutes AS (
                    INSERT INTO {MinutesTable} (minute, event_type, events)
                    SELECT date_trunc('minute', created_at), event_type, count(*) FROM written GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (minute, event_type) DO UPDATE SET events = {MinutesTable}.events + excluded.events)
                """);
        }

        return
            $"""
            WITH {string.Join(",\n", ctes)}
            INSERT INTO {HoursTable} (hour, metric, count)
            SELECT date_trunc('hour', at), metric, count(*) FROM ({FactRows("written", facts, firstWriteFlag)}) facts
            GROUP BY 1, 2 ORDER BY 1, 2
            {AddToHoursConflict}
            """;
    }

    /// <summary>A DELETE that subtracts its rows from the rollups and answers how many it deleted.</summary>
    public static string DeleteCounted(string table, string where, IReadOnlyList<RollupFact> facts, bool minutes)
    {
        var returning = ReturnedColumns(facts, minutes);
        var ctes = new List<string> { $"d AS (DELETE FROM {table} WHERE {where} RETURNING {(returning.Count == 0 ? "1" : string.Join(", ", returning))})" };
        if (minutes)
        {
            ctes.Add(
                $"""
                m AS (UPDATE {MinutesTable} r SET events = r.events - x.n
                      FROM (SELECT date_trunc('minute', created_at) AS minute, event_type, count(*) AS n FROM d GROUP BY 1, 2) x
                      WHERE r.minute = x.minute AND r.event_type = x.event_type)
                """);
        }

        if (facts.Count > 0)
        {
            ctes.Add($"h AS ({SubtractFromHours($"({FactRows("d", facts, firstWriteFlag: false)}) facts", "at", "metric")})");
        }

        return $"WITH {string.Join(",\n", ctes)}\nSELECT count(*) FROM d";
    }

    /// <summary>An UPDATE subtracting <paramref name="amount"/> per hour and metric of <paramref name="source"/> from the hourly rollup.</summary>
    public static string SubtractFromHours(string source, string at, string metric, string amount = "count(*)") =>
        $"""
        UPDATE {HoursTable} r SET count = r.count - x.n
        FROM (SELECT date_trunc('hour', {at}) AS hour, {metric} AS metric, {amount} AS n FROM {source} GROUP BY 1, 2) x
        WHERE r.hour = x.hour AND r.metric = x.metric
        """;

    /// <summary>Adds one metric's count at an hour: <c>$1</c> the time, <c>$2</c> the count.</summary>
    public static string AddOne(string metric) =>
        $"""
        INSERT INTO {HoursTable} (hour, metric, count) VALUES (date_trunc('hour', $1::timestamptz), '{metric}', $2)
        {AddToHoursConflict}
        """;

    private static string FactRows(string source, IReadOnlyList<RollupFact> facts, bool firstWriteFlag) =>
        string.Join(
            "\nUNION ALL ",
            facts.Select(f =>
            {
                var conditions = new[] { f.Where, f.FirstWriteOnly && firstWriteFlag ? FirstWrite : null }.OfType<string>().ToList();
                return $"SELECT {f.At} AS at, {f.Metric} AS metric FROM {source}" + (conditions.Count > 0 ? " WHERE " + string.Join(" AND ", conditions) : "");
            }));
}
