namespace SyntheticsFunctions.Engine;

/// <summary>
/// A table's size as the database's statistics give it: <c>pg_class.reltuples</c> and
/// <c>relpages</c> (as of the last ANALYZE or VACUUM; -1 and 0 before any), the heap's bytes now
/// (<c>pg_relation_size</c>) and the whole table's with its TOAST and indexes (<c>pg_total_relation_size</c>).
/// </summary>
public sealed record TableStats(string Table, double RelTuples, long RelPages, long HeapBytes, long TotalBytes, int BlockSize)
{
    /// <summary>Below this many rows a table's bytes per row are mostly empty pages and index roots: the fallback answers instead.</summary>
    public const double MinRowsForSize = 1000;

    /// <summary>The rows now as the planner estimates them: the analysed rows per page times the heap's pages now; null before any ANALYZE.</summary>
    public double? Rows => RelTuples > 0 && RelPages > 0 ? RelTuples / RelPages * ((double)HeapBytes / BlockSize) : null;

    /// <summary>Bytes per row, TOAST and indexes included; null (use the fallback) for a table empty, never analysed, or under <see cref="MinRowsForSize"/> rows.</summary>
    public double? BytesPerRow => Rows is { } rows && rows >= MinRowsForSize ? TotalBytes / rows : null;
}

/// <summary>
/// What one activity table costs a day at the settings: new rows, their size, and the size kept at
/// the retention horizon. Bytes per row count the heap, TOAST and indexes: the database's own
/// (<c>SizeFromDatabase</c>) or the table's fallback (<see cref="VolumeModel.FallbackBytesPerRow"/>).
/// <c>BytesNow</c> is the table's whole size now (<c>pg_total_relation_size</c>), null where it is not known.
/// <c>BackfillStartRows</c> and <c>BackfillStartBytes</c> are written once by a backfill, before its first day (<see cref="VolumeModel.BackfillStartRowsPerPerson"/>).
/// </summary>
public sealed record TableVolume(
    string Table, double RowsPerSession, double RowsPerDay, double BytesPerRow, bool SizeFromDatabase, double BytesPerDay, double BytesAtRetention, long? BytesNow,
    double BackfillStartRows, double BackfillStartBytes);

/// <summary>
/// What the settings cost, before they are saved: sessions and scene events a day, each activity
/// table's rows and bytes a day and at the retention horizon, and whether the pool carries them.
/// </summary>
public sealed record VolumeEstimate(EngineSettings Settings, double SessionsPerDay, double EventsPerDay, IReadOnlyList<TableVolume> Tables, PoolCapacity Capacity)
{
    public double RowsPerDay => Tables.Sum(t => t.RowsPerDay);

    public double BytesPerDay => Tables.Sum(t => t.BytesPerDay);

    public double BytesAtRetention => Tables.Sum(t => t.BytesAtRetention);

    /// <summary>What a backfill writes once, before its first day: the journeys and mindblock statuses its population is in the middle of.</summary>
    public double BackfillStartBytes => Tables.Sum(t => t.BackfillStartBytes);

    /// <summary>What a backfill of <paramref name="days"/> days adds to the tables: its start, then the days.</summary>
    public double BackfillBytes(int days) => BackfillStartBytes + (days * BytesPerDay);
}

/// <summary>
/// The volume and cost model behind <c>GET synthetics/estimate</c>, pure: sessions a day from
/// the rate the pool carries (<see cref="PoolCapacity"/>: the activity curve's mean over a week is
/// 1 by construction, so a day holds sessions_per_min × 1,440 whatever its hours), rows a day from
/// each table's rows per session, bytes from each table's row size. The growth trend is left out:
/// this is the volume at today's rate.
/// </summary>
public static class VolumeModel
{
    public const int MinutesPerDay = 1440;

    /// <summary>
    /// New rows per session in each activity table at the default settings, in the model's steady
    /// state: rows first written, so a journey continued over days counts once, in the session that
    /// began it (the upserted tables: instances, instance scenes, mindblock statuses); this is what
    /// accumulates up to the retention horizon. Measured with <c>EstimateTests</c>: a 7-day backfill
    /// at the defaults and the default pool cap (seed 27, the window 2026-11-25 to 2026-12-02,
    /// 21,006 sessions), rows dated in the window (a journey begun in it; a mindblock status counted
    /// where every one of its events is in the window) over the sessions started in it, to three
    /// figures; scene events are <see cref="ExpectedVolume.EventsPerSession"/> (9.97 measured there).
    /// </summary>
    public static IReadOnlyDictionary<string, double> RowsPerSession { get; } = new Dictionary<string, double>
    {
        [Tables.JourneyInstances] = 0.347,
        [Tables.JourneyInstanceScenes] = 1.84,
        [Tables.JourneySceneEvents] = ExpectedVolume.EventsPerSession,
        [Tables.JourneySceneCaptures] = 3.91,
        [Tables.JourneyResistanceChecks] = 1.07,
        [Tables.JourneyRealWorldTriggers] = 0.462,
        [Tables.MindblockEvents] = 0.822,
        [Tables.UserMindblockStatus] = 0.370,
    };

