using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

public class RoundTripTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData(RunTrigger.Manual, 1)]
    [InlineData(RunTrigger.Manual, 50)]
    [InlineData(RunTrigger.Cron, 0)]
    public async Task A_run_takes_three_round_trips_whatever_the_batch_size(RunTrigger trigger, int target)
    {
        var direct = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var proxy = new RoundTripProxy(new NpgsqlConnectionStringBuilder(direct).Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(direct) { Port = proxy.Port }.ConnectionString;
        var now = TestApp.DefaultNow;
        await using var app = await TestApp.CreateAsync(throughProxy, now: now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 120, max_per_run = 50 WHERE id = 1");
        await app.RunAsync(RunTrigger.Cron); // the last cron run, so the measured tick has a window
        app.Time.Advance(TimeSpan.FromMinutes(1));

        // Everyone due now: the pool (200) is far below what 120 sessions a minute need, so only the due start.
        await app.ExecuteAsync("UPDATE synthetic_user_state SET next_session_at = $1", app.Time.GetUtcNow().AddMinutes(-1).UtcDateTime);

        proxy.Reset();
        var outcome = await app.RunAsync(trigger, target);
        var roundTrips = proxy.RoundTrips;

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.True(outcome.Result!.TotalRows > 0);
        Assert.Equal(3, roundTrips);
    }
}
