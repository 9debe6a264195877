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
    public static void AddWrites(NpgsqlBatch write, RunOutput output, string displayNamePrefix)
    {
        var commands = write.BatchCommands;

        // The claim read its users' state in a snapshot taken before it locked them; a run that
        // committed in between may have given one of them a session that this one would overlap.
        // Checked here, with a fresh snapshot, before anything else: a conflict re-runs the run.
        var started = output.UserStates.Where(u => u.State.LastSessionAt is not null).ToList();
        commands.Add(Sql.Command(
            """
            SELECT count(*) FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, started_at)
            WHERE EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = u.id AND us.last_session_ends_at >= u.started_at)
               OR EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = u.id)
            """,
            Sql.P(started.Select(u => u.State.ProfileId).ToArray()), Sql.P(started.Select(u => u.State.LastSessionAt!.Value.UtcDateTime).ToArray())));

        commands.Add(AbandonIdle(output.IdleCutoff));
        if (output.RetireChurnedBefore is { } retireBefore)
        {
            commands.Add(PoolSql.RetireChurned(output.WindowEnd, retireBefore, output.Growth));
        }

        if (output.SignUps.Count > 0)
        {
            // New people, before their rows: a profile and a sim user in the tables this app
            // created (the owner's function has added them otherwise), and their pool row.
            if (output.Growth == PoolGrowth.EngineProfiles)
            {
                Seeder.AddSimProfiles(commands, output.SignUps, displayNamePrefix);
            }

            commands.Add(PoolSql.AddMembers(output.SignUps));
        }

        foreach (var insert in ActivityTables.InsertCommands(output.Batch))
        {
            commands.Add(insert);
        }

        if (output.Batch.Instances.Count > 0)
        {
            commands.Add(OpenInstancesSql.Track(output.Batch.Instances));
        }

        if (output.SessionsEnded.Count > 0)
        {
            commands.Add(Sql.Command("DELETE FROM synthetic_sessions WHERE profile_id = ANY($1)", Sql.P(output.SessionsEnded.ToArray())));
        }

        if (output.SessionsToKeep.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticSessions.InsertFromArrays(output.SessionsToKeep));
        }

        if (output.UserStates.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticUserState.InsertFromArrays(output.UserStates));
        }

        if (output.Missed is { Count: > 0 } missed)
        {
            // Only where the plan is still the one the claim read: a run that committed in between wins.
            commands.Add(Sql.Command(
                """
                UPDATE synthetic_user_state us SET next_session_at = m.next
                FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS m(id, was, next)
                WHERE us.profile_id = m.id AND us.next_session_at = m.was
                """,
                Sql.P(missed.Select(m => m.ProfileId).ToArray()), Sql.P(missed.Select(m => m.Was.UtcDateTime).ToArray()), Sql.P(missed.Select(m => m.Next.UtcDateTime).ToArray())));
        }

        if (output.SessionsStarted > 0)
        {
            commands.Add(Sql.Command(Rollups.AddOne(Rollups.Sessions), Sql.P(output.WindowEnd.UtcDateTime), Sql.P((long)output.SessionsStarted)));
        }
    }

    /// <summary>
    /// Instances of sim users idle since before <paramref name="cutoff"/> are abandoned (rollup kept);
    /// rows of real users never match. Found through the engine's open instances (by last activity),
    /// the journey app's rows then reached by id. Answers how many.
    /// </summary>
    public static NpgsqlBatchCommand AbandonIdle(DateTimeOffset cutoff) => Sql.Command(
        $"""
        WITH idle AS (
            DELETE FROM synthetic_open_instances o
            WHERE o.last_activity_at < $1
              AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.instance_id = o.instance_id)
            RETURNING o.instance_id),
        abandoned AS (
            UPDATE journey_instances ji SET status = 'abandoned'
            FROM idle
            WHERE ji.id = idle.instance_id AND ji.status = 'active' AND ji.last_activity_at < $1
              AND {ActivityTables.IsSynthetic(ActivityTables.JourneyInstances, "ji")}
            RETURNING ji.last_activity_at),
        rollup AS (
            INSERT INTO {Rollups.HoursTable} (hour, metric, count)
            SELECT date_trunc('hour', last_activity_at), '{Rollups.JourneysAbandoned}', count(*) FROM abandoned GROUP BY 1 ORDER BY 1
            {Rollups.AddToHoursConflict})
        SELECT count(*) FROM abandoned
        """, Sql.P(cutoff.UtcDateTime));

    /// <summary>Reads the answers of the first write statements: no claim conflict, then the idle instances abandoned.</summary>
    public static async Task<int> ReadAbandonedAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken);
        var conflicts = reader.GetInt64(0);
        if (conflicts > 0)
        {
            throw new ClaimConflictException(conflicts);
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (int)reader.GetInt64(0);
    }
}

/// <summary>A run claimed a user whom a run that committed meanwhile had given a session; the whole run is re-run.</summary>
public sealed class ClaimConflictException(long users)
    : Exception($"{users} claimed users had a session committed by a concurrent run; the run is retried with a fresh snapshot.")
{
}
