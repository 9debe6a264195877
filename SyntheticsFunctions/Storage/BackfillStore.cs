using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage.Declarations;
using SyntheticsFunctions.Storage.Runs;

namespace SyntheticsFunctions.Storage;

/// <summary>A backfill job's row in <c>synthetic_backfills</c>.</summary>
public sealed record BackfillJob(
    Guid Id, string State, int Days, long Seed, bool PurgeFirst, EngineSettings Settings, int? ExistingUsers,
    DateTimeOffset WindowStart, DateTimeOffset WindowEnd, DateTimeOffset Cursor, int Chunks, IReadOnlyDictionary<string, long> Rows,
    double WriteMs, bool CancelRequested, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
    string? Error, IReadOnlyList<PoolMember>? Members = null, int FailedAttempts = 0)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public bool Active => State is Queued or Running;
}

/// <summary>Why a backfill was not created.</summary>
public enum BackfillRefusal
{
    None,

    /// <summary>Another job is queued or running.</summary>
    AnotherRunning,

    /// <summary>The engine runs and the caller did not ask to purge first.</summary>
    EngineRunning,
}

/// <summary>
/// The backfill's SQL: the job rows, the runner's advisory lock, and one chunk's write as one
/// transaction (new people, the activity rows through binary COPY with their rollups, the users'
/// state, the journal rows, the cursor). A chunk whose cursor moved meanwhile (it was written
/// before a crash) is refused, so none is written twice.
/// </summary>
public sealed class BackfillStore(NpgsqlDataSource dataSource, IOptions<SyntheticsOptions> options)
{
    private const string Columns =
        "id, state, days, seed, purge_first, settings::text, existing_users, window_start, window_end, cursor, chunks, rows_written::text, " +
        "write_ms, cancel_requested, created_at, started_at, updated_at, finished_at, error, members::text, failed_attempts";

    private readonly string _cronLock = Sql.LockName("cron", options.Value.Schema);
    private readonly string _runnerLock = Sql.LockName("backfill", options.Value.Schema);

