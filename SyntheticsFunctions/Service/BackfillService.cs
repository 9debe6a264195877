using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Service;

/// <summary>A backfill job with its progress: percent of the simulated window written, rows per second so far and the time left at that pace.</summary>
public sealed record BackfillProgress(BackfillJob Job, double Percent, long TotalRows, double? RowsPerSecond, double? EtaSeconds);

/// <summary>What <see cref="IBackfillService.StartAsync"/> answers: the job, or why there is none.</summary>
public sealed record BackfillStart(BackfillProgress? Job, BackfillRefusal Refusal, int RetainDays);

/// <summary>What one pass of the backfill timer did.</summary>
public sealed record BackfillPass(Guid? JobId, int Chunks, string? State);

/// <summary>History from day one: a backfill job over the last N days, run in chunks by its own timer.</summary>
public interface IBackfillService
{
    /// <summary>Creates the job (nothing is written yet); refused while another runs, or while the engine runs without <paramref name="purgeFirst"/>, or outside 1 to retain_days (the range in force).</summary>
    Task<BackfillStart> StartAsync(int days, bool purgeFirst, CancellationToken cancellationToken, long? seed = null);

    Task<BackfillProgress?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stops the job after its current chunk (whole chunks only).</summary>
    Task<BackfillProgress?> CancelAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Runs the active job's chunks for up to <paramref name="budget"/> (and at most <paramref name="maxChunks"/>), under the runner's advisory lock.</summary>
    Task<BackfillPass> RunAsync(TimeSpan budget, CancellationToken cancellationToken, int maxChunks = int.MaxValue);
}

