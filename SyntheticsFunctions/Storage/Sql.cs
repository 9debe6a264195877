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

    /// <summary>
    /// A journey's <c>created_at</c>, as <c>alias</c> (a <c>journeys</c> row) holds it: the engine's
    /// journeys table has it, but the schema contract does not require it of an app's own, so it is
    /// read through the row's JSON and is null where the column is absent (or holds no date).
    /// </summary>
    public static string JourneyCreatedAt(string alias) =>
        $@"CASE WHEN to_jsonb({alias})->>'created_at' ~ '^\d{{4}}-\d{{2}}-\d{{2}}' THEN (to_jsonb({alias})->>'created_at')::timestamptz END";

    /// <summary>
    /// The prompts a contract row the engine seeded keeps in its metadata (<c>{"seeded": true,
    /// "prompts": [...]}</c>), as text[]: null for any other row (an app's own contract keeps its one
    /// capture_prompt) and where the table has no metadata column (read through the row's JSON).
    /// </summary>
    public static string SeededPrompts(string alias) =>
        $$"""
        CASE WHEN to_jsonb({{alias}})->'metadata'->>'seeded' = 'true' AND jsonb_typeof(to_jsonb({{alias}})->'metadata'->'prompts') = 'array'
             THEN ARRAY(SELECT p #>> '{}' FROM jsonb_array_elements(to_jsonb({{alias}})->'metadata'->'prompts') p WHERE jsonb_typeof(p) = 'string') END
        """;

    /// <summary>Name of the advisory lock that serialises one purpose (cron ticks, migrations) per schema.</summary>
    public static string LockName(string purpose, string schema) => $"synthetics:{purpose}:{schema}";
}