    /// <summary>Creates a queued job, unless one is active or the engine runs without <paramref name="purgeFirst"/>.</summary>
    public async Task<(BackfillRefusal Refusal, BackfillJob? Job)> CreateAsync(
        Guid id, int days, long seed, bool purgeFirst, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        EngineSettings settings;
        await using (var read = new NpgsqlCommand(SettingsStore.SelectSettings + " FOR UPDATE", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            settings = SettingsStore.ReadSettings(reader);
        }

        if (settings.Enabled && !purgeFirst)
        {
            return (BackfillRefusal.EngineRunning, null);
        }

        var end = Microseconds.Truncate(now);
        var start = end.AddDays(-days);
        await using var insert = new NpgsqlBatch(connection, transaction);
        insert.BatchCommands.Add(Sql.Command(
            $"""
            INSERT INTO synthetic_backfills (id, state, days, seed, purge_first, settings, window_start, window_end, cursor, created_at, updated_at)
            SELECT $1, 'queued', $2, $3, $4, $5, $6, $7, $6, $8, $8
            WHERE NOT EXISTS (SELECT 1 FROM synthetic_backfills WHERE state IN ('queued', 'running'))
            ON CONFLICT DO NOTHING
            RETURNING {Columns}
            """,
            Sql.P(id), Sql.P(days), Sql.P(seed), Sql.P(purgeFirst), Sql.Jsonb(JsonSerializer.Serialize(settings)),
            Sql.P(start.UtcDateTime), Sql.P(end.UtcDateTime), Sql.P(now.UtcDateTime)));

        // The job's window starts the history where nothing earlier did (only if the job was created).
        insert.BatchCommands.Add(InstallationSql.RecordBackfillStart(start, id));
        BackfillJob? job;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            job = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (job is null)
        {
            return (BackfillRefusal.AnotherRunning, null);
        }

        await transaction.CommitAsync(cancellationToken);
        return (BackfillRefusal.None, job);
    }

    public async Task<BackfillJob?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await QueryOneAsync($"SELECT {Columns} FROM synthetic_backfills WHERE id = $1", cancellationToken, Sql.P(id));

    /// <summary>The job that is queued or running, if any.</summary>
    public async Task<BackfillJob?> ActiveAsync(CancellationToken cancellationToken) =>
        await QueryOneAsync($"SELECT {Columns} FROM synthetic_backfills WHERE state IN ('queued', 'running')", cancellationToken);

    /// <summary>Asks a job to stop: a queued one is cancelled at once, a running one after its current chunk.</summary>
    public async Task<BackfillJob?> CancelAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryOneAsync(
            $"""
            UPDATE synthetic_backfills
            SET cancel_requested = state IN ('queued', 'running') OR cancel_requested,
                state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
                finished_at = CASE WHEN state = 'queued' THEN $2 ELSE finished_at END,
                updated_at = $2
            WHERE id = $1
            RETURNING {Columns}
            """,
            cancellationToken, Sql.P(id), Sql.P(now.UtcDateTime));

    /// <summary>
    /// A queued job starts: how many sim users were already there is recorded (they count towards
    /// the cap, in every replay) and, on a pool the engine cannot grow, the members it plays: the
    /// active ones without history yet (the pool's enlistment first, so every sim_users row counts).
    /// </summary>
    public async Task<BackfillJob?> MarkRunningAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(PoolSql.Enlist(now, options.Value.ParsedRegionMix()));
        batch.BatchCommands.Add(Sql.Command(
            $"""
            UPDATE synthetic_backfills
            SET state = 'running', started_at = $2, updated_at = $2,
                existing_users = ({PoolSql.CountActive}),
                members = CASE WHEN {PoolSql.OwnsPoolTables} THEN NULL ELSE (
                    SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'ProfileId', pm.profile_id, 'Persona', pm.persona, 'Timezone', pm.timezone, 'AvailableAt', pm.available_at)
                           ORDER BY pm.profile_id), '[]'::jsonb)
                    FROM {PoolSql.ActiveMembers}
                      AND NOT EXISTS (SELECT 1 FROM journey_instances i WHERE i.user_id = pm.profile_id)
                      AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = pm.profile_id)) END
            WHERE id = $1 AND state = 'queued'
            RETURNING {Columns}
            """,
            Sql.P(id), Sql.P(now.UtcDateTime)));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Ends a job: cancelled (after a whole chunk) or failed with the error, for the database's owner.</summary>
    public async Task<BackfillJob?> FinishAsync(Guid id, string state, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryOneAsync(
            $"""
            UPDATE synthetic_backfills SET state = $2, error = $3, finished_at = $4, updated_at = $4
            WHERE id = $1 AND state IN ('queued', 'running')
            RETURNING {Columns}
            """,
            cancellationToken, Sql.P(id), Sql.P(state), Sql.P(error), Sql.P(now.UtcDateTime));

    /// <summary>
    /// A pass of an active job failed (its chunk rolled back): one more failure in a row, with its
    /// error (for the job's status); the job as it now is, or null when it is no longer active.
    /// </summary>
    public async Task<BackfillJob?> RecordFailedAttemptAsync(Guid id, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        await QueryOneAsync(
            $"""
            UPDATE synthetic_backfills SET failed_attempts = failed_attempts + 1, error = $2, updated_at = $3
            WHERE id = $1 AND state IN ('queued', 'running')
            RETURNING {Columns}
            """,
            cancellationToken, Sql.P(id), Sql.P(error), Sql.P(now.UtcDateTime));

    /// <summary>
    /// What playing a job reads besides the job, in one batch: the catalog and the installation
    /// (its seed and history start, which give each day its volume). The history start is the one
    /// the job's creation recorded, at or before its window's start, so every replay of the job
    /// reads the same; were the row's start later (or gone), the job's own window start is used.
    /// </summary>
    public async Task<(Catalog Catalog, Installation Installation)> ReadPlayInputAsync(BackfillJob job, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in RunInputReader.CatalogCommands())
        {
            batch.BatchCommands.Add(command);
        }

        batch.BatchCommands.Add(InstallationSql.Select());
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var catalog = await RunInputReader.ReadCatalogAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var installation = await InstallationSql.ReadAsync(reader, cancellationToken);
        return (catalog, installation.HistoryStart is { } start && start <= job.WindowStart ? installation : installation with { HistoryStart = job.WindowStart });
    }

    /// <summary>
    /// Takes the runner's session-level advisory lock on a connection of its own: one runner per
    /// database at a time. Null when another holds it; disposing releases it.
    /// </summary>
    public async Task<IAsyncDisposable?> TryLockRunnerAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection);
            command.Parameters.Add(Sql.P(_runnerLock));
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return new RunnerLock(connection, _runnerLock);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Writes one chunk as one transaction, under the cron's lock (no tick interleaves), if the
    /// job is still running with its cursor where the chunk starts; false when the chunk was
    /// refused (written before a crash, cancelled, or the job ended).
    /// </summary>
    public async Task<bool> WriteChunkAsync(BackfillJob job, BackfillChunk chunk, RealismRecord realism, Func<double> elapsedMs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var startMs = elapsedMs();
        await using (var check = new NpgsqlBatch(connection, transaction))
        {
            check.BatchCommands.Add(Sql.Command("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", Sql.P(_cronLock)));
            check.BatchCommands.Add(Sql.Command(
                "SELECT cursor, rows_written::text FROM synthetic_backfills WHERE id = $1 AND state = 'running' AND NOT cancel_requested FOR UPDATE",
                Sql.P(job.Id)));
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || Sql.ReadTimestamp(reader, 0) != chunk.From)
            {
                return false;
            }

            job = job with { Rows = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1)) ?? [] };
        }

        if (chunk.NewUsers.Count > 0 || chunk.Adopted.Count > 0 || chunk.Recycled.Count > 0)
        {
            await using var people = new NpgsqlBatch(connection, transaction);
            if (chunk.NewUsers.Count > 0)
            {
                Seeder.AddSimProfiles(people.BatchCommands, chunk.NewUsers, options.Value.DisplayNamePrefix);
                people.BatchCommands.Add(PoolSql.AddMembers(chunk.NewUsers));
            }

            // Members given a past, or signing up again after a retired life: their state is new.
            var renewed = chunk.Adopted.Select(u => u.ProfileId).Concat(chunk.Recycled).ToArray();
            if (renewed.Length > 0)
            {
                people.BatchCommands.Add(Sql.Command("DELETE FROM synthetic_user_state WHERE profile_id = ANY($1)", Sql.P(renewed)));
            }

            if (chunk.Adopted.Count > 0)
            {
                people.BatchCommands.Add(PoolSql.AdoptStates(chunk.Adopted));
            }

            await people.ExecuteNonQueryAsync(cancellationToken);
        }

        // The job counts the rows it leaves: an upserted row again (a journey continued, a status
        // changed) is not counted twice.
        var chunkRows = await ActivityTables.CopyAsync(connection, chunk.Batch, cancellationToken);
        await RealismStore.CopyAsync(connection, realism, cancellationToken);

        var rows = new Dictionary<string, long>(job.Rows);
        foreach (var (table, count) in chunkRows)
        {
            rows[table] = rows.GetValueOrDefault(table) + count;
        }

        await using var write = new NpgsqlBatch(connection, transaction);
        var commands = write.BatchCommands;
        if (chunk.Batch.Instances.Count > 0)
        {
            commands.Add(OpenInstancesSql.Track(chunk.Batch.Instances));
        }

        if (chunk.UserStates.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticUserState.InsertFromArrays(chunk.UserStates));
        }

        if (chunk.SessionsInProgress.Count > 0)
        {
            commands.Add(ActivityTables.SyntheticSessions.InsertFromArrays(chunk.SessionsInProgress));
        }

        commands.Add(ActivityWriter.AbandonIdle(chunk.IdleCutoff));
        commands.Add(PoolSql.RetireChurned(chunk.To, chunk.RetireBefore, job.Members is null ? PoolGrowth.EngineProfiles : PoolGrowth.Fixed));
        foreach (var hour in chunk.Hours)
        {
            commands.Add(RunJournal.Succeeded(
                hour.RunId, RunJournal.BackfillTrigger, job.Seed, hour.WindowStart, hour.WindowEnd, hour.SessionsRequested, hour.SessionsStarted, 0,
                hour.CarryOver, hour.Rows, 0, 0));
            if (hour.SessionsStarted > 0)
            {
                commands.Add(Sql.Command(Rollups.AddOne(Rollups.Sessions), Sql.P(hour.WindowEnd.UtcDateTime), Sql.P((long)hour.SessionsStarted)));
            }
        }

        if (chunk.Batch.Events.Count > 0 && chunk.Hours.Count > 0)
        {
            // The chunk's rule checks, recorded under its last hour's run; its sessions' rows run up to the window's end at most.
            commands.Add(RealismStore.Checks(chunk.Hours[^1].RunId, chunk.Batch.Events, chunk.To > job.WindowEnd ? chunk.To : job.WindowEnd, realism.CaptureTexts));
        }

        if (chunk.CronRow is { } cron)
        {
            // Where the live engine continues: its next tick's window starts at this row's end.
            commands.Add(RunJournal.Succeeded(cron.RunId, RunJournal.TriggerName(RunTrigger.Cron), job.Seed, cron.WindowStart, chunk.To, 0, 0, 0, cron.CarryOver, new Dictionary<string, int>(), 0, 0));
        }

        var writeMs = elapsedMs() - startMs;
        commands.Add(Sql.Command(
            """
            UPDATE synthetic_backfills
            SET cursor = $2, window_end = greatest(window_end, $2), chunks = chunks + 1, rows_written = $3, write_ms = write_ms + $4, updated_at = $5,
                failed_attempts = 0, error = NULL,
                state = CASE WHEN $6 THEN 'succeeded' ELSE state END, finished_at = CASE WHEN $6 THEN $5 ELSE finished_at END
            WHERE id = $1
            """,
            Sql.P(job.Id), Sql.P(chunk.To.UtcDateTime), Sql.Jsonb(JsonSerializer.Serialize(rows)), Sql.P(writeMs), Sql.P(now.UtcDateTime), Sql.P(chunk.Final)));
        commands.Add(Sql.Command("SELECT pg_notify($1, $2)", Sql.P(RunJournal.NotifyChannel), Sql.P(job.Id.ToString())));
        await write.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task<BackfillJob?> QueryOneAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static BackfillJob Read(NpgsqlDataReader reader)
    {
        DateTimeOffset? At(int i) => reader.IsDBNull(i) ? null : Sql.ReadTimestamp(reader, i);
        return new BackfillJob(
            reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetBoolean(4),
            JsonSerializer.Deserialize<EngineSettings>(reader.GetString(5))!, reader.IsDBNull(6) ? null : reader.GetInt32(6),
            Sql.ReadTimestamp(reader, 7), Sql.ReadTimestamp(reader, 8), Sql.ReadTimestamp(reader, 9), reader.GetInt32(10),
            JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(11)) ?? [], reader.GetDouble(12), reader.GetBoolean(13),
            Sql.ReadTimestamp(reader, 14), At(15), Sql.ReadTimestamp(reader, 16), At(17), reader.IsDBNull(18) ? null : reader.GetString(18),
            reader.IsDBNull(19) ? null : JsonSerializer.Deserialize<List<PoolMember>>(reader.GetString(19)), reader.GetInt32(20));
    }

    private sealed class RunnerLock(NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
                command.Parameters.Add(Sql.P(name));
                await command.ExecuteNonQueryAsync();
            }
            finally
            {
                // A broken connection releases the lock with its session.
                await connection.DisposeAsync();
            }
        }
    }
}
