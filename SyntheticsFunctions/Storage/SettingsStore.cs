using System.Text.Json;
using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>A partial change of <c>synthetic_settings</c>: null leaves a value as it is.</summary>
public sealed record SettingsPatch(
    bool? Enabled = null,
    double? SessionsPerMin = null,
    int? MaxPerRun = null,
    double? ErrorRate = null,
    double? AbandonRate = null,
    double? MindblockChance = null,
    int? RetainDays = null,
    int? IdleAbandonDays = null);

/// <summary>One recorded change of the settings.</summary>
public sealed record SettingsChange(long Id, DateTimeOffset ChangedAt, string Source, JsonElement Old, JsonElement New);

/// <summary>Reads and changes the settings row; every change is recorded by the database's audit trigger.</summary>
public sealed class SettingsStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "enabled, sessions_per_min::float8, max_per_run, error_rate::float8, abandon_rate::float8, mindblock_chance::float8, retain_days, idle_abandon_days";

    /// <summary>The settings row as <see cref="ReadSettings"/> reads it; also part of the run's and status's batches.</summary>
    internal const string SelectSettings = $"SELECT {Columns} FROM synthetic_settings WHERE id = 1";

    public async Task<EngineSettings> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SelectSettings);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? ReadSettings(reader)
            : throw new InvalidOperationException("synthetic_settings has no row with id 1.");
    }

    /// <summary>Applies the patch in one transaction, recorded with <paramref name="source"/> at <paramref name="now"/>.</summary>
    public async Task<EngineSettings> UpdateAsync(SettingsPatch patch, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Sql.Command(
            "SELECT set_config('synthetics.source', $1, true), set_config('synthetics.changed_at', $2, true)",
            Sql.P(source), Sql.P(now.ToString("O"))));
        batch.BatchCommands.Add(Sql.Command(
            $"""
            UPDATE synthetic_settings SET
                enabled = coalesce($1, enabled),
                sessions_per_min = coalesce($2, sessions_per_min),
                max_per_run = coalesce($3, max_per_run),
                error_rate = coalesce($4, error_rate),
                abandon_rate = coalesce($5, abandon_rate),
                mindblock_chance = coalesce($6, mindblock_chance),
                retain_days = coalesce($7, retain_days),
                idle_abandon_days = coalesce($8, idle_abandon_days)
            WHERE id = 1
            RETURNING {Columns}
            """,
            Sql.P(patch.Enabled), Sql.P((decimal?)patch.SessionsPerMin), Sql.P(patch.MaxPerRun), Sql.P((decimal?)patch.ErrorRate),
            Sql.P((decimal?)patch.AbandonRate), Sql.P((decimal?)patch.MindblockChance), Sql.P(patch.RetainDays), Sql.P(patch.IdleAbandonDays)));
        EngineSettings settings;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("synthetic_settings has no row with id 1.");
            }

            settings = ReadSettings(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        return settings;
    }

    public async Task<IReadOnlyList<SettingsChange>> HistoryAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, changed_at, source, old_values, new_values FROM synthetic_settings_history ORDER BY changed_at DESC, id DESC LIMIT $1");
        command.Parameters.Add(Sql.P(limit));
        var changes = new List<SettingsChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new SettingsChange(
                reader.GetInt64(0), Sql.ReadTimestamp(reader, 1), reader.GetString(2),
                JsonDocument.Parse(reader.GetString(3)).RootElement, JsonDocument.Parse(reader.GetString(4)).RootElement));
        }

        return changes;
    }

    internal static EngineSettings ReadSettings(NpgsqlDataReader reader) => new(
        reader.GetBoolean(0), reader.GetDouble(1), reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4),
        reader.GetDouble(5), reader.GetInt32(6), reader.GetInt32(7));
}