/// <summary>
/// The backfill's use case. The engine's <see cref="BackfillPlayer"/> is kept between passes while
/// its cursor matches the job's; after a restart, a crash or a refused chunk it is rebuilt and
/// replayed to the job's cursor (planning only, nothing written), which gives the same state
/// exactly, so a resumed job writes the rows an uninterrupted one would have.
/// </summary>
public sealed class BackfillService(
    BackfillStore store,
    SettingsStore settings,
    SchemaGate schema,
    ICleanupService cleanup,
    TimeProvider time,
    RandomSource random,
    Microsoft.Extensions.Options.IOptions<Configuration.SyntheticsOptions> options,
    ILogger<BackfillService> logger) : IBackfillService
{
    /// <summary>How long one timer pass writes chunks before it leaves the rest to the next.</summary>
    public static readonly TimeSpan PassBudget = TimeSpan.FromMinutes(4);

    /// <summary>A chunk that fails this many times in a row fails the job (its error in the job's status); the cron resumes.</summary>
    public const int MaxFailedAttempts = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private BackfillPlayer? _player;
    private Guid _playerJob;
    private Catalog? _catalog;

    public async Task<BackfillStart> StartAsync(int days, bool purgeFirst, CancellationToken cancellationToken, long? seed = null)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var current = await settings.ReadAsync(cancellationToken);
        if (days < 1 || days > current.RetainDays)
        {
            return new BackfillStart(null, BackfillRefusal.None, current.RetainDays);
        }

        var now = time.GetUtcNow();
        var jobSeed = seed ?? random.NextSeed();
        var id = Uuid7.Create(now, new Random(SessionPlanner.SeedOf(jobSeed)));
        var (refusal, job) = await store.CreateAsync(id, days, jobSeed, purgeFirst, now, cancellationToken);
        if (job is not null)
        {
            logger.LogInformation("Backfill {JobId} of {Days} days queued (seed {Seed}, purge first {PurgeFirst})", job.Id, days, jobSeed, purgeFirst);
        }

        return new BackfillStart(job is null ? null : Progress(job), refusal, current.RetainDays);
    }

    public async Task<BackfillProgress?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var job = await store.GetAsync(id, cancellationToken);
        return job is null ? null : Progress(job);
    }

    public async Task<BackfillProgress?> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        await schema.RequireReadyAsync(cancellationToken);
        var job = await store.CancelAsync(id, time.GetUtcNow(), cancellationToken);
        if (job is not null)
        {
            logger.LogInformation("Backfill {JobId} cancel requested ({State})", job.Id, job.State);
        }

        return job is null ? null : Progress(job);
    }

    public async Task<BackfillPass> RunAsync(TimeSpan budget, CancellationToken cancellationToken, int maxChunks = int.MaxValue)
    {
        if (!(await schema.EnsureReadyAsync(cancellationToken)).Compatible)
        {
            return new BackfillPass(null, 0, null);
        }

        // A pass still running in this process (a long chunk past the next tick) keeps the job.
        if (!await _gate.WaitAsync(0, cancellationToken))
        {
            return new BackfillPass(null, 0, null);
        }

        try
        {
            await using var runner = await store.TryLockRunnerAsync(cancellationToken);
            if (runner is null)
            {
                return new BackfillPass(null, 0, null);
            }

            var job = await store.ActiveAsync(cancellationToken);
            return job is null ? new BackfillPass(null, 0, null) : await RunJobAsync(job, budget, maxChunks, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BackfillPass> RunJobAsync(BackfillJob job, TimeSpan budget, int maxChunks, CancellationToken cancellationToken)
    {
        var startedAt = time.GetTimestamp();
        var chunks = 0;
        try
        {
            if (job.CancelRequested)
            {
                return Finished(await store.FinishAsync(job.Id, BackfillJob.Cancelled, null, time.GetUtcNow(), cancellationToken), chunks);
            }

            if (job.State == BackfillJob.Queued)
            {
                if (job.PurgeFirst)
                {
                    // The backfill brings its own people: nobody is added after the purge.
                    await cleanup.PurgeAsync(cancellationToken, repopulate: false);
                }

                job = await store.MarkRunningAsync(job.Id, time.GetUtcNow(), cancellationToken) ?? job;
                logger.LogInformation("Backfill {JobId} started: {Days} days from {Start}", job.Id, job.Days, job.WindowStart);
            }

            var player = await PlayerAsync(job, cancellationToken);

            // Planning and writing overlap: while chunk k is written on the one writer connection,
            // chunk k+1 is planned on another thread (one planned chunk at most, handed over when
            // k is committed). The player is only ever touched by the planning in flight. Whether
            // a pass goes on to the next chunk is decided as it would be before planning it
            // sequentially, when the chunk before starts being written (so a pass runs over its
            // budget by one chunk at most, as before). A chunk refused or failed discards the plan
            // ahead: the player is then past the job's cursor and the next pass replays to it.
            var next = chunks < maxChunks && time.GetElapsedTime(startedAt) < budget ? PlanAsync(player) : null;
            while (next is not null)
            {
                var (chunk, realism) = await next;
                next = null;
                _player = null; // until the chunk is committed, the player is ahead of the job
                if (!chunk.Final && chunks + 1 < maxChunks && time.GetElapsedTime(startedAt) < budget)
                {
                    next = PlanAsync(player);
                }

                bool written;
                try
                {
                    written = await store.WriteChunkAsync(job, chunk, realism, () => time.GetElapsedTime(startedAt).TotalMilliseconds, time.GetUtcNow(), cancellationToken);
                }
                catch
                {
                    await DiscardAsync(next);
                    throw;
                }

                if (!written)
                {
                    await DiscardAsync(next);
                    var now = await store.GetAsync(job.Id, cancellationToken);
                    if (now is { Active: true, CancelRequested: true })
                    {
                        logger.LogInformation("Backfill {JobId} cancelled after {Chunks} chunks, at {Cursor}", job.Id, now.Chunks, now.Cursor);
                        return Finished(await store.FinishAsync(job.Id, BackfillJob.Cancelled, null, time.GetUtcNow(), cancellationToken), chunks);
                    }

                    // Written before (a crash after its commit): the next pass replays to the cursor.
                    return new BackfillPass(job.Id, chunks, now?.State);
                }

                chunks++;
                job = job with { Cursor = chunk.To };
                if (next is null)
                {
                    // Nothing planned ahead: the player is at the job's cursor, kept for the next pass.
                    _player = player;
                    _playerJob = job.Id;
                }

                logger.LogInformation(
                    "Backfill {JobId} chunk to {Cursor}: {Sessions} sessions, {Rows} rows {RowsPerTable}",
                    job.Id, chunk.To, chunk.SessionsStarted, chunk.Batch.TotalRows, chunk.Batch.RowsPerTable());
                if (chunk.Final)
                {
                    _player = null;
                    logger.LogInformation("Backfill {JobId} succeeded; the live engine continues from {End}", job.Id, chunk.To);
                    return new BackfillPass(job.Id, chunks, BackfillJob.Succeeded);
                }
            }

            return new BackfillPass(job.Id, chunks, BackfillJob.Running);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _player = null;
            if (e is Npgsql.NpgsqlException || StorageFailures.IsUnavailable(e))
            {
                // The chunk rolled back, or committed without the answer reaching us; the cursor is
                // in Postgres either way: the next pass replays to it and goes on, unless the chunk
                // has now failed MaxFailedAttempts times in a row.
                logger.LogWarning(e, "Backfill {JobId} pass stopped by the database after {Chunks} chunks; the next pass resumes", job.Id, chunks);
                return await CountFailureAsync(job, chunks, e);
            }

            logger.LogError(e, "Backfill {JobId} failed after {Chunks} chunks", job.Id, chunks);
            await store.FinishAsync(job.Id, BackfillJob.Failed, e.Message, time.GetUtcNow(), CancellationToken.None);
            return new BackfillPass(job.Id, chunks, BackfillJob.Failed);
        }
    }

    /// <summary>
    /// The player's next chunk, planned on the thread pool, with what the realism facts keep of it.
    /// The present is read when planning starts: a final chunk planned while the one before is
    /// written ends where the clock was then, where the live engine continues.
    /// </summary>
    private Task<(BackfillChunk Chunk, RealismRecord Realism)> PlanAsync(BackfillPlayer player)
    {
        var catalog = _catalog!;
        var present = time.GetUtcNow();
        return Task.Run(() =>
        {
            var chunk = player.Play(present);
            // A session's rows are written by the chunk that starts it, except in the last chunk,
            // which writes the rest of the sessions still running at the window's end.
            return (chunk, RealismRecord.Of(chunk.Batch, catalog, chunk.SessionsContinued));
        });
    }

    /// <summary>Drops a chunk planned ahead of one that was not written: waits for its planning to end (its failure, if any, does not matter: it is never written).</summary>
    private static async Task DiscardAsync(Task<(BackfillChunk Chunk, RealismRecord Realism)>? planned)
    {
        if (planned is null)
        {
            return;
        }

        try
        {
            await planned;
        }
        catch (Exception)
        {
            // The chunk was never going to be written; the next pass replays to the job's cursor.
        }
    }

    /// <summary>The player at the job's cursor: the one kept from the last pass, or a new one replayed to the cursor.</summary>
    private async Task<BackfillPlayer> PlayerAsync(BackfillJob job, CancellationToken cancellationToken)
    {
        if (_player is { } kept && _playerJob == job.Id && kept.Cursor == job.Cursor)
        {
            return kept;
        }

        var (catalog, installation) = await store.ReadPlayInputAsync(job, cancellationToken);
        var player = new BackfillPlayer(SpecOf(job, installation, options.Value), catalog);
        _catalog = catalog;
        var replayed = 0;
        while (player.Cursor < job.Cursor)
        {
            cancellationToken.ThrowIfCancellationRequested();
            player.Play(job.Cursor);
            replayed++;
        }

        if (player.Cursor != job.Cursor)
        {
            throw new InvalidOperationException($"Backfill {job.Id}: replay reached {player.Cursor:O}, not the cursor {job.Cursor:O}.");
        }

        if (replayed > 0)
        {
            logger.LogInformation("Backfill {JobId} replayed {Chunks} chunks to its cursor {Cursor}", job.Id, replayed, job.Cursor);
        }

        return player;
    }

    /// <summary>What a job's rows are a function of (<see cref="BackfillSpec"/>): the job as it started, the installation it read, the pool's cap and region.</summary>
    public static BackfillSpec SpecOf(BackfillJob job, Installation installation, Configuration.SyntheticsOptions options) =>
        new(job.Seed, job.WindowStart, WindowEndOf(job), job.Settings, options.PoolSize, job.ExistingUsers ?? 0, job.Members, Installation: installation,
            Region: options.ParsedRegionMix());

    /// <summary>The window's end as created: the last chunk moves <c>window_end</c> on to the present, so the original is start + days.</summary>
    private static DateTimeOffset WindowEndOf(BackfillJob job) => job.WindowStart.AddDays(job.Days);

    /// <summary>
    /// One more failure in a row of the job's next chunk. At <see cref="MaxFailedAttempts"/> the
    /// job fails with the error; a database too far gone to record it leaves the count as it was
    /// (the next pass tries again).
    /// </summary>
    private async Task<BackfillPass> CountFailureAsync(BackfillJob job, int chunks, Exception e)
    {
        var error = FailureText(e);
        try
        {
            var now = time.GetUtcNow();
            var counted = await store.RecordFailedAttemptAsync(job.Id, error, now, CancellationToken.None);
            if (counted is { FailedAttempts: >= MaxFailedAttempts })
            {
                logger.LogError("Backfill {JobId} failed: the chunk from {Cursor} failed {Attempts} times in a row ({Error}); the cron resumes", job.Id, counted.Cursor, counted.FailedAttempts, error);
                await store.FinishAsync(job.Id, BackfillJob.Failed,
                    FormattableString.Invariant($"The chunk from {counted.Cursor:O} failed {counted.FailedAttempts} times in a row: {error}"), now, CancellationToken.None);
                return new BackfillPass(job.Id, chunks, BackfillJob.Failed);
            }
        }
        catch (Exception recording) when (StorageFailures.IsUnavailable(recording) || recording is Npgsql.NpgsqlException)
        {
            logger.LogWarning(recording, "Backfill {JobId}: the failed attempt could not be recorded", job.Id);
        }

        return new BackfillPass(job.Id, chunks, BackfillJob.Running);
    }

    /// <summary>
    /// A failure as the job's status shows it: the server's own words for a statement it refused
    /// (its SQLSTATE and message, about the statement, never the connection), the fixed answer otherwise.
    /// </summary>
    private static string FailureText(Exception e) => e is Npgsql.PostgresException postgres && !StorageFailures.IsUnavailable(e)
        ? $"{postgres.SqlState}: {postgres.MessageText}"
        : StatusService.DatabaseUnreachable;

    private BackfillProgress Progress(BackfillJob job)
    {
        var total = job.Rows.Values.Sum();
        var span = (job.WindowEnd - job.WindowStart).TotalSeconds;
        var percent = job.State == BackfillJob.Succeeded ? 100 : span <= 0 ? 0 : Math.Round(Math.Clamp((job.Cursor - job.WindowStart).TotalSeconds / span, 0, 1) * 100, 1);
        double? rate = null, eta = null;
        if (job.StartedAt is { } started)
        {
            var seconds = ((job.FinishedAt ?? job.UpdatedAt) - started).TotalSeconds;
            if (seconds > 0 && total > 0)
            {
                rate = Math.Round(total / seconds, 1);
                if (job.Active && percent > 0)
                {
                    eta = Math.Round(seconds * (100 - percent) / percent, 1);
                }
            }
        }

        return new BackfillProgress(job, percent, total, rate, job.State == BackfillJob.Succeeded ? 0 : job.Active ? eta : null);
    }

    private BackfillPass Finished(BackfillJob? job, int chunks) => new(job?.Id, chunks, job?.State);
}
