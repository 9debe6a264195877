using System.Globalization;
using System.Text.RegularExpressions;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Service;

/// <summary>
/// What an analyst reads off the rows beyond their columns, on a real Postgres after a fresh
/// install, a backfill, cron ticks and a manual run: every UUIDv7 the engine wrote is dated (its
/// first 48 bits, Unix milliseconds) at its row's time to the millisecond, and the people it
/// created are named like people, with the synthetic mark in their metadata and sim_users.
/// </summary>
[LongRunning(95)]
public partial class IdentifierTimeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 30, 14, 37, 12, TimeSpan.Zero).AddTicks(3_456_789);

    /// <summary>The Unix millisecond of a uuid's first 48 bits, in SQL.</summary>
    private static string IdMs(string id) => $"('x' || left(replace({id}::text, '-', ''), 12))::bit(48)::bigint";

    /// <summary>The Unix millisecond of a timestamp (date_trunc to the millisecond), in SQL.</summary>
    private static string AtMs(string at) => $"floor(extract(epoch FROM {at}) * 1000)::bigint";

    /// <summary>Per table the engine writes: its rows, and the rows whose id is not dated at the row's time (to the millisecond).</summary>
    private static readonly (string Table, string Rows, string Mismatches)[] Checks =
    [
        .. new[] { "profiles", "journey_instances", "journey_instance_scenes", "journey_scene_events", "journey_scene_captures", "journey_resistance_checks", "journey_real_world_triggers", "mindblock_events", "synthetic_backfills" }
            .Select(t => (t, $"SELECT count(*) FROM {t}", $"SELECT count(*) FROM {t} t WHERE {IdMs("t.id")} <> {AtMs("t.created_at")}")),

        // A mindblock's status row (no created_at; upserted, its updated_at moves on) is created with
        // its first event: dated by then, and at that event where the history holds it (the
        // backfill's pre-roll writes the state its sessions leave, not their events).
        ("user_mindblock_status", "SELECT count(*) FROM user_mindblock_status",
         $"""
          SELECT count(*) FROM user_mindblock_status s
          WHERE {IdMs("s.id")} > {AtMs("s.updated_at")}
             OR ({IdMs("s.id")} >= (SELECT {AtMs("min(b.window_start)")} FROM synthetic_backfills b)
                 AND {IdMs("s.id")} <> (SELECT {AtMs("min(e.created_at)")} FROM mindblock_events e WHERE e.user_id = s.user_id AND e.mindblock_id = s.mindblock_id))
          """),
        ("synthetic_realism_pieces", "SELECT count(*) FROM synthetic_realism_pieces", $"SELECT count(*) FROM synthetic_realism_pieces p WHERE {IdMs("p.session_id")} <> {AtMs("p.started_at")}"),
        ("synthetic_realism_signals", "SELECT count(*) FROM synthetic_realism_signals", $"SELECT count(*) FROM synthetic_realism_signals s WHERE {IdMs("s.event_id")} <> {AtMs("s.created_at")}"),
        ("synthetic_sessions", "SELECT count(*) FROM synthetic_sessions", $"SELECT count(*) FROM synthetic_sessions s WHERE {IdMs("s.session_id")} <> {AtMs("s.started_at")}"),
        ("synthetic_runs", "SELECT count(*) FROM synthetic_runs", $"SELECT count(*) FROM synthetic_runs r WHERE {IdMs("r.id")} <> {AtMs("r.window_end")}"),
    ];

    [Fact]
    public async Task Every_uuid_the_engine_writes_is_dated_at_its_rows_time_to_the_millisecond()
    {
        await using var app = await AppAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await PlayAsync(app);

        foreach (var (table, rows, mismatches) in Checks)
        {
            Assert.True(await app.CountAsync(rows) > 0, $"{table} has no rows to check");
            Assert.Equal((table, 0L), (table, await app.CountAsync(mismatches)));
        }

        // The engine's signups wait their onboarding delay: the first session is never the signup's microsecond.
        Assert.Equal(0, await app.CountAsync(
            "SELECT count(*) FROM profiles p JOIN (SELECT user_id, min(started_at) AS first FROM synthetic_realism_pieces GROUP BY user_id) s ON s.user_id = p.id WHERE s.first = p.created_at"));
    }

    [Fact]
    public async Task Display_names_look_human_the_mark_stays_in_metadata_and_sim_users_and_the_prefix_option_makes_it_visible()
    {
        await using var plain = await AppAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await PlayAsync(plain);
        var names = await NamesAsync(plain);

        Assert.Equal(await plain.CountAsync("SELECT count(*) FROM profiles"), names.Count);
        Assert.DoesNotContain(names, n => !HumanName().IsMatch(n));
        Assert.Equal(0, await plain.CountAsync("SELECT count(*) FROM profiles p WHERE p.metadata->>'synthetic' IS DISTINCT FROM 'true' OR NOT EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = p.id)"));
        Assert.InRange(names.Count(n => n.Any(c => c > '\u007f')) / (double)names.Count, 0.05, 0.5);
        Assert.InRange(names.Distinct().Count(), Math.Min(names.Count, 500) / 2, names.Count);

        await using var marked = await AppAsync(await postgres.Server.CreateMigratedDatabaseAsync(), prefix: "[sim] ");
        await PlayAsync(marked);
        var prefixed = await NamesAsync(marked);

        Assert.Equal(await marked.CountAsync("SELECT count(*) FROM profiles"), prefixed.Count);
        Assert.DoesNotContain(prefixed, n => !n.StartsWith("[sim] ", StringComparison.Ordinal) || !HumanName().IsMatch(n["[sim] ".Length..]));
    }

    private static async Task<List<string>> NamesAsync(TestApp app)
    {
        var names = new List<string>();
        await using var command = app.DataSource.CreateCommand("SELECT display_name FROM profiles");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>A fresh install's people, a day's backfill, cron ticks (with signups) and a manual run.</summary>
    private static async Task PlayAsync(TestApp app)
    {
        await app.Backfill.StartAsync(1, purgeFirst: false, CancellationToken.None, seed: 7);
        Assert.Equal(BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = true WHERE id = 1");
        for (var i = 0; i < 20; i++)
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Cron)).Status);
        }

        Assert.Equal(RunStatus.Succeeded, (await app.RunAsync(RunTrigger.Manual, 3)).Status);
    }

    /// <summary>At a volume whose people sign up every few minutes, with a pool cap that holds them.</summary>
    private static async Task<TestApp> AppAsync(string connectionString, string? prefix = null)
    {
        var settings = new Dictionary<string, string?> { ["Synthetics:PoolSize"] = (PopulationModel.PeopleNeeded(3) + 1000).ToString(CultureInfo.InvariantCulture) };
        if (prefix is not null)
        {
            settings["Synthetics:DisplayNamePrefix"] = prefix;
        }

        var app = await TestApp.CreateAsync(connectionString, settings, now: Now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 3, max_per_run = 10 WHERE id = 1");
        return app;
    }

    /// <summary>A first name (letters, hyphens) and a last initial with its full stop.</summary>
    [GeneratedRegex(@"^\p{L}[\p{L}\p{M}-]* \p{Lu}\.$")]
    private static partial Regex HumanName();
}
