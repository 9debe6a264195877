using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>The population model on the real database: a steady-state fresh start, claims by next planned session, signups.</summary>
public class PopulationStorageTests(PostgresFixture postgres, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_fresh_start_creates_a_steady_state_population_and_ticks_start_the_users_who_are_due()
    {
        var now = new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);

        var users = await app.CountAsync("SELECT count(*) FROM sim_users");
        output.WriteLine($"steady state at 2 sessions a minute: {users} users; lifecycles {await Db.TextAsync(app.ConnectionString, "SELECT string_agg(lifecycle || ' ' || n, ', ' ORDER BY lifecycle) FROM (SELECT lifecycle, count(*) n FROM synthetic_user_state GROUP BY 1) t")}; active in the last 28 days {await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE last_session_at > $1", now.AddDays(-28).UtcDateTime)}, in the last day {await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE last_session_at > $1", now.AddDays(-1).UtcDateTime)}");
        Assert.True(users > 1000, $"{users} users for 2 sessions a minute");
        Assert.Equal(users, await app.CountAsync("SELECT count(*) FROM synthetic_user_state"));
        Assert.Equal(users, await app.CountAsync("SELECT count(*) FROM profiles WHERE metadata->>'synthetic' = 'true'"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE lifecycle = 'churned' OR next_session_at IS NULL"));
        Assert.True(await app.CountAsync("SELECT count(DISTINCT lifecycle) FROM synthetic_user_state") >= 4);
        Assert.True(await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE signup_at < $1", now.AddDays(-60).UtcDateTime) > 0);
        Assert.True(await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE signup_at > $1", now.AddDays(-7).UtcDateTime) > 0);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_user_state us JOIN sim_users su USING (profile_id) WHERE su.created_at <> us.signup_at"));
        var population = (await app.Status.GetStatusAsync(CancellationToken.None)).Population!;
        Assert.Equal(users, population.Total);
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE signup_at > $1", now.AddDays(-1).UtcDateTime), population.NewToday);
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE lifecycle IN ('lapsing', 'lapsed')"), population.Lapsed);
        Assert.Equal(0, population.Churned);
        Assert.Equal(
            Math.Round((double)await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE last_session_at > $1", now.AddDays(-1).UtcDateTime)
                / await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE last_session_at > $1", now.AddDays(-28).UtcDateTime), 3),
            population.DauOverMau);
        var page = await app.Pool.ListAsync(1, 50, CancellationToken.None);
        Assert.All(page.Users, u => Assert.NotNull(u.Lifecycle));
        Assert.All(page.Users, u => Assert.NotNull(u.SignupAt));

        // Mid-story: everyone still there who was active within the idle horizon is part-way through a journey (past its first
        // scene, started before their last session, which was its last activity); nothing is written for the scenes before.
        var recent = now.AddDays(-EngineSettings.Defaults.IdleAbandonDays).UtcDateTime;
        var midStory = await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE lifecycle <> 'churned' AND last_session_at >= $1", recent);
        Assert.True(midStory > users / 4, $"{midStory} of {users} mid-story");
        Assert.Equal(midStory, await app.CountAsync(
            """
            SELECT count(*) FROM journey_instances ji JOIN synthetic_user_state us ON us.profile_id = ji.user_id
            WHERE ji.status = 'active' AND ji.started_at <= ji.last_activity_at AND ji.last_activity_at = us.last_session_at AND ji.started_at >= us.signup_at
              AND ji.current_scene_order > (SELECT min(s.scene_order) FROM journey_scenes s WHERE s.journey_id = ji.journey_id)
              AND ji.metadata->>'synthetic' = 'true'
            """));
        Assert.Equal(midStory, await app.CountAsync("SELECT count(*) FROM journey_instances"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_instance_scenes"));

        var started = 0;
        await app.RunAsync(RunTrigger.Cron);
        var sessionsBefore = await app.CountAsync("SELECT sum(sessions) FROM synthetic_user_state");
        for (var minute = 0; minute < 30; minute++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            var tick = await app.RunAsync(RunTrigger.Cron);
            Assert.Equal(RunStatus.Succeeded, tick.Status);
            started += tick.Result!.SessionsStarted;
        }

        // Each started user's state moved on: their session counted, the next one planned after it.
        Assert.True(started > 20, $"{started} sessions in 30 minutes");
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE last_session_at > $1 AND (next_session_at IS NOT NULL AND next_session_at <= last_session_at)", now.UtcDateTime));
        Assert.Equal(started, await app.CountAsync("SELECT sum(sessions) FROM synthetic_user_state") - sessionsBefore);
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM synthetic_user_state us WHERE us.last_session_at > $1 AND NOT EXISTS (SELECT 1 FROM journey_instances ji WHERE ji.user_id = us.profile_id AND ji.last_activity_at > $1)",
            now.UtcDateTime));
        // Ticks continue the journeys people were part-way through.
        Assert.True(
            await app.CountAsync("SELECT count(*) FROM journey_instance_scenes s JOIN journey_instances ji ON ji.id = s.instance_id WHERE ji.started_at < $1", now.UtcDateTime) > 0,
            "no session continued a journey begun before the install");
    }

    [Fact]
    public async Task A_cron_tick_plans_anew_the_people_who_missed_their_session_a_bounded_number_at_a_time_and_starts_none_of_them()
    {
        var now = new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);

        // More people than a tick plans anew missed their session by three days, earlier than anyone else's plan.
        var late = RunPlanner.MaxMissedPerRun + 10;
        var missedAt = now.AddDays(-3).UtcDateTime;
        await app.ExecuteAsync(
            "UPDATE synthetic_user_state SET next_session_at = $1 WHERE profile_id IN (SELECT profile_id FROM synthetic_user_state WHERE next_session_at > $2 ORDER BY profile_id LIMIT $3)",
            missedAt, now.UtcDateTime, late);
        Assert.Equal(late, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE next_session_at <= $1", missedAt));
        var ids = (await Db.TextAsync(app.ConnectionString, $"SELECT string_agg(profile_id::text, ',') FROM synthetic_user_state WHERE next_session_at = '{missedAt:O}'")).Split(',').Select(Guid.Parse).ToArray();
        var sessions = await app.CountAsync("SELECT sum(sessions) FROM synthetic_user_state WHERE profile_id = ANY($1)", ids);

        var tick = await app.RunAsync(RunTrigger.Cron);

        // The first tick plans anew as many as it may (planned after now), the next one the rest; none of them starts a session.
        Assert.Equal(RunStatus.Succeeded, tick.Status);
        Assert.Equal(RunPlanner.MaxMissedPerRun, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE profile_id = ANY($1) AND next_session_at > $2", ids, now.UtcDateTime));
        Assert.Equal(late - RunPlanner.MaxMissedPerRun, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE profile_id = ANY($1) AND next_session_at = $2", ids, missedAt));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        Assert.Equal(late, await app.CountAsync("SELECT count(*) FROM synthetic_user_state WHERE profile_id = ANY($1) AND next_session_at > $2", ids, now.AddMinutes(1).UtcDateTime));
        Assert.Equal(sessions, await app.CountAsync("SELECT sum(sessions) FROM synthetic_user_state WHERE profile_id = ANY($1)", ids));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_sessions WHERE profile_id = ANY($1)", ids));
    }

    [Fact]
    public async Task New_people_sign_up_at_the_steady_share_of_sessions_below_the_cap()
    {
        var now = new DateTimeOffset(2026, 11, 2, 18, 0, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        await app.RunAsync(RunTrigger.Cron);
        var before = await app.CountAsync("SELECT count(*) FROM sim_users");
        // Twenty times the volume the population was planned for: the next hour's planned sessions
        // come forward for it (a 60-fold jump would outrun them, and newcomers would fill the rest).
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 40, max_per_run = 200 WHERE id = 1");

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var tick = await app.RunAsync(RunTrigger.Cron);

        var joined = await app.CountAsync("SELECT count(*) FROM sim_users") - before;
        Assert.Equal(RunStatus.Succeeded, tick.Status);
        // One session in MeanLifetimeSessions is a signup; the rest are people already there, brought forward.
        var expected = tick.Result!.SessionsStarted / PopulationModel.MeanLifetimeSessions;
        Assert.InRange(joined, Math.Max(1, expected / 3), expected * 3);
        // Each signed up (their profile, sim user and state dated alike) an onboarding delay before
        // their first session, this tick's, which starts their first journey.
        const string SignedUp = "SELECT profile_id FROM synthetic_user_state WHERE sessions = 1 AND last_session_at > $1 AND signup_at < last_session_at";
        Assert.Equal(joined, await app.CountAsync($"SELECT count(*) FROM ({SignedUp}) x", now.UtcDateTime));
        Assert.Equal(joined, await app.CountAsync(
            $"SELECT count(*) FROM profiles p JOIN sim_users su ON su.profile_id = p.id JOIN synthetic_user_state us ON us.profile_id = p.id WHERE p.metadata->>'synthetic' = 'true' AND su.created_at = p.created_at AND us.signup_at = p.created_at AND p.id IN ({SignedUp})",
            now.UtcDateTime));
        Assert.Equal(0, await app.CountAsync(
            $"SELECT count(*) FROM synthetic_user_state us WHERE us.profile_id IN ({SignedUp}) AND NOT EXISTS (SELECT 1 FROM journey_instances ji WHERE ji.user_id = us.profile_id AND ji.started_at = us.last_session_at)",
            now.UtcDateTime));
    }
}
