using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Service;

/// <summary>
/// The estimate against what the engine writes: on a fresh database (the fallback row sizes), then
/// a 7-day backfill at the default settings and the default pool cap, then again (the database's
/// own row sizes). Rows per table within 10% of the estimate, bytes within 10% of what the
/// tables grew by. Prints the comparison per table.
/// </summary>
[LongRunning(80)]
public class EstimateTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    /// <summary>The window's end: 25 November to 2 December 2026, no holiday in it.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    private const int Days = 7;

    [Fact]
    public async Task A_seven_day_backfill_at_the_defaults_writes_the_estimated_rows_and_bytes_within_ten_percent()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();

        // The real default cap, not TestApp's 200: the defaults need about 16,000 people, and a
        // small cap would make the volume give way, which is not what an operator would see.
        await using var app = await TestApp.CreateAsync(
            database, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = SyntheticsOptions.DefaultPoolSize.ToString(CultureInfo.InvariantCulture) }, now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        var estimates = app.Provider.GetRequiredService<IEstimateService>();
        var empty = new SettingsPatch(new Dictionary<string, object>());

        var fresh = await estimates.EstimateAsync(empty, CancellationToken.None);
        var sizesBefore = await SizesAsync(app);

        var start = await app.Backfill.StartAsync(Days, purgeFirst: true, CancellationToken.None, seed: 27);
        Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        var windowStart = start.Job!.Job.WindowStart.UtcDateTime;

        // What autovacuum does after a bulk load, done now rather than waited for: the statistics the estimate reads.
        await app.ExecuteAsync($"ANALYZE {string.Join(", ", Tables.Activity)}");
        var after = await estimates.EstimateAsync(empty, CancellationToken.None);
        var sizesAfter = await SizesAsync(app);
        var sessions = await app.CountAsync("SELECT sum(sessions_started) FROM synthetic_runs WHERE trigger = 'backfill'");

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sessions: estimated {fresh.Volume.SessionsPerDay * Days:N0} over {Days} days, backfilled {sessions:N0}; pool: {fresh.Volume.Capacity.Needed:N0} needed of a {fresh.PoolCap:N0} cap"));
        output.WriteLine("| table | rows/session measured | rows estimated | rows backfilled | ratio | start rows/person measured | start rows estimated | start rows backfilled | bytes/row (db) | bytes estimated (start + 7 days) | bytes grown | ratio |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var rowsOff = new List<string>();
        double estimatedBytes = 0, grownBytes = 0, windowBytes = 0, dailyBytes = 0;
        foreach (var table in Tables.Activity)
        {
            var estimate = fresh.Volume.Tables.Single(t => t.Table == table);
            var sized = after.Volume.Tables.Single(t => t.Table == table);
            var rows = await RowsWrittenInWindowAsync(app, table, windowStart);
            var all = await app.CountAsync($"SELECT count(*) FROM {table}");
            var estimatedRows = estimate.RowsPerDay * Days;
            var bytes = sized.BackfillStartBytes + (sized.BytesPerDay * Days);
            var grown = sizesAfter[table] - sizesBefore[table];

            // The growth that is the window's rows: the pre-roll's journeys and statuses (begun
            // before the window, the backfill's one-off start) take their share of the bytes out.
            var inWindow = grown * (double)rows / all;
            estimatedBytes += bytes;
            dailyBytes += sized.BytesPerDay * Days;
            grownBytes += grown;
            windowBytes += inWindow;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {table} | {rows / (double)sessions:F4} | {estimatedRows:N0} | {rows:N0} | {estimatedRows / rows:F3} | {(all - rows) / (double)fresh.Volume.Capacity.Needed:F3} | {estimate.BackfillStartRows:N0} | {all - rows:N0} | {sized.BytesPerRow:F1} | {bytes:N0} | {grown:N0} | {bytes / grown:F3} |"));
            if (Math.Abs((estimatedRows / rows) - 1) > 0.10 || (all > rows && Math.Abs((estimate.BackfillStartRows / (all - rows)) - 1) > 0.10))
            {
                rowsOff.Add(table);
            }

            Assert.False(estimate.SizeFromDatabase, $"{table}: a fresh database has no row sizes yet, the fallback answers");
            Assert.True(sized.SizeFromDatabase, $"{table}: after the backfill and ANALYZE the database gives the row size");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| all | | {fresh.Volume.RowsPerDay * Days:N0} | | | | | | | {estimatedBytes:N0} | {grownBytes:N0} | {estimatedBytes / grownBytes:F3} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"the {Days} days alone: estimated {dailyBytes:N0} bytes, the window's rows' share of the growth {windowBytes:N0} ({dailyBytes / windowBytes:F3})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fresh (fallback sizes): {fresh.Volume.BytesPerDay * Days:N0} bytes over {Days} days; at the retention horizon ({fresh.Volume.Settings.RetainDays} days) {after.Volume.BytesAtRetention:N0} bytes; connections: {after.MaxPoolSize} per instance, server {after.ServerMaxConnections}"));

        Assert.Empty(rowsOff);

        // Estimated again after the backfill (the database's own row sizes): its start and its
        // days within 10% of what pg_total_relation_size grew by; the days alone within 10% of
        // the window's rows' share of that growth.
        Assert.InRange(estimatedBytes / grownBytes, 0.9, 1.1);
        Assert.Equal(estimatedBytes, after.Volume.BackfillBytes(Days), 1e-3);
        Assert.InRange(dailyBytes / windowBytes, 0.9, 1.1);

        // On the fresh database, with the fallback row sizes, the same within 10%.
        Assert.InRange(fresh.Volume.BackfillBytes(Days) / grownBytes, 0.9, 1.1);
    }

    /// <summary>
    /// The rows a table gained in the window: its rows dated in it. The backfill also writes the
    /// journeys and mindblock statuses its 21-day pre-roll left (begun before the window); those are
    /// not the window's volume. A status counts where all its events are in the window.
    /// </summary>
    private static Task<long> RowsWrittenInWindowAsync(TestApp app, string table, DateTime windowStart) => table switch
    {
        Tables.UserMindblockStatus => app.CountAsync(
            "SELECT count(*) FROM user_mindblock_status s WHERE s.event_count = (SELECT count(*) FROM mindblock_events e WHERE e.user_id = s.user_id AND e.mindblock_id = s.mindblock_id)"),
        Tables.JourneyInstances => app.CountAsync("SELECT count(*) FROM journey_instances WHERE started_at > $1", windowStart),
        _ => app.CountAsync($"SELECT count(*) FROM {table} WHERE created_at > $1", windowStart),
    };

    private static async Task<Dictionary<string, long>> SizesAsync(TestApp app)
    {
        var sizes = new Dictionary<string, long>();
        foreach (var table in Tables.Activity)
        {
            sizes[table] = await app.CountAsync($"SELECT pg_total_relation_size('{table}')");
        }

        return sizes;
    }
}
