using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>The seed's SQL (activation, Monitoring, Controls, KPI filters), verbatim (its <c>now()</c> read from the test's clock), against the migrated schema.</summary>
public class SeedSqlTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Activation =
        """
        SELECT count(*) FROM journey_scene_events 
        WHERE created_at > now() - interval '5 minutes'
        AND event_payload->>'synthetic' = 'true';
        """;

    private const string RecentActivity =
        """
        SELECT 
          count(*) as events,
          max(created_at) as latest
        FROM journey_scene_events
        WHERE created_at > now() - interval '5 minutes'
          AND event_payload->>'synthetic' = 'true';
        """;

    private const string ActiveJourneys =
        """
        SELECT count(*) 
        FROM journey_instances ji
        JOIN sim_users su ON su.profile_id = ji.user_id
        WHERE ji.status = 'active';
        """;

    private const string EventBreakdown =
        """
        SELECT 
          event_type,
          count(*) as count
        FROM journey_scene_events
        WHERE created_at > now() - interval '24 hours'
          AND event_payload->>'synthetic' = 'true'
        GROUP BY event_type
        ORDER BY count DESC;
        """;

    private static readonly string[] Controls =
    [
        "UPDATE synthetic_settings SET enabled = false WHERE id = 1;",
        "UPDATE synthetic_settings SET enabled = true WHERE id = 1;",
        "UPDATE synthetic_settings SET sessions_per_min = 1, max_per_run = 3 WHERE id = 1;",
        "UPDATE synthetic_settings SET sessions_per_min = 2, max_per_run = 5 WHERE id = 1;",
        "UPDATE synthetic_settings SET sessions_per_min = 5, max_per_run = 8 WHERE id = 1;",
        "UPDATE synthetic_settings SET sessions_per_min = 10, max_per_run = 15 WHERE id = 1;",
    ];

    /// <summary>Every hour of a day: the seed's SQL must count exactly whatever the time.</summary>
    public static TheoryData<int> Hours { get; } = [.. Enumerable.Range(0, 24)];

    [Theory]
    [MemberData(nameof(Hours))]
    public async Task The_seeds_monitoring_controls_and_kpi_sql_runs_verbatim_and_counts_exactly_at_any_hour(int hour)
    {
        // The seed's SQL reads the database's now(); here now() is the test's clock (bound in its
        // place, AtClock), set to each hour of a day. The tick runs at 20 sessions a minute, so that
        // even the quietest hour of the day (a multiplier of about 0.6) starts about 12 in it; with
        // the clock and the seed fixed, each hour's run is the same every time.
        var now = new DateTimeOffset(2026, 11, 2, hour, 17, 30, TimeSpan.Zero);
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync(), now: now.AddDays(-2));
        await app.RunAsync(RunTrigger.Manual, 10); // two days old: outside both windows
        app.Time.SetUtcNow(now.AddSeconds(-5));
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 20, max_per_run = 50 WHERE id = 1");
        var tick = await app.RunAsync(RunTrigger.Cron); // rows in (now - 65 s, now - 5 s]
        await app.ExecuteAsync("UPDATE synthetic_settings SET sessions_per_min = 2, max_per_run = 5 WHERE id = 1");
        Assert.Equal(RunStatus.Succeeded, tick.Status);
        var recent = tick.Result!.RowsPerTable[Tables.JourneySceneEvents];
        Assert.True(recent > 0, "the tick wrote no event");
        await RealUserRows.InsertAsync(app, now.AddMinutes(-1));
        await RealUserRows.InsertAsync(app, now.AddMinutes(-1), taggedSynthetic: true);
        var clock = now.UtcDateTime;

        // Activation: the tick's events plus the real user's row that carries the tag.
        Assert.Equal(recent + 1, await Scalar(app, AtClock(Activation), clock));

        await using (var command = app.DataSource.CreateCommand(AtClock(RecentActivity)))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = clock });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(recent + 1, reader.GetInt64(0));
            Assert.Equal(await Scalar<DateTime>(app, "SELECT max(created_at) FROM journey_scene_events WHERE created_at > $1", now.AddMinutes(-5).UtcDateTime), reader.GetDateTime(1));
        }

        Assert.Equal(
            await Scalar(app, "SELECT count(*) FROM journey_instances WHERE status = 'active' AND metadata ? 'run_id'"),
            await Scalar(app, ActiveJourneys));

        var expectedBreakdown = await Rows(app,
            """
            SELECT event_type, count(*) + CASE WHEN event_type = 'scene_opened' THEN 1 ELSE 0 END
            FROM journey_scene_events WHERE event_payload->>'run_id' = $1 GROUP BY event_type
            UNION ALL SELECT 'scene_opened', 1 WHERE NOT EXISTS (
                SELECT 1 FROM journey_scene_events WHERE event_payload->>'run_id' = $1 AND event_type = 'scene_opened')
            """, tick.RunId.ToString());
        var breakdown = await Rows(app, AtClock(EventBreakdown), clock);
        Assert.Equal(expectedBreakdown.OrderBy(r => r.Key), breakdown.OrderBy(r => r.Key));

        await using (var command = app.DataSource.CreateCommand("SELECT * FROM synthetic_settings;"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(1, reader.GetInt32(reader.GetOrdinal("id")));
            Assert.True(reader.GetBoolean(reader.GetOrdinal("enabled")));
            Assert.Equal(2m, reader.GetDecimal(reader.GetOrdinal("sessions_per_min")));
            Assert.Equal(5, reader.GetInt32(reader.GetOrdinal("max_per_run")));
            Assert.Equal(0.03m, reader.GetDecimal(reader.GetOrdinal("error_rate")));
            Assert.Equal(0.08m, reader.GetDecimal(reader.GetOrdinal("abandon_rate")));
            Assert.False(await reader.ReadAsync());
        }

        // KPI filters: the two real users' events are the only ones outside sim_users; only the
        // untagged one passes the tag filter.
        Assert.Equal(2, await Scalar(app, "SELECT count(*) FROM journey_scene_events WHERE user_id NOT IN (SELECT profile_id FROM sim_users)"));
        Assert.Equal(1, await Scalar(app, "SELECT count(*) FROM journey_scene_events WHERE event_payload->>'synthetic' IS NULL"));
    }

    [Fact]
    public async Task The_seeds_control_updates_run_verbatim_and_change_exactly_one_row()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateDatabaseAsync());
        await using var connection = await app.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var expected = new (bool Enabled, decimal PerMin, int Max)[]
        {
            (false, 2, 5), (true, 2, 5), (true, 1, 3), (true, 2, 5), (true, 5, 8), (true, 10, 15),
        };

        for (var i = 0; i < Controls.Length; i++)
        {
            await using var update = new NpgsqlCommand(Controls[i], connection, transaction);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
            await using var read = new NpgsqlCommand("SELECT enabled, sessions_per_min, max_per_run FROM synthetic_settings WHERE id = 1", connection, transaction);
            await using var reader = await read.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal(expected[i], (reader.GetBoolean(0), reader.GetDecimal(1), reader.GetInt32(2)));
        }

        await transaction.RollbackAsync();
        Assert.Equal(1, await Scalar(app, "SELECT count(*) FROM synthetic_settings WHERE enabled AND sessions_per_min = 2 AND max_per_run = 5"));
    }

    [Theory]
    [InlineData("UPDATE synthetic_settings SET sessions_per_min = 121 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET sessions_per_min = -1 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET max_per_run = 0 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET max_per_run = 201 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET error_rate = 1.5 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET abandon_rate = -0.1 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET mindblock_chance = 2 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET retain_days = 0 WHERE id = 1")]
    [InlineData("UPDATE synthetic_settings SET retain_days = 3651 WHERE id = 1")]
    [InlineData("INSERT INTO synthetic_settings (id) VALUES (2)")]
    public async Task Settings_out_of_the_api_ranges_are_refused_by_the_database(string sql)
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateDatabaseAsync());

        var error = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    /// <summary>The seed's SQL with its <c>now()</c> read from the test's clock, bound as <c>$1</c>.</summary>
    private static string AtClock(string sql) => sql.Replace("now()", "$1", StringComparison.Ordinal);

    private static Task<long> Scalar(TestApp app, string sql, params object[] parameters) => app.CountAsync(sql, parameters);

    private static async Task<T> Scalar<T>(TestApp app, string sql, params object[] parameters)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, long>> Rows(TestApp app, string sql, params object[] parameters)
    {
        await using var command = app.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetInt64(1);
        }

        return rows;
    }
}
