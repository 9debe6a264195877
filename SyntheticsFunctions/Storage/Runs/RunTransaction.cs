using Microsoft.Extensions.Options;
using Npgsql;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Storage.Runs;

/// <summary>Opens one run's transaction. A singleton over the app's one data source.</summary>
public sealed class RunTransactions(NpgsqlDataSource dataSource, IOptions<SyntheticsOptions> options)
{
    private readonly string _cronLock = Sql.LockName("cron", options.Value.Schema);
    private readonly int _poolCap = options.Value.PoolSize;
    private readonly string? _signupFunction = options.Value.QuotedSignupFunction();
    private readonly RegionMix _region = options.Value.ParsedRegionMix();
    private readonly string _displayNamePrefix = options.Value.DisplayNamePrefix;

    public async Task<RunTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new RunTransaction(connection, transaction, _cronLock, _poolCap, _signupFunction, _displayNamePrefix) { Region = _region };
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
    private readonly string? _signupFunction;
    private readonly string _displayNamePrefix;

    internal RunTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, string cronLock, int poolCap, string? signupFunction, string displayNamePrefix)
    {
        _displayNamePrefix = displayNamePrefix;
        _signupFunction = signupFunction;
        _connection = connection;
        _transaction = transaction;
        _cronLock = cronLock;
        _poolCap = poolCap;
    }

    /// <summary>Where new users live (<c>Synthetics:RegionMix</c>).</summary>
    internal RegionMix Region { get; init; } = RegionMix.Global;

    public Task<LoadedRun> LoadAsync(RunRequest request, CancellationToken cancellationToken) =>
        RunInputReader.LoadAsync(_connection, _transaction, request, _cronLock, _poolCap, _signupFunction, Region, cancellationToken);

    /// <summary>Writes every due row, the sessions' state, the run's realism facts, its journal row and, for the first cron run, the history's start; answers the rows per table.</summary>
    public async Task<IReadOnlyDictionary<string, int>> WriteAsync(
        RunRequest request, RunOutput output, RealismRecord realism, double durationMs, int retries, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, int>(output.Batch.RowsPerTable());
        if (output.Growth == PoolGrowth.OwnerFunction && output.SignUps.Count > 0)
        {
            // The owner's function adds the people first (their rows may reference the app's
            // profiles); a person it did not add to both tables fails the run, nothing written.
            await SignUpThroughOwnerAsync(_connection, _transaction, _signupFunction!, output.SignUps, cancellationToken);
        }

        await using var write = new NpgsqlBatch(_connection, _transaction);
        ActivityWriter.AddWrites(write, output, _displayNamePrefix);
        RealismStore.AddWrites(write.BatchCommands, request.RunId, output.Batch, realism, output.WindowEnd);
        RunJournal.AddSucceeded(write, request, output, durationMs, retries);
        if (request.Trigger == RunTrigger.Cron)
        {
            // The first cron run that writes starts the history (unless a backfill started it earlier).
            write.BatchCommands.Add(InstallationSql.RecordCronStart(output.WindowStart));
        }

        await using var reader = await write.ExecuteReaderAsync(cancellationToken);
        rows[Tables.JourneyInstances] += await ActivityWriter.ReadAbandonedAsync(reader, cancellationToken);
        return rows;
    }

    /// <summary>Calls the owner's signup function for <paramref name="users"/> in the transaction; throws <see cref="OwnerFunctionException"/> when one is then missing from <c>profiles</c> or <c>sim_users</c>.</summary>
    internal static async Task SignUpThroughOwnerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string quotedFunction, IReadOnlyList<NewUser> users, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in PoolSql.CallSignupFunction(quotedFunction, users))
        {
            batch.BatchCommands.Add(command);
        }

        long missing;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            missing = reader.GetInt64(0);
        }
        catch (PostgresException e) when (!e.IsTransient)
        {
            throw new OwnerFunctionException(e);
        }

        if (missing > 0)
        {
            throw new OwnerFunctionException(missing, users.Count);
        }
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>The owner's signup function did not add every new person to <c>profiles</c> and <c>sim_users</c>: the run fails and writes nothing.</summary>
public sealed class OwnerFunctionException : Exception
{
    public OwnerFunctionException(long missing, int called)
        : base($"The signup function left {missing} of {called} new people out of profiles or sim_users; the run wrote nothing.")
    {
    }

    public OwnerFunctionException(PostgresException inner)
        : base($"The signup function failed: {inner.MessageText}", inner)
    {
    }
}
