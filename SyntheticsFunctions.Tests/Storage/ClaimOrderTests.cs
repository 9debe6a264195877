using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The in-memory world the backfill and the statistical tests play on (<see cref="PoolWorld"/>)
/// and the SQL claim of a cron tick (<c>RunInputReader</c>) pick the same people, in the same
/// order, with the same state, from the same history: a backfill writes it to a real Postgres,
/// the same job replayed in memory holds it, and both are asked for the next tick's claim.
/// </summary>
public class ClaimOrderTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Present = new(2026, 11, 30, 14, 37, 12, TimeSpan.Zero);

    /// <summary>The most a claim takes: every setting's largest <c>max_per_run</c>, so the order is compared deep into the pool.</summary>
    private static readonly int Claimed = (int)SettingDeclarations.Get(SettingDeclarations.MaxPerRun).Max;

    [Fact]
    public async Task On_a_pool_the_engine_grows_the_sql_claim_and_the_world_pick_the_same_people_in_the_same_order()
    {
        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "3000" }, now: Present);

        var (sql, world) = await ClaimBothAsync(app, days: 3, sessionsPerMin: 1);

        Assert.Equal(Claimed, sql.Count);
        Assert.Equal(world, sql);
        Assert.Contains(sql, c => !c.Contains("instance - ", StringComparison.Ordinal));
        Assert.Contains(sql, c => c.Contains("focus [", StringComparison.Ordinal) && !c.Contains("focus []", StringComparison.Ordinal));
        Assert.Contains(sql, c => !c.Contains("enrolled []", StringComparison.Ordinal));
    }

    private static readonly int IdSeed = int.Parse(Environment.GetEnvironmentVariable("CLAIM_ORDER_ID_SEED") ?? "1", CultureInfo.InvariantCulture);

    [Fact]
    public async Task On_a_pool_the_engine_cannot_grow_the_members_not_signed_up_come_in_the_same_order_too()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await SeedShapedDatabaseTests.CreateSeedDatabaseAsync(database, Present, simUsersHaveCreatedAt: false, members: 4000, idSeed: IdSeed);
        await using var app = await TestApp.CreateAsync(database, new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "4000" }, now: Present);

        // A tenth of a session a minute: the steady state (the living and the churned not yet retired) takes part of the 4,000 members, the rest have not signed up.
        var (sql, world) = await ClaimBothAsync(app, days: 2, sessionsPerMin: 0.1);

        Assert.Equal(world, sql);
        Assert.Equal(Claimed, sql.Count(c => c.StartsWith("unsigned ", StringComparison.Ordinal)));
        Assert.Contains(sql, c => c.StartsWith("known ", StringComparison.Ordinal));
    }

    /// <summary>Backfills <paramref name="days"/> at <paramref name="sessionsPerMin"/>, replays the job in memory, and reads both claims (the SQL one rolled back).</summary>
    private async Task<(List<string> Sql, List<string> World)> ClaimBothAsync(TestApp app, int days, double sessionsPerMin)
    {
        await app.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"UPDATE synthetic_settings SET enabled = false, sessions_per_min = {sessionsPerMin}, max_per_run = 3 WHERE id = 1"));
        var started = await app.Backfill.StartAsync(days, purgeFirst: true, CancellationToken.None, seed: 17);
        Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        var job = (await app.Provider.GetRequiredService<BackfillStore>().GetAsync(started.Job!.Job.Id, CancellationToken.None))!;

        // The same job in memory, played to the same present.
        var (catalog, installation) = await app.Provider.GetRequiredService<BackfillStore>().ReadPlayInputAsync(job, CancellationToken.None);
        var poolCap = app.Provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value.PoolSize;
        var player = new BackfillPlayer(new BackfillSpec(job.Seed, job.WindowStart, job.WindowStart.AddDays(job.Days), job.Settings, poolCap, job.ExistingUsers ?? 0, job.Members, Installation: installation), catalog);
        while (!player.NextIsFinal)
        {
            player.Play(Present);
        }

        player.Play(Present);
        Assert.Equal(job.Cursor, player.Cursor);

        // The next cron tick's claim, as deep as a claim goes.
        await app.ExecuteAsync($"UPDATE synthetic_settings SET enabled = true, max_per_run = {Claimed} WHERE id = 1");
        List<CandidateUser> fromSql;
        await using (var transaction = await app.Provider.GetRequiredService<RunTransactions>().BeginAsync(CancellationToken.None))
        {
            var loaded = await transaction.LoadAsync(new RunRequest(RunTrigger.Cron, Uuid7.Create(Present, new Random(1)), 1, Present, 0), CancellationToken.None);
            Assert.Equal(RunSkip.None, loaded.Skip);
            fromSql = [.. loaded.Input!.Candidates];
        }

        // A cron tick's claim: the people who missed their planned session (at most a tick's share)
        // come with the people due, not counted against the limit.
        output.WriteLine($"missed in the SQL claim: {fromSql.Count(c => c.State?.NextSessionAt < Present - PopulationModel.MaxWait)}");

        // The planner takes the people with a state and the members not signed up as two lists
        // (RunPlanner partitions the claim by state), so each list's order is what must agree; where
        // the two lists interleave in the SQL answer (the churned, due at infinity, come after the
        // members) is immaterial, and the world hands them over apart.
        var fromWorld = player.World.Claim(Claimed, Present, RunPlanner.MaxMissedPerRun).Select(c => c.User).Concat(player.World.ClaimUnsigned(Present, Claimed)).ToList();
        fromSql = [.. fromSql.Where(c => c.State is not null), .. fromSql.Where(c => c.State is null)];
        var (sql, world) = (fromSql.Select(Describe).ToList(), fromWorld.Select(Describe).ToList());
        output.WriteLine($"{sql.Count} claimed by SQL, {world.Count} by the world; first: {sql.FirstOrDefault()}");
        for (var i = 0; i < Math.Min(sql.Count, world.Count); i++)
        {
            if (sql[i] != world[i])
            {
                output.WriteLine($"first difference at {i}:\n  sql   {sql[i]}\n  world {world[i]}");
                break;
            }
        }

        return (sql, world);
    }

    /// <summary>Everything a claim gives the planner about one person, times to the microsecond (what the tables keep), lists as sets.</summary>
    private static string Describe(CandidateUser c)
    {
        static string At(DateTimeOffset? t) => t is { } v ? Microseconds.Truncate(v).UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : "-";
        static string Instance(ActiveInstance? i) => i is null ? "-" : $"{i.Id} {i.JourneyId} {i.CurrentSceneOrder} {At(i.StartedAt)} {At(i.LastActivityAt)}";
        static string Set<T>(IEnumerable<T>? values) => $"[{string.Join(",", (values ?? []).Select(v => v!.ToString()).Order(StringComparer.Ordinal))}]";
        var s = c.State;
        var state = s is null
            ? "no state"
            : string.Create(CultureInfo.InvariantCulture, $"{At(s.SignupAt)} {s.Traits} {s.Lifecycle} next {At(s.NextSessionAt)} last {At(s.LastSessionAt)} {s.Day} {s.SessionsThatDay} {s.Sessions} {s.Progress:R}");
        return $"{(s is null ? "unsigned" : "known")} {c.ProfileId} {c.Timezone} available {At(c.AvailableAt)} ended {At(c.LastSessionEndsAt)} {state} " +
            $"instance {Instance(c.Instance)} completed {Set(c.CompletedJourneys)} enrolled {Set(c.EnrolledJourneys)} focus {Set(c.MindblockFocus)} last completed {Instance(c.LastCompleted)}";
    }
}
