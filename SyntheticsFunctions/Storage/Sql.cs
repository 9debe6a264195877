using Npgsql;
using NpgsqlTypes;

namespace SyntheticsFunctions.Storage;

/// <summary>Parameter and batch helpers shared by the stores. Every value reaches Postgres as a parameter.</summary>
internal static class Sql
{
    public static NpgsqlParameter P<T>(T value) => new NpgsqlParameter<T> { TypedValue = value };

    public static NpgsqlParameter Jsonb(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Jsonb };

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static DateTimeOffset ReadTimestamp(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>Name of the advisory lock that serialises one purpose (cron ticks, migrations) per schema.</summary>
    public static string LockName(string purpose, string schema) => $"synthetics:{purpose}:{schema}";
}
