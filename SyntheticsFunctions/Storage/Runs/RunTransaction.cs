using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>Opens one run's transaction. A singleton over the app's one data source.</summary>
public sealed class RunTransactions(NpgsqlDataSource dataSource, IOptions<SyntheticsOptions> options)
{
    private readonly string _cronLock = Sql.LockName("cron", options.Value.Schema);
    private readonly int _poolCap = options.Value.PoolSize;

    public async Task<RunTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new RunTransaction(connection, transaction, _cronLock, _poolCap);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// One run as one transaction in three round trips: <see cref="LoadAsync"/> (1),
/// <see cref="WriteAsync"/> (2), <see cref="CommitAsync"/> (3). Disposing without committing rolls
/// back, so a failure or a dry run leaves nothing.
/// </summary>
public sealed class RunTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _cronLock;
    private readonly int _poolCap;

    internal RunTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string cronLock, int poolCap)
    {
        _connection = connection;
        _transaction = transaction;
        _cronLock = cronLock;
        _poolCap = poolCap;
    }

    public Task<LoadedRun> LoadAsync(RunRequest request, CancellationToken cancellationToken) =>
        RunInputReader.LoadAsync(_connection, _transaction, request, _cronLock, _poolCap, cancellationToken);

    /// <summary>Writes every due row, the sessions' state and the run's journal row; answers the rows per table.</summary>
    public async Task<IReadOnlyDictionary<string, int>> WriteAsync(RunRequest request, RunOutput output, double durationMs, int retries, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, int>(output.Batch.RowsPerTable());
        await using var write = new NpgsqlBatch(_connection, _transaction);
        ActivityWriter.AddWrites(write, output);
        RunJournal.AddSucceeded(write, request, output, durationMs, retries);
        await using var reader = await write.ExecuteReaderAsync(cancellationToken);
        rows[Tables.JourneyInstances] += await ActivityWriter.ReadAbandonedAsync(reader, cancellationToken);
        return rows;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