    /// <summary>
    /// Rows a backfill writes once, before its first day, per person the settings need (its
    /// pre-roll plays three weeks before the window so that the window opens on people in the
    /// middle of their journeys): the journeys begun before the window, and the mindblock statuses
    /// with an event before it. The other tables get no rows dated before the window. Measured with
    /// <c>EstimateTests</c> (the same backfill as <see cref="RowsPerSession"/>: 16,439 people needed),
    /// to three figures. A fresh install's start writes fewer (only the journeys of people active
    /// within idle_abandon_days, no statuses), so this is the larger of the two.
    /// </summary>
    public static IReadOnlyDictionary<string, double> BackfillStartRowsPerPerson { get; } = new Dictionary<string, double>
    {
        [Tables.JourneyInstances] = 1.076,
        [Tables.UserMindblockStatus] = 1.346,
    };

    /// <summary>
    /// Bytes per row (heap, TOAST and indexes, <c>pg_total_relation_size</c> over the rows) of each
    /// activity table, for a database that cannot say yet (a table empty or never analysed).
    /// Measured with <c>EstimateTests</c> after the same 7-day backfill and an ANALYZE, on the engine's
    /// own tables and indexes (migrations 0001-0016, PostgreSQL 15), rounded to 5 bytes; upserted
    /// tables include their updates' dead row versions. A journey app's own tables and indexes
    /// differ, which the database's own figures show once the table holds
    /// <see cref="TableStats.MinRowsForSize"/> analysed rows.
    /// </summary>
    public static IReadOnlyDictionary<string, double> FallbackBytesPerRow { get; } = new Dictionary<string, double>
    {
        [Tables.JourneyInstances] = 660,
        [Tables.JourneyInstanceScenes] = 320,
        [Tables.JourneySceneEvents] = 455,
        [Tables.JourneySceneCaptures] = 490,
        [Tables.JourneyResistanceChecks] = 385,
        [Tables.JourneyRealWorldTriggers] = 345,
        [Tables.MindblockEvents] = 445,
        [Tables.UserMindblockStatus] = 360,
    };

    /// <summary>
    /// Sessions a day: the rate the pool carries (all of sessions_per_min where it holds the people
    /// needed), at most max_per_run a minute. A busy hour's excess over max_per_run is carried to
    /// quieter ticks, so only the mean is capped.
    /// </summary>
    public static double SessionsPerDay(EngineSettings settings, PoolCapacity capacity) =>
        Math.Min(capacity.ExpectedSessionsPerMin, settings.MaxPerRun) * MinutesPerDay;

    /// <summary>
    /// <see cref="RowsPerSession"/> at <paramref name="settings"/>' rates. Each scene draws a mindblock
    /// signal with mindblock_chance (a <c>mindblock_events</c> row and a scene event each), and a
    /// session logs one client error with error_rate (a scene event), so those rows move in
    /// proportion; the rest (and the abandon rate's effect) stay as measured at the defaults.
    /// </summary>
    public static IReadOnlyDictionary<string, double> RowsPerSessionAt(EngineSettings settings)
    {
        var defaults = EngineSettings.Defaults;
        var rows = new Dictionary<string, double>(RowsPerSession);
        var signals = defaults.MindblockChance > 0 ? RowsPerSession[Tables.MindblockEvents] * settings.MindblockChance / defaults.MindblockChance : 0;
        var moreSignals = signals - RowsPerSession[Tables.MindblockEvents];
        rows[Tables.MindblockEvents] = signals;
        rows[Tables.JourneySceneEvents] = RowsPerSession[Tables.JourneySceneEvents] + moreSignals + (settings.ErrorRate - defaults.ErrorRate);
        return rows;
    }

    /// <summary>
    /// The estimate at <paramref name="settings"/> for a pool of <paramref name="capacity"/>, each
    /// table's row size from <paramref name="stats"/> where the database can say (<see cref="TableStats.BytesPerRow"/>), else its fallback.
    /// </summary>
    public static VolumeEstimate Estimate(EngineSettings settings, PoolCapacity capacity, IReadOnlyList<TableStats> stats)
    {
        var sessions = SessionsPerDay(settings, capacity);
        var perSession = RowsPerSessionAt(settings);
        var people = Math.Min(capacity.Needed, capacity.Available);
        var tables = Tables.Activity.Select(table =>
        {
            var stat = stats.FirstOrDefault(s => s.Table == table);
            var size = stat?.BytesPerRow;
            var rowBytes = size ?? FallbackBytesPerRow[table];
            var rows = sessions * perSession[table];
            var start = people * BackfillStartRowsPerPerson.GetValueOrDefault(table);
            return new TableVolume(
                table, perSession[table], rows, rowBytes, size is not null, rows * rowBytes, rows * rowBytes * settings.RetainDays, stat?.TotalBytes, start, start * rowBytes);
        }).ToList();
        return new VolumeEstimate(settings, sessions, sessions * perSession[Tables.JourneySceneEvents], tables, capacity);
    }
}
