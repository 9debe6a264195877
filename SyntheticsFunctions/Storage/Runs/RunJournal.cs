using System.Text.Json;
using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>The run journal, <c>synthetic_runs</c>: a committed run's row (in its own batch), and a failed run's (in a transaction of its own).</summary>
public sealed class RunJournal(NpgsqlDataSource dataSource)
{
    public const string NotifyChannel = "synthetics_run";

    public static string TriggerName(RunTrigger trigger) => trigger == RunTrigger.Cron ? "cron" : "manual";

    /// <summary>Adds the succeeded run's row and its notification (delivered at commit) to the write batch.</summary>
    internal static void AddSucceeded(NpgsqlBatch write, RunRequest request, RunOutput output, double durationMs, int retries)
    {
        write.BatchCommands.Add(Sql.Command(
            """
            INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                        sessions_continued, carry_over, rows_written, duration_ms, retries, error)
            VALUES ($1, $2, 'succeeded', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)
            """,
            Sql.P(request.RunId), Sql.P(TriggerName(request.Trigger)), Sql.P(request.Seed),
            Sql.P(output.WindowStart.UtcDateTime), Sql.P(output.WindowEnd.UtcDateTime), Sql.P(output.SessionsRequested),
            Sql.P(output.SessionsStarted), Sql.P(output.SessionsContinued), Sql.P(output.CarryOver),
            Sql.Jsonb(JsonSerializer.Serialize(output.Batch.RowsPerTable())), Sql.P(durationMs), Sql.P(retries)));
        write.BatchCommands.Add(Sql.Command("SELECT pg_notify($1, $2)", Sql.P(NotifyChannel), Sql.P(request.RunId.ToString())));
    }

    /// <summary>Records a run that failed, in a transaction of its own, after the run's own was rolled back.</summary>
    public async Task RecordFailureAsync(RunRequest request, string error, double durationMs, int retries, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO synthetic_runs (id, trigger, status, seed, window_start, window_end, sessions_requested, sessions_started,
                                        sessions_continued, carry_over, rows_written, duration_ms, retries, error)
            VALUES ($1, $2, 'failed', $3, $4, $4, $5, 0, 0, 0, '{}'::jsonb, $6, $7, $8)
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(Sql.P(request.RunId));
        command.Parameters.Add(Sql.P(TriggerName(request.Trigger)));
        command.Parameters.Add(Sql.P(request.Seed));
        command.Parameters.Add(Sql.P(request.Now.UtcDateTime));
        command.Parameters.Add(Sql.P(request.Trigger == RunTrigger.Manual ? request.Target : 0));
        command.Parameters.Add(Sql.P(durationMs));
        command.Parameters.Add(Sql.P(retries));
        command.Parameters.Add(Sql.P(error));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
