using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The installation's row (<c>synthetic_installation</c>) as the engine uses it: read in a run's
/// first batch and by a backfill when it plays, its history start recorded by the first cron run
/// that writes and by a backfill job's creation.
/// </summary>
public class InstallationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 14, 37, 12, TimeSpan.Zero);

    [Fact]
    public async Task A_run_reads_the_installation_in_its_first_batch()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        var seed = await app.CountAsync("SELECT seed FROM synthetic_installation");
        var request = new RunRequest(RunTrigger.Cron, Uuid7.Create(Now, new Random(1)), 1, Now, 0);

        var before = await LoadInstallationAsync(app, request);
        await app.ExecuteAsync("UPDATE synthetic_installation SET history_start = $1", Now.AddDays(-9).UtcDateTime);
        var after = await LoadInstallationAsync(app, request);

        Assert.Equal(new Installation(seed, null), before);
        Assert.Equal(new Installation(seed, Now.AddDays(-9)), after);
    }

    [Fact]
    public async Task The_first_cron_run_that_writes_starts_the_history_at_its_window_and_later_runs_leave_it()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");

        var paused = await app.RunAsync(RunTrigger.Cron);
        var manual = await app.RunAsync(RunTrigger.Manual, 3);
        var afterSkipAndManual = await HistoryStartAsync(app);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var first = await app.RunAsync(RunTrigger.Cron);
        var afterFirst = await HistoryStartAsync(app);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await app.RunAsync(RunTrigger.Cron);

        Assert.Equal(RunSkip.Paused, paused.Result!.Skipped);
        Assert.Equal(RunStatus.Succeeded, manual.Status);
        Assert.Null(afterSkipAndManual);
        Assert.Equal(RunStatus.Succeeded, first.Status);
        Assert.Equal(RunStatus.Succeeded, second.Status);

        // A first window is the minute before the tick.
        Assert.Equal(Now, afterFirst);
        Assert.Equal(Now, await WindowStartAsync(app, first.RunId));
        Assert.Equal(Now, await HistoryStartAsync(app));
    }

    [Fact]
    public async Task Creating_a_backfill_starts_the_history_at_its_window_unless_it_started_earlier()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");

        async Task<DateTimeOffset?> StartThenCancelAsync(int days)
        {
            var start = await app.Backfill.StartAsync(days, purgeFirst: false, CancellationToken.None, seed: days); // a seed of its own: the job id derives from it
            await app.Backfill.CancelAsync(start.Job!.Job.Id, CancellationToken.None);
            return await HistoryStartAsync(app);
        }

        var first = await StartThenCancelAsync(2);
        var shorter = await StartThenCancelAsync(1);
        var longer = await StartThenCancelAsync(5);
        var queued = await app.Backfill.StartAsync(1, purgeFirst: false, CancellationToken.None);
        var refused = await app.Backfill.StartAsync(10, purgeFirst: false, CancellationToken.None);

        Assert.Equal(Now.AddDays(-2), first);
        Assert.Equal(Now.AddDays(-2), shorter);
        Assert.Equal(Now.AddDays(-5), longer);
        Assert.NotNull(queued.Job);
        Assert.Equal(BackfillRefusal.AnotherRunning, refused.Refusal);
        Assert.Equal(Now.AddDays(-5), await HistoryStartAsync(app));
    }

    [Fact]
    public async Task A_backfill_plays_over_the_installations_seed_and_the_history_start_its_creation_recorded()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 1, max_per_run = 3, growth_percent_per_30_days = 100 WHERE id = 1");

        // The history began 150 days before the window: five doublings of the volume by then.
        await app.ExecuteAsync("UPDATE synthetic_installation SET history_start = $1", Now.AddDays(-151).UtcDateTime);
        var started = await app.Backfill.StartAsync(1, purgeFirst: true, CancellationToken.None, seed: 21);
        await app.ExecuteAsync("UPDATE synthetic_settings SET growth_percent_per_30_days = 0 WHERE id = 1"); // the job keeps its own
        Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        var store = app.Provider.GetRequiredService<BackfillStore>();
        var job = (await store.GetAsync(started.Job!.Job.Id, CancellationToken.None))!;
        var (catalog, installation) = await store.ReadPlayInputAsync(job, CancellationToken.None);

        Assert.Equal(100, job.Settings.GrowthPercentPer30Days);
        Assert.True(job.Settings.HolidayDamping);
        Assert.Equal(new Installation(await app.CountAsync("SELECT seed FROM synthetic_installation"), Now.AddDays(-151)), installation);

        // The journal's simulated hours are what the engine draws over that installation, not over flat days.
        var written = await RequestedPerHourAsync(app);
        var poolCap = app.Provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value.PoolSize;
        List<string> Played(Installation? days)
        {
            var player = new BackfillPlayer(new BackfillSpec(job.Seed, job.WindowStart, job.WindowStart.AddDays(job.Days), job.Settings, poolCap, job.ExistingUsers ?? 0, job.Members, Installation: days), catalog);
            var hours = new List<string>();
            while (true)
            {
                var final = player.NextIsFinal;
                hours.AddRange(player.Play(Now).Hours.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.WindowStart:O} {h.SessionsRequested}")));
                if (final)
                {
                    return hours;
                }
            }
        }

        Assert.Equal(Played(installation), written);
        var flat = Played(null);
        Assert.Equal(written.Count, flat.Count);
        Assert.True(Total(written) > 10 * Total(flat), $"{Total(written)} sessions requested over the installation's days, {Total(flat)} over flat days");
    }

    private static long Total(List<string> hours) => hours.Sum(h => long.Parse(h.Split(' ')[1], CultureInfo.InvariantCulture));

    private static async Task<List<string>> RequestedPerHourAsync(TestApp app)
    {
        await using var command = app.DataSource.CreateCommand("SELECT window_start, sessions_requested FROM synthetic_runs WHERE trigger = 'backfill' ORDER BY window_start");
        await using var reader = await command.ExecuteReaderAsync();
        var hours = new List<string>();
        while (await reader.ReadAsync())
        {
            var start = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            hours.Add(string.Create(CultureInfo.InvariantCulture, $"{start:O} {reader.GetInt32(1)}"));
        }

        return hours;
    }

    private static async Task<Installation> LoadInstallationAsync(TestApp app, RunRequest request)
    {
        await using var transaction = await app.Provider.GetRequiredService<RunTransactions>().BeginAsync(CancellationToken.None);
        var loaded = await transaction.LoadAsync(request, CancellationToken.None);
        Assert.Equal(RunSkip.None, loaded.Skip);
        return loaded.Input!.Installation!;
    }

    private static async Task<DateTimeOffset?> HistoryStartAsync(TestApp app) =>
        await TimestampAsync(app, "SELECT history_start FROM synthetic_installation");

    private static async Task<DateTimeOffset?> WindowStartAsync(TestApp app, Guid runId) =>
        await TimestampAsync(app, $"SELECT window_start FROM synthetic_runs WHERE id = '{runId}'");

    private static async Task<DateTimeOffset?> TimestampAsync(TestApp app, string sql)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        return await command.ExecuteScalarAsync() is DateTime value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
    }
}
