using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Storage.Declarations;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>
/// Adds a run's writes to its second batch: idle instances abandoned, every activity row (one
/// unnest insert per table, from the declarations), the sessions kept and ended, and the
/// sessions rollup. The first statement answers how many idle instances it abandoned.
/// </summary>
internal static class ActivityWriter
{
    public static void AddWrites(NpgsqlBatch write, RunOutput output)
    {
        var commands = write.BatchCommands;

        // Instances of sim users idle past the limit are abandoned; rows of real users never match.
        commands.Add(Sql.Command(
            $"""
            WITH abandoned AS (
                UPDATE journey_instances ji SET status = 'abandoned'
                WHERE ji.status = 'active' AND ji.last_activity_at < $1
                  AND {ActivityTables.IsSynthetic(ActivityTables.JourneyInstances, "ji")}
                  AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.instance_id = ji.id)
                RETURNING ji.last_activity_at),
            rollup AS (
                INSERT INTO {Rollups.HoursTable} (hour, metric, count)
                SELECT date_trunc('hour', last_activity_at), '{Rollups.JourneysAbandoned}', count(*) FROM abandoned GROUP BY 1
                {Rollups.AddToHoursConflict})
            SELECT count(*) FROM abandoned
            """, Sql.P(output.IdleCutoff.UtcDateTime)));

        foreach (var insert in ActivityTables.InsertCommands(output.Batch))
        {
            commands.Add(insert);
        }

        if (output.SessionsEnded.Count > 0)
        {
            commands.Add(Sql.Command("DELETE FROM synthetic_sessions WHERE profile_id = ANY($1)", Sql.P(output.SessionsEnded.ToArray())));
        }

        if (output.SessionsToKeep.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticSessions.InsertFromArrays(output.SessionsToKeep));
        }

        if (output.SessionEnds.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticUserState.InsertFromArrays(output.SessionEnds));
        }

        if (output.SessionsStarted > 0)
        {
            commands.Add(Sql.Command(Rollups.AddOne(Rollups.Sessions), Sql.P(output.WindowEnd.UtcDateTime), Sql.P((long)output.SessionsStarted)));
        }
    }

    /// <summary>Reads the answer of the first write statement: idle instances abandoned.</summary>
    public static async Task<int> ReadAbandonedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        return (int)reader.GetInt64(0);
    }
}
