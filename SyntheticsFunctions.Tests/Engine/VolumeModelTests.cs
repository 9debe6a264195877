using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>The estimate's math: sessions from the rate the pool carries, rows from rows per session, bytes from row sizes or their fallback.</summary>
public class VolumeModelTests
{
    private static readonly PoolCapacity Ample = PoolCapacity.For(EngineSettings.Defaults, 1_000_000, growable: true);

    [Fact]
    public void At_the_defaults_a_day_holds_2880_sessions_and_ten_events_each()
    {
        var estimate = VolumeModel.Estimate(EngineSettings.Defaults, Ample, []);

        Assert.Equal(2 * 1440, estimate.SessionsPerDay);
        Assert.Equal(2 * 1440 * ExpectedVolume.EventsPerSession, estimate.EventsPerDay);
        Assert.Equal(Tables.Activity, estimate.Tables.Select(t => t.Table));
        Assert.All(estimate.Tables, t => Assert.Equal(2880 * VolumeModel.RowsPerSession[t.Table], t.RowsPerDay, 9));
    }

    [Fact]
    public void Bytes_are_rows_times_the_row_size_a_day_and_retain_days_times_that_at_the_horizon()
    {
        var settings = EngineSettings.Defaults with { RetainDays = 30 };
        var events = new TableStats(Tables.JourneySceneEvents, RelTuples: 10_000, RelPages: 100, HeapBytes: 200 * 8192, TotalBytes: 10_000_000, BlockSize: 8192);

        var estimate = VolumeModel.Estimate(settings, PoolCapacity.For(settings, 1_000_000, growable: true), [events]);

        // 100 rows a page, 200 pages now: 20,000 rows; 10,000,000 bytes over them.
        var table = estimate.Tables.Single(t => t.Table == Tables.JourneySceneEvents);
        Assert.True(table.SizeFromDatabase);
        Assert.Equal(500, table.BytesPerRow, 9);
        Assert.Equal(28_800 * 500, table.BytesPerDay, 6);
        Assert.Equal(28_800 * 500 * 30.0, table.BytesAtRetention, 3);
        Assert.Equal(10_000_000, table.BytesNow);

        var captures = estimate.Tables.Single(t => t.Table == Tables.JourneySceneCaptures);
        Assert.False(captures.SizeFromDatabase);
        Assert.Equal(VolumeModel.FallbackBytesPerRow[Tables.JourneySceneCaptures], captures.BytesPerRow);
        Assert.Equal(estimate.Tables.Sum(t => t.BytesPerDay) * 30, estimate.BytesAtRetention, 3);
    }

    [Fact]
    public void A_backfill_starts_with_the_journeys_and_statuses_of_the_people_it_needs_or_of_the_pool_it_has()
    {
        var needed = PopulationModel.PeopleNeeded(2, 0);
        var full = VolumeModel.Estimate(EngineSettings.Defaults, Ample, []);
        var small = VolumeModel.Estimate(EngineSettings.Defaults, PoolCapacity.For(EngineSettings.Defaults, 1_000, growable: false), []);

        var instances = full.Tables.Single(t => t.Table == Tables.JourneyInstances);
        Assert.Equal(needed * VolumeModel.BackfillStartRowsPerPerson[Tables.JourneyInstances], instances.BackfillStartRows, 9);
        Assert.Equal(instances.BackfillStartRows * VolumeModel.FallbackBytesPerRow[Tables.JourneyInstances], instances.BackfillStartBytes, 6);
        Assert.Equal(1_000 * VolumeModel.BackfillStartRowsPerPerson[Tables.UserMindblockStatus], small.Tables.Single(t => t.Table == Tables.UserMindblockStatus).BackfillStartRows, 9);

        // Only journeys and statuses begin before a backfill's window; a backfill of 7 days adds the start and 7 days.
        Assert.All(full.Tables.Where(t => t.Table is not Tables.JourneyInstances and not Tables.UserMindblockStatus), t => Assert.Equal(0, t.BackfillStartRows));
        Assert.Equal(full.Tables.Sum(t => t.BackfillStartBytes) + (7 * full.BytesPerDay), full.BackfillBytes(7), 3);
    }

    [Theory]
    [InlineData(-1, 0, 0)] // never analysed
    [InlineData(0, 0, 8192)] // analysed empty
    [InlineData(999, 10, 81_920)] // under the minimum: mostly empty pages and index roots
    public void A_table_empty_unanalysed_or_small_gets_the_fallback(double relTuples, long relPages, long heapBytes)
    {
        var stats = new TableStats(Tables.MindblockEvents, relTuples, relPages, heapBytes, heapBytes + 16_384, 8192);

        Assert.Null(stats.BytesPerRow);
        Assert.False(VolumeModel.Estimate(EngineSettings.Defaults, Ample, [stats]).Tables.Single(t => t.Table == Tables.MindblockEvents).SizeFromDatabase);
    }

    [Fact]
    public void A_pool_short_of_the_people_needed_carries_its_share_and_max_per_run_caps_the_mean()
    {
        var needed = PopulationModel.PeopleNeeded(2, EngineSettings.Defaults.RetainDays);

        var half = VolumeModel.Estimate(EngineSettings.Defaults, PoolCapacity.For(EngineSettings.Defaults, needed / 2, growable: false), []);
        var capped = EngineSettings.Defaults with { SessionsPerMin = 10, MaxPerRun = 3 };

        Assert.InRange(half.SessionsPerDay, 2880 * 0.49, 2880 * 0.51);
        Assert.Equal(3 * 1440, VolumeModel.SessionsPerDay(capped, PoolCapacity.For(capped, 1_000_000, growable: true)));
    }

    [Fact]
    public void Mindblock_signals_and_client_errors_move_with_their_rates()
    {
        var doubled = EngineSettings.Defaults with { MindblockChance = 0.9, ErrorRate = 0.13 };

        var rows = VolumeModel.RowsPerSessionAt(doubled);

        // Twice the signals: twice the mindblock rows, and a scene event for each more; a tenth more sessions log an error event.
        var signals = VolumeModel.RowsPerSession[Tables.MindblockEvents];
        Assert.Equal(2 * signals, rows[Tables.MindblockEvents], 9);
        Assert.Equal(ExpectedVolume.EventsPerSession + signals + 0.1, rows[Tables.JourneySceneEvents], 9);
        Assert.Equal(VolumeModel.RowsPerSession[Tables.JourneySceneCaptures], rows[Tables.JourneySceneCaptures]);
        Assert.Equal(VolumeModel.RowsPerSession, VolumeModel.RowsPerSessionAt(EngineSettings.Defaults));
    }
}
