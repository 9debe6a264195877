using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Moq;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Telemetry;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Telemetry;

public class TelemetryTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_run_emits_metrics_for_its_trigger_sessions_rows_and_duration()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();

        // This app's meter only (its meter factory is its scope): other tests' apps run beside it.
        var meters = app.Provider.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyntheticsMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        var outcome = await app.RunAsync(RunTrigger.Manual, 6);

        var runs = measurements.Where(m => m.Instrument == "synthetics.runs").ToList();
        Assert.Single(runs);
        Assert.Equal("manual", runs[0].Tags["trigger"]);
        Assert.Equal("succeeded", runs[0].Tags["status"]);
        Assert.Equal(6, measurements.Where(m => m.Instrument == "synthetics.sessions.started").Sum(m => m.Value));
        foreach (var (table, rows) in outcome.Result!.RowsPerTable)
        {
            Assert.Equal(rows, measurements.Where(m => m.Instrument == "synthetics.rows.written" && (string?)m.Tags["table"] == table).Sum(m => m.Value));
        }

        // Duration comes from the app's TimeProvider, which this test holds still.
        Assert.Equal(0, Assert.Single(measurements, m => m.Instrument == "synthetics.run.duration").Value);
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains(outcome.RunId.ToString()) && e.Message.Contains("started 6 of 6 sessions") && e.Message.Contains("0 retries"));
    }

    [Fact]
    public async Task With_entra_auth_the_data_source_signs_in_with_a_token_for_the_postgres_scope()
    {
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);
        credential
            .Setup(c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.SequenceEqual(new[] { PostgresAuthOptions.TokenScope })), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("token-from-entra", TestApp.DefaultNow.AddYears(50)));
        var database = await postgres.Server.CreateMigratedDatabaseAsync();

        await using var app = await TestApp.CreateAsync(
            database,
            new Dictionary<string, string?> { ["Synthetics:Postgres:UseEntraAuth"] = "true" },
            beforeApp: services => services.AddSingleton(credential.Object));
        await using var connection = await app.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT current_user", connection);

        Assert.Equal("postgres", await command.ExecuteScalarAsync());
        credential.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.AtLeastOnce);
    }

    [Fact]
    public async Task Without_entra_auth_no_token_is_asked_for()
    {
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);

        await using var app = await TestApp.CreateAsync(
            await postgres.Server.CreateMigratedDatabaseAsync(), beforeApp: services => services.AddSingleton(credential.Object));
        await using var connection = await app.DataSource.OpenConnectionAsync();

        credential.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task With_application_insights_configured_npgsql_commands_are_traced_for_export()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        var services = new ServiceCollection();
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(new AccessToken("t", TestApp.DefaultNow.AddYears(50)));
        services.AddSingleton(credential.Object);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // An ingestion endpoint nothing listens on: export fails quietly, the traces are collected here.
            [TelemetryExtensions.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        }).Build();
        var collected = new ConcurrentBag<Activity>();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSyntheticsTelemetry(configuration);
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collector(collected)));
        var marker = "trace_" + Guid.NewGuid().ToString("N")[..8];

        await using (var provider = services.BuildServiceProvider())
        {
            _ = provider.GetRequiredService<TracerProvider>();
            await using var dataSource = NpgsqlDataSource.Create(database);
            await using var command = dataSource.CreateCommand($"SELECT 1 AS {marker}");
            await command.ExecuteScalarAsync();
        }

        var traced = Assert.Single(collected, a => a.Source.Name == "Npgsql" && a.TagObjects.Any(t => t.Value?.ToString()?.Contains(marker, StringComparison.Ordinal) == true));
        Assert.Equal(ActivityKind.Client, traced.Kind);
        Assert.Equal(ActivityStatusCode.Unset, traced.Status);
    }

    private sealed class Collector(ConcurrentBag<Activity> collected) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => collected.Add(data);
    }
}
