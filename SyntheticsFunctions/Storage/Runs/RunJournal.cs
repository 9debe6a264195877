using System.Text.Json;
using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>The run journal, <c>synthetic_runs</c>: a committed run's row (in its own batch), and a failed run's (in a transaction of its own).</summary>
public sealed class RunJournal(NpgsqlDataSource dataSource)
{
    public const string NotifyChannel = "synthetics_run";

    /// <summary>The trigger of the journal rows a backfill's chunks write, one per simulated hour.</summary>
    public const string BackfillTrigger = "backfill";

    public static string TriggerName(RunTrigger trigger) => trigger == RunTrigger.Cron ? "cron" : "manual";

    /// <summary>Adds the succeeded run's row and its notification (delivered at commit) to the write batch.</summary>
    internal static void AddSucceeded(NpgsqlBatch write, RunRequest request, RunOutput output, double durationMs, int retries)
    {
        write.BatchCommands.Add(Succeeded(
            request.RunId, TriggerName(request.Trigger), request.Seed, output.WindowStart, output.WindowEnd, output.SessionsRequested,
            output.SessionsStarted, output.SessionsContinued, output.CarryOver, output.Batch.RowsPerTable(), durationMs, retries));
        write.BatchCommands.Add(Sql.Command("SELECT pg_notify($1, $2)", Sql.P(NotifyChannel), Sql.P(request.RunId.ToString())));
    }

    /// <summary>A succeeded run's journal row.</summary>
    internal static NpgsqlBatchCommand Succeeded(
        Guid id, string trigger, long seed, DateTimeOffset windowStart, DateTimeOffset windowEnd, int requested, int started, int continued,
        int carryOver, IReadOnlyDictionary<string, int> rows, double durationMs, int retries) => Sql.Command(
        """
        INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                    sessions_continued, carry_over, rows_written, duration_ms, retries, error)
        VALUES ($1, $2, 'succeeded', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)
        """,
        Sql.P(id), Sql.P(trigger), Sql.P(seed), Sql.P(windowStart.UtcDateTime), Sql.P(windowEnd.UtcDateTime), Sql.P(requested),
        Sql.P(started), Sql.P(continued), Sql.P(carryOver), Sql.Jsonb(JsonSerializer.Serialize(rows)), Sql.P(durationMs), Sql.P(retries));

    /// <summary>Records runs that failed, in one statement and a transaction of their own; a run already recorded is left as it is.</summary>
    public async Task RecordFailuresAsync(IReadOnlyList<RunFailure> failures, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                        sessions_continued, carry_over, rows_written, duration_ms, retries, error, failure_category, correlation_id)
            SELECT u.id, u.trigger, 'failed', u.seed, u.at, u.at, u.requested, 0, 0, 0, '{}'::jsonb, u.duration_ms, u.retries, u.error, u.category, u.correlation_id
            FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::timestamptz[], $5::int[], $6::float8[], $7::int[], $8::text[], $9::text[], $10::text[])
                AS u(id, trigger, seed, at, requested, duration_ms, retries, error, category, correlation_id)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(Sql.P(failures.Select(f => f.Request.RunId).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => TriggerName(f.Request.Trigger)).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Request.Seed).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Request.Now.UtcDateTime).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Request.Trigger == RunTrigger.Manual ? f.Request.Target : 0).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.DurationMs).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Retries).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Error).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.Category).ToArray()));
        command.Parameters.Add(Sql.P(failures.Select(f => f.CorrelationId).ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The check that rides in every run's first batch: has this run id already committed (an ambiguous commit retried)?</summary>
    internal static NpgsqlBatchCommand SelectCommitted(Guid runId) => Sql.Command(
        "SELECT sessions_requested, sessions_started, sessions_continued, rows_written::text FROM synthetic_runs WHERE id = $1 AND status = 'succeeded'",
        Sql.P(runId));

    /// <summary>Reads the answer of <see cref="SelectCommitted"/>: the committed run's counts, or null.</summary>
    internal static async Task<RunResult?> ReadCommittedAsync(NpgsqlDataReader reader, RunRequest request, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var rows = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(3)) ?? [];
        return new RunResult(request.RunId, request.Trigger, RunSkip.None, request.Seed, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), rows)
        {
            AlreadyCommitted = true,
        };
    }
}

/// <summary>The failure categories a failed run is recorded with.</summary>
public static class FailureCategories
{
    public const string DatabaseUnavailable = "database_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>The owner's signup function (<c>Synthetics:SignupFunction</c>) failed or did not add its people.</summary>
    public const string OwnerFunction = "owner_function";

    public static string Of(Exception e) => e switch
    {
        OwnerFunctionException => OwnerFunction,
        _ when StorageFailures.IsUnavailable(e) => DatabaseUnavailable,
        _ => InternalError,
    };
}

/// <summary>A run that failed, as the journal records it: <paramref name="Error"/> is the driver's message, kept for the database's owner only.</summary>
public sealed record RunFailure(RunRequest Request, string Category, string CorrelationId, string Error, double DurationMs, int Retries);
