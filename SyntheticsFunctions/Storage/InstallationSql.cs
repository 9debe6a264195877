using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// The installation's row (<c>synthetic_installation</c>, migration 0013): read with what plays
/// (a run's first batch, a backfill's catalog), its history start recorded with what writes (a
/// cron run's write batch, a backfill job's creation). The seeder writes the row and its seed.
/// </summary>
internal static class InstallationSql
{
    /// <summary>The row, for a batch; <see cref="ReadAsync"/> reads its answer.</summary>
    public static NpgsqlBatchCommand Select() => Sql.Command("SELECT seed, history_start FROM synthetic_installation WHERE id");

    /// <summary>Reads the answer of <see cref="Select"/>, the reader on it: <see cref="Installation.Unknown"/> without a row.</summary>
    public static async Task<Installation> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? new Installation(reader.GetInt64(0), reader.IsDBNull(1) ? null : Sql.ReadTimestamp(reader, 1))
            : Installation.Unknown;

    /// <summary>A cron run that writes: the history starts at its window's start, unless it has started already.</summary>
    public static NpgsqlBatchCommand RecordCronStart(DateTimeOffset windowStart) => Sql.Command(
        "UPDATE synthetic_installation SET history_start = $1 WHERE id AND history_start IS NULL",
        Sql.P(windowStart.UtcDateTime));

    /// <summary>A backfill job was created (in the same batch, if the job <paramref name="jobId"/> exists): the history starts at its window's start, unless it started earlier.</summary>
    public static NpgsqlBatchCommand RecordBackfillStart(DateTimeOffset windowStart, Guid jobId) => Sql.Command(
        """
        UPDATE synthetic_installation SET history_start = least(coalesce(history_start, $1), $1)
        WHERE id AND EXISTS (SELECT 1 FROM synthetic_backfills WHERE id = $2)
        """,
        Sql.P(windowStart.UtcDateTime), Sql.P(jobId));
}
