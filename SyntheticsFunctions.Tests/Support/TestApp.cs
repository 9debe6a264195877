using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions.Tests.Support;

/// <summary>The app's own service registrations on a test database, with a fake clock and captured logs.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(ServiceProvider provider, FakeTimeProvider time, LogSink logs, string connectionString)
    {
        Provider = provider;
        Time = time;
        Logs = logs;
        ConnectionString = connectionString;
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public LogSink Logs { get; }

    public string ConnectionString { get; }

    public IRunService Runs => Provider.GetRequiredService<IRunService>();

    public ISettingsService Settings => Provider.GetRequiredService<ISettingsService>();

    public IStatusService Status => Provider.GetRequiredService<IStatusService>();

    public IPoolService Pool => Provider.GetRequiredService<IPoolService>();

    public ICleanupService Cleanup => Provider.GetRequiredService<ICleanupService>();

    public IBackfillService Backfill => Provider.GetRequiredService<IBackfillService>();

    public NpgsqlDataSource DataSource => Provider.GetRequiredService<NpgsqlDataSource>();

    /// <summary>The clock every test app starts at unless the test sets one: a fixed instant, so no test reads the wall clock.</summary>
    public static DateTimeOffset DefaultNow { get; } = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    /// <summary>The app on <paramref name="connectionString"/>, its clock at <paramref name="now"/> (<see cref="DefaultNow"/> by default).</summary>
    public static async Task<TestApp> CreateAsync(
        string connectionString, IDictionary<string, string?>? settings = null, DateTimeOffset? now = null, bool ensureSchema = true,
        Action<IServiceCollection>? beforeApp = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Synthetics"] = connectionString,
            ["Synthetics:Seed"] = "1234",

            // A small pool at the cap: the tests count exact users; the population's own tests set more.
            ["Synthetics:PoolSize"] = "200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new LogSink();
        var time = new FakeTimeProvider(now ?? DefaultNow);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        beforeApp?.Invoke(services);
        services.AddSynthetics(configuration);
        services.AddSingleton<TimeProvider>(time);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var app = new TestApp(provider, time, logs, connectionString);
        if (ensureSchema)
        {
            var status = await provider.GetRequiredService<SchemaGate>().EnsureReadyAsync(CancellationToken.None);
            Assert.True(status.Compatible, string.Join("; ", status.Problems));
        }

        return app;
    }

    public Task<RunOutcome> RunAsync(RunTrigger trigger, int target = 5) => Runs.RunAsync(trigger, target, CancellationToken.None);

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>Captures log lines so tests can check what the logs say.</summary>
public sealed class LogSink : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue((logLevel, category, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception.GetType().Name}: {exception.Message}"));
    }
}
