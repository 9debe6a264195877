using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// A cron tick flat in the pool's size (migration 0019): the facts it reads of the whole pool are
/// kept by the writes (who signed up, who churned, the active members by time zone), and it looks
/// at a bounded slice of sim_users and of the pool each time, round the tables.
/// </summary>
public class PoolSliceTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    // The active members by time zone as the pool's writes keep them, and as counting the pool (listed in sim_users) gives them.
    private const string KeptZones =
        "SELECT coalesce(string_agg(timezone || ' ' || members, ', ' ORDER BY timezone), '') FROM synthetic_pool_zones WHERE members > 0";

    private const string CountedZones =
        """
        SELECT coalesce(string_agg(timezone || ' ' || n, ', ' ORDER BY timezone), '')
        FROM (SELECT pm.timezone, count(*) AS n FROM synthetic_pool pm
              WHERE pm.retired_at IS NULL AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = pm.profile_id) GROUP BY pm.timezone) t
        """;

    // Pool rows whose kept flags disagree with the tables they follow.
    private const string WrongFlags =
        """
        SELECT count(*) FROM synthetic_pool pm LEFT JOIN synthetic_user_state us ON us.profile_id = pm.profile_id
        WHERE pm.signed_up <> (us.profile_id IS NOT NULL) OR pm.churned <> coalesce(us.lifecycle = 'churned', false)
        """;

    [Fact]
    public async Task A_cron_tick_on_a_pool_larger_than_its_slice_notices_added_and_removed_members_within_a_round_and_never_writes_for_a_removed_one()
    {
        var now = new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        var members = await app.CountAsync("SELECT count(*) FROM sim_users");
        output.WriteLine($"{members} sim users, slices of {PoolSql.SliceSize}");
        Assert.True(members > 2 * PoolSql.SliceSize, $"{members} sim users: the test needs more than two slices");
        Assert.Equal(0, await app.CountAsync(WrongFlags));
        Assert.Equal(await Db.TextAsync(app.ConnectionString, CountedZones), await Db.TextAsync(app.ConnectionString, KeptZones));

        // The owner removes the member whose session is due next, and adds one whose id sorts last
        // (the first tick's slice started at the lowest id, so the next one does not reach it).
        var removed = Guid.Parse(await Db.TextAsync(
            app.ConnectionString, $"SELECT profile_id::text FROM synthetic_user_state WHERE next_session_at > '{now:O}' ORDER BY next_session_at, profile_id LIMIT 1"));
        var sessions = await app.CountAsync("SELECT sessions FROM synthetic_user_state WHERE profile_id = $1", removed);
        var added = Guid.Parse("ffffffff-ffff-4fff-bfff-ffffffffffff");
        await app.ExecuteAsync("DELETE FROM sim_users WHERE profile_id = $1", removed);
        await app.ExecuteAsync("INSERT INTO profiles (id, display_name, created_at) VALUES ($1, 'Added by the owner', $2)", added, now.AddDays(-1).UtcDateTime);
        await app.ExecuteAsync(
            "INSERT INTO sim_users (profile_id, persona, timezone, created_at) VALUES ($1, 'steady_habit_builder', 'UTC', $2)", added, now.AddDays(-1).UtcDateTime);

        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE profile_id = $1", added));

        // Within a round of the tables (a slice a tick) the added member joins and the removed one
        // is marked as gone; no tick meanwhile started a session for the removed one.
        var ticks = 1;
        while (await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE profile_id = $1", added) == 0)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
            ticks++;
            var rounds = (await app.CountAsync("SELECT count(*) FROM sim_users") + PoolSql.SliceSize - 1) / PoolSql.SliceSize;
            Assert.True(ticks <= rounds + 1, $"{ticks} ticks and the added member has not joined ({rounds} slices)");
            Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions WHERE profile_id = $1", removed));
        }

        output.WriteLine($"the added member joined on tick {ticks} after the owner added them");
        for (var round = 0; round < ticks + 1; round++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        }

        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE profile_id = $1 AND listed AND retired_at IS NULL", added));
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE profile_id = $1 AND NOT listed", removed));
        Assert.Equal(sessions, await app.CountAsync("SELECT sessions FROM synthetic_user_state WHERE profile_id = $1", removed));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions WHERE profile_id = $1", removed));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_instances WHERE user_id = $1 AND last_activity_at > $2", removed, now.UtcDateTime));
        Assert.Equal(0, await app.CountAsync(WrongFlags));
        Assert.Equal(await Db.TextAsync(app.ConnectionString, CountedZones), await Db.TextAsync(app.ConnectionString, KeptZones));
    }

    [Fact]
    public async Task The_kept_flags_and_time_zone_counts_follow_a_resize_a_purge_of_states_and_a_retirement()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        Assert.Equal(200, await app.CountAsync("SELECT sum(members) FROM synthetic_pool_zones"));

        // Shrinking retires members; growing creates new ones; the counts follow both.
        Assert.NotNull(await app.Pool.ResizeAsync(150, CancellationToken.None));
        Assert.Equal(150, await app.CountAsync("SELECT sum(members) FROM synthetic_pool_zones"));
        Assert.NotNull(await app.Pool.ResizeAsync(260, CancellationToken.None));
        Assert.Equal(260, await app.CountAsync("SELECT sum(members) FROM synthetic_pool_zones"));
        Assert.Equal(await Db.TextAsync(app.ConnectionString, CountedZones), await Db.TextAsync(app.ConnectionString, KeptZones));

        // A member who churned retires on the next tick through the kept flag.
        var churned = Guid.Parse(await Db.TextAsync(app.ConnectionString, "SELECT profile_id::text FROM synthetic_user_state ORDER BY profile_id LIMIT 1"));
        await app.ExecuteAsync("UPDATE synthetic_user_state SET lifecycle = 'churned', next_session_at = NULL, last_session_at = $2 WHERE profile_id = $1", churned, app.Time.GetUtcNow().AddDays(-1).UtcDateTime);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE churned AND retired_at IS NULL"));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        Assert.Equal(1, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE profile_id = $1 AND retired_at IS NOT NULL", churned));
        Assert.Equal(0, await app.CountAsync(WrongFlags));
        Assert.Equal(await Db.TextAsync(app.ConnectionString, CountedZones), await Db.TextAsync(app.ConnectionString, KeptZones));

        // States dropped: every member may sign up again.
        await app.ExecuteAsync("DELETE FROM synthetic_user_state");
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_pool WHERE signed_up OR churned"));
    }
}
