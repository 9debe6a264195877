using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The rule check the writers run in their transaction (<c>synthetic_realism_check</c>, migration
/// 0020) probes the journey tables by key whatever their statistics say: statistics that take a
/// table of thousands of pages for an empty one (an ANALYZE during an uncommitted COPY, a VACUUM
/// after a purge) once made it nest full index scans and stall a backfill chunk past its timeout.
/// The realism check's reads fix their plans' shape the same way (<c>RealismStore.OpenReadAsync</c>).
/// </summary>
public class RealismCheckPlanTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    // The journey tables the check reads, children before parents.
    private static readonly string[] JourneyTables =
    [
        "journey_scene_events", "journey_scene_captures", "journey_resistance_checks", "journey_real_world_triggers",
        "journey_instance_scenes", "journey_instances", "sim_users",
    ];

    private const string Check = "SELECT first_at, last_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order FROM synthetic_realism_check($1, $2)";

    [Fact]
    public async Task With_statistics_that_say_the_journey_tables_are_empty_the_check_probes_by_key_and_the_realism_reads_give_the_same_figures_in_time()
    {
        var now = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }, now);
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false, sessions_per_min = 2, max_per_run = 5 WHERE id = 1");
        Assert.NotNull((await app.Backfill.StartAsync(1, purgeFirst: true, CancellationToken.None, seed: 5)).Job);
        Assert.Equal(SyntheticsFunctions.Storage.BackfillJob.Succeeded, (await app.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);

        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var events = await ScalarAsync<Guid[]>(connection, "SELECT array_agg(id ORDER BY id) FROM journey_scene_events WHERE created_at >= $1", now.AddHours(-12).UtcDateTime);
        var before = await FiguresAsync(connection, events, now);
        var realism = app.Provider.GetRequiredService<IRealismService>();
        var realismBefore = JsonSerializer.Serialize(await realism.CheckAsync(7, CancellationToken.None));
        Assert.True(events.Length > 1000, $"{events.Length} events");
        Assert.True(before[2] > 10 && before[4] > 100, string.Join(", ", before)); // triggers and completed scenes to probe

        // Statistics that say zero rows in pages that hold them all: the rows taken out, the table
        // vacuumed without giving its pages back, the rows put back, and nothing analysing them.
        foreach (var table in JourneyTables)
        {
            await ExecuteAsync(connection, $"ALTER TABLE {table} SET (autovacuum_enabled = false)");
            await ExecuteAsync(connection, $"CREATE TEMP TABLE kept_{table} AS SELECT * FROM {table}");
        }

        await ExecuteAsync(connection, "SET session_replication_role = replica"); // the journey tables' foreign keys, while their rows are out
        foreach (var table in JourneyTables)
        {
            await ExecuteAsync(connection, $"DELETE FROM {table}");
            await ExecuteAsync(connection, $"VACUUM (TRUNCATE false) {table}");
        }

        foreach (var table in JourneyTables.Reverse())
        {
            await ExecuteAsync(connection, $"INSERT INTO {table} SELECT * FROM kept_{table}");
        }

        await ExecuteAsync(connection, "RESET session_replication_role");
        Assert.Equal(0, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_class WHERE relname = ANY($1) AND (reltuples <> 0 OR relpages = 0)", (object)JourneyTables));

        // The realism check's reads give the same figures, in time: with plans chosen on these
        // statistics they nested whole-table scans and took 35 s on this one day.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var realismAfter = JsonSerializer.Serialize(await realism.CheckAsync(7, CancellationToken.None));
        output.WriteLine($"realism check on the broken statistics: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(realismBefore, realismAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the realism check took {watch.Elapsed.TotalSeconds:F1} s");

        // The check's plans, as auto_explain gives them to this session.
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        foreach (var setting in new[]
                 {
                     "LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0", "SET auto_explain.log_nested_statements = on",
                     "SET auto_explain.log_analyze = on",
                     "SET auto_explain.log_timing = off", "SET auto_explain.log_format = json", "SET auto_explain.log_level = notice", "SET client_min_messages = notice",
                 })
        {
            await ExecuteAsync(connection, setting);
        }

        var after = await FiguresAsync(connection, events, now);
        await ExecuteAsync(connection, "SET auto_explain.log_min_duration = -1");
        Assert.Equal(before, after);

        // The function's own statement: every read of a journey table is an index probe with a condition.
        var explained = plans.Where(p => p.Contains('{')).Select(p => JsonDocument.Parse(p[p.IndexOf('{')..]).RootElement).ToList();
        var bodies = explained.Where(p => p.TryGetProperty("Query Text", out var q) && q.GetString()!.Contains("WITH given AS MATERIALIZED")).ToList();
        Assert.True(bodies.Count == 1, $"{bodies.Count} plans of the function's statement among {plans.Count} notices: {string.Join(" | ", plans.Select(p => p[..Math.Min(p.Length, 300)]))}");
        var body = bodies[0];

        // No JIT: a sequential scan left in the plan would carry disable_cost and push it over jit_above_cost.
        Assert.False(body.TryGetProperty("JIT", out _), "the check's statement was compiled by JIT");
        var scans = Scans(body.GetProperty("Plan")).Where(s => s.TryGetProperty("Relation Name", out var r) && JourneyTables.Contains(r.GetString())).ToList();
        foreach (var scan in scans)
        {
            output.WriteLine($"{scan.GetProperty("Node Type").GetString()} on {scan.GetProperty("Relation Name").GetString()}: {scan.GetProperty("Actual Loops").GetInt64()} loops");
        }

        Assert.Equal(
            ["journey_instance_scenes", "journey_instances", "journey_real_world_triggers", "journey_resistance_checks", "journey_scene_captures", "journey_scene_events", "sim_users"],
            scans.Select(s => s.GetProperty("Relation Name").GetString()!).Distinct().Order());
        Assert.All(scans, s => Assert.True(s.TryGetProperty("Index Cond", out _) || s.TryGetProperty("Recheck Cond", out _), $"{s.GetProperty("Node Type").GetString()} on {s.GetProperty("Relation Name").GetString()} without an index condition"));

        // A probe per event at most, each finding the one row it looks for (a scene's few captures, checks).
        var probed = scans.Sum(s => s.GetProperty("Actual Loops").GetInt64() * s.GetProperty("Actual Rows").GetInt64());
        Assert.True(probed < 6L * events.Length, $"{probed} rows read for {events.Length} events");
    }

    private static IEnumerable<JsonElement> Scans(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(Scans))
            {
                yield return child;
            }
        }
    }

    private static async Task<long[]> FiguresAsync(NpgsqlConnection connection, Guid[] events, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(Check, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = events });
        command.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return [reader.GetDateTime(0).Ticks, reader.GetDateTime(1).Ticks, .. Enumerable.Range(2, 6).Select(reader.GetInt64)];
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
