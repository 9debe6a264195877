using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;
using SyntheticsFunctions.Storage.Runs;
using SyntheticsFunctions.Telemetry;

namespace SyntheticsFunctions.Hosting;

/// <summary>The composition root: every registration of the app, shared by the Functions worker, the local host and the tests.</summary>
public static class SyntheticsServiceCollectionExtensions
{
    /// <summary>
    /// How many statements each connection keeps prepared unless the connection string says
    /// (<c>Max Auto Prepare</c>; 0 turns it off, as a pooler without prepared statements needs):
    /// a cron tick's statements are the same every minute, so the server parses and plans them
    /// once per connection instead of once per tick.
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Everything the functions need, registered once and shared by the Functions worker and the
    /// local host mode: options, the one data source, the run pipeline, storage and the service.
    /// </summary>
    public static IServiceCollection AddSynthetics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SyntheticsOptions>()
            .BindConfiguration(SyntheticsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var connectionString = configuration.GetConnectionString(ConnectionNames.Synthetics);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException(
                ConnectionNames.Synthetics, typeof(string),
                ["ConnectionStrings:Synthetics is required (ConnectionStrings__Synthetics as an app setting)."]);
        }

        services.AddOptions<PostgresAuthOptions>().BindConfiguration(PostgresAuthOptions.Section);
        var auth = configuration.GetSection(PostgresAuthOptions.Section).Get<PostgresAuthOptions>() ?? new PostgresAuthOptions();
        if (auth.UseEntraAuth)
        {
            // A seam tests replace with a fake credential; in Azure, the app's managed identity.
            services.TryAddSingleton(PostgresCredentialFactory.Create(auth));
        }

        services.AddNpgsqlDataSource(connectionString, (provider, builder) =>
        {
            // Every statement is unqualified; the configured schema is the search path.
            builder.ConnectionStringBuilder.SearchPath = provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value.Schema;
            builder.ConnectionStringBuilder.ApplicationName ??= "SyntheticsFunctions";
            if (!SetsAutoPrepare(connectionString))
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            }

            if (auth.UseEntraAuth)
            {
                EntraPasswordProvider.Use(builder, provider.GetRequiredService<TokenCredential>());
            }
        });

        services.AddResiliencePipeline(RunService.Pipeline, builder =>
        {
            // Backoff between attempts is a real wait; the app's TimeProvider (faked in tests)
            // dates rows and windows, not this.
            builder.TimeProvider = TimeProvider.System;
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient).Handle<ClaimConflictException>(),
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            });
        });

        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<SyntheticsMetrics>();
        services.AddSingleton(provider =>
        {
            var seed = provider.GetRequiredService<IOptions<SyntheticsOptions>>().Value.Seed ?? Random.Shared.Next();
            return new RandomSource(seed);
        });

        // Storage: each part does one job over the one data source.
        // TryAdd: a test may register the next release (a migration and the column it adds) first.
        services.TryAddSingleton(SchemaRelease.Current);
        services.AddSingleton<SchemaInspector>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<IndexAdvisor>();
        services.AddSingleton<Seeder>();
        services.AddSingleton<RunTransactions>();
        services.AddSingleton<RunJournal>();
        services.AddSingleton<HealthStore>();
        services.AddSingleton<StatusStore>();
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<CleanupStore>();
        services.AddSingleton<PoolStore>();
        services.AddSingleton<ActivityStore>();
        services.AddSingleton<BackfillStore>();
        services.AddSingleton<RealismStore>();
        services.AddSingleton<EstimateStore>();

        // Use cases, which the functions take through their interfaces.
        services.AddSingleton<SchemaGate>();
        services.AddSingleton<PendingFailures>();
        services.AddSingleton<IRunService, RunService>();
        services.AddSingleton<ISettingsService, SettingsService>();
        services.AddSingleton<IStatusService, StatusService>();
        services.AddSingleton<IPoolService, PoolService>();
        services.AddSingleton<ICleanupService, CleanupService>();
        services.AddSingleton<IBackfillService, BackfillService>();
        services.AddSingleton<IRealismService, RealismService>();
        services.AddSingleton<IEstimateService, EstimateService>();
        services.AddHostedService<SchemaStartup>();
        return services;
    }

    /// <summary>Whether <paramref name="connectionString"/> names <c>Max Auto Prepare</c> itself, under either of its keywords.</summary>
    internal static bool SetsAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare");
    }
}

/// <summary>
/// Logs the app's version, then migrates and checks the schema when the app starts (the worker
/// and the local host alike), so both are in the logs at once. A database that is down does not
/// stop the app.
/// </summary>
internal sealed class SchemaStartup(SchemaGate gate, ILogger<SchemaStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("SyntheticsFunctions {Version} starting", AppVersion.Current);
        try
        {
            await gate.EnsureReadyAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogError(e, "Schema check at startup failed; the engine retries on its next run");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
