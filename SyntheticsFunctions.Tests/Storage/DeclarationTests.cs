using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage.Declarations;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Storage;

/// <summary>
/// The one declaration per table and per setting against the schema the migrations build: a
/// drift fails by table and column (or setting) name.
/// </summary>
public class DeclarationTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_declared_column_exists_with_its_declared_type_after_migrating()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var actual = await ReadColumnsAsync(app);

        var drift = new List<string>();
        foreach (var table in ActivityTables.All)
        {
            if (!actual.TryGetValue(table.Name, out var columns))
            {
                drift.Add($"{table.Name} does not exist");
                continue;
            }

            foreach (var column in table.Columns)
            {
                if (!columns.TryGetValue(column.Name, out var type))
                {
                    drift.Add($"{table.Name}.{column.Name} is declared but missing");
                }
                else if (type.Udt != column.Type.UdtName)
                {
                    drift.Add($"{table.Name}.{column.Name} is {type.Udt}, declared {column.Type.UdtName}");
                }
            }

            // A written table's every NOT NULL column without a default must be declared, or inserts fail.
            if (table is WrittenTable)
            {
                drift.AddRange(columns.Where(c => c.Value.Required && !table.Has(c.Key)).Select(c => $"{table.Name}.{c.Key} is NOT NULL without a default but not declared"));
            }
        }

        Assert.Empty(drift);
        // The app's 8 activity tables and the 6 it reads, the engine's sessions and states, its 2 per-session realism facts and its 4 per-row ones (0018).
        Assert.Equal(8 + 6 + 2 + 2 + 4, ActivityTables.All.Count);
    }

    [Fact]
    public async Task The_binary_copy_path_writes_exactly_what_the_unnest_path_writes_rollups_included()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.RunAsync(RunTrigger.Manual, 30); // users now have active instances and mindblock statuses to upsert
        app.Time.Advance(TimeSpan.FromMinutes(20));
        var transactions = app.Provider.GetRequiredService<RunTransactions>();
        var request = new RunRequest(RunTrigger.Manual, Guid.CreateVersion7(), 77, app.Time.GetUtcNow(), 40);
        RunOutput output;
        await using (var load = await transactions.BeginAsync(CancellationToken.None))
        {
            output = RunPlanner.Plan((await load.LoadAsync(request, CancellationToken.None)).Input!);
        }

        var viaArrays = await WriteAndSnapshotAsync(app, async (connection, transaction) =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var command in ActivityTables.InsertCommands(output.Batch))
            {
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
        });
        var viaCopy = await WriteAndSnapshotAsync(app, (connection, _) => ActivityTables.CopyAsync(connection, output.Batch, CancellationToken.None));

        Assert.Equal(viaArrays.Before, viaCopy.Before);
        Assert.NotEqual(viaArrays.Before, viaArrays.After);
        Assert.True(output.Batch.Instances.Count > 0 && output.Batch.MindblockStatuses.Count > 0 && output.Batch.Events.Count > 0);
        Assert.Equal(viaArrays.After, viaCopy.After);
    }

    [Fact]
    public async Task Each_settings_range_is_exactly_what_the_database_accepts_and_its_default_is_the_columns()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await using var connection = await app.DataSource.OpenConnectionAsync();
        var defaults = new Dictionary<string, string>();
        await using (var read = new NpgsqlCommand(
            "SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'synthetic_settings'", connection))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                defaults[reader.GetString(reader.GetOrdinal("column_name"))] = reader.IsDBNull(reader.GetOrdinal("column_default")) ? "" : reader.GetString(reader.GetOrdinal("column_default"));
            }
        }

        var outcomes = new List<string>();
        var expected = new List<string>();
        foreach (var setting in SettingDeclarations.All)
        {
            Assert.True(defaults.ContainsKey(setting.Name), $"synthetic_settings.{setting.Name} is declared but missing");
            Assert.Equal(setting.ColumnDefault, defaults[setting.Name]);
            if (setting.Kind == SettingKind.Boolean)
            {
                continue;
            }

            foreach (var (value, accepted) in new[] { (setting.Min, true), (setting.Max, true), (setting.Min - setting.Step, false), (setting.Max + setting.Step, false) })
            {
                expected.Add($"{setting.Name}={value.ToString(CultureInfo.InvariantCulture)}:{(accepted ? "accepted" : "rejected")}");
                outcomes.Add($"{setting.Name}={value.ToString(CultureInfo.InvariantCulture)}:{(await TryWriteAsync(connection, setting, value) ? "accepted" : "rejected")}");
            }
        }

        Assert.Equal(expected, outcomes);
        Assert.Equal(SettingDeclarations.Names.Order(), defaults.Keys.Where(k => k != "id").Order());
        Assert.Equal(EngineSettings.Defaults, await new SyntheticsFunctions.Storage.SettingsStore(app.DataSource).ReadAsync(CancellationToken.None));
    }

    private static async Task<bool> TryWriteAsync(NpgsqlConnection connection, SettingDeclaration setting, double value)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var update = new NpgsqlCommand($"UPDATE synthetic_settings SET {setting.Name} = $1 WHERE id = 1", connection, transaction);
        update.Parameters.Add(setting.Kind == SettingKind.Integer
            ? new NpgsqlParameter<int> { TypedValue = checked((int)value) }
            : new NpgsqlParameter<decimal> { TypedValue = (decimal)value });
        try
        {
            await update.ExecuteNonQueryAsync();
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
        {
            return false;
        }
        finally
        {
            await transaction.RollbackAsync();
        }
    }

    private static async Task<(string Before, string After)> WriteAndSnapshotAsync(TestApp app, Func<NpgsqlConnection, NpgsqlTransaction, Task> write)
    {
        await using var connection = await app.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var before = await SnapshotAsync(connection, transaction);
        await write(connection, transaction);
        var after = await SnapshotAsync(connection, transaction);
        await transaction.RollbackAsync();
        return (before, after);
    }

    private static async Task<string> SnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var parts = new List<string>();
        foreach (var table in ActivityTables.Activity.Select(t => t.Name).Append(Rollups.HoursTable).Append(Rollups.MinutesTable))
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t", connection, transaction);
            parts.Add($"{table}:\n{await command.ExecuteScalarAsync()}");
        }

        return string.Join("\n", parts);
    }

    private static async Task<Dictionary<string, Dictionary<string, (string Udt, bool Required)>>> ReadColumnsAsync(TestApp app)
    {
        var tables = new Dictionary<string, Dictionary<string, (string, bool)>>();
        await using var command = app.DataSource.CreateCommand(
            """
            SELECT table_name, column_name, udt_name, is_nullable = 'NO' AND column_default IS NULL AS required
            FROM information_schema.columns WHERE table_schema = current_schema()
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(reader.GetOrdinal("table_name"));
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }

            columns[reader.GetString(reader.GetOrdinal("column_name"))] = (reader.GetString(reader.GetOrdinal("udt_name")), reader.GetBoolean(reader.GetOrdinal("required")));
        }

        return tables;
    }
}
