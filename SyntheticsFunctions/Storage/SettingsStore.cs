using System.Text.Json;
using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>A partial change of <c>synthetic_settings</c>: setting name → new value (bool, int or double, by its declaration).</summary>
public sealed record SettingsPatch(IReadOnlyDictionary<string, object> Values)
{
    public bool IsEmpty => Values.Count == 0;
}

/// <summary>One recorded change of the settings.</summary>
public sealed record SettingsChange(long Id, DateTimeOffset ChangedAt, string Source, JsonElement Old, JsonElement New);

/// <summary>Reads and changes the settings row; every change is recorded by the database's audit trigger. The SQL derives from <see cref="SettingDeclarations"/>.</summary>
public sealed class SettingsStore(NpgsqlDataSource dataSource)
{
    private static readonly string Columns = string.Join(", ", SettingDeclarations.All.Select(s => s.SelectExpression));

    /// <summary>The settings row as <see cref="ReadSettings"/> reads it; also part of the run's and status's batches.</summary>
    internal static readonly string SelectSettings = $"SELECT {Columns} FROM synthetic_settings WHERE id = 1";

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
        batch.BatchCommands.Add(Update(patch));
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

    /// <summary>The UPDATE of the patched columns only, each value a parameter of its declared kind.</summary>
    internal static NpgsqlBatchCommand Update(SettingsPatch patch)
    {
        var changed = SettingDeclarations.All.Where(s => patch.Values.ContainsKey(s.Name)).ToList();
        if (changed.Count == 0)
        {
            throw new ArgumentException("The patch changes nothing.", nameof(patch));
        }

        var command = new NpgsqlBatchCommand(
            $"UPDATE synthetic_settings SET {string.Join(", ", changed.Select((s, i) => $"{s.Name} = ${i + 1}"))} WHERE id = 1 RETURNING {Columns}");
        foreach (var setting in changed)
        {
            var value = patch.Values[setting.Name];
            command.Parameters.Add(setting.Kind switch
            {
                SettingKind.Boolean => Sql.P((bool)value),
                SettingKind.Integer => Sql.P(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)),
                _ => Sql.P(Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture)),
            });
        }

        return command;
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

    /// <summary>Reads the current result row by column name, one declaration at a time.</summary>
    internal static EngineSettings ReadSettings(NpgsqlDataReader reader) =>
        SettingDeclarations.All.Aggregate(EngineSettings.Empty, (settings, s) => s.With(settings, reader.GetValue(reader.GetOrdinal(s.Name))));
}
