using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using SyntheticsFunctions.Configuration;

namespace SyntheticsFunctions.Telemetry;

public static class TelemetryExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// OpenTelemetry the way the isolated worker expects it (<c>UseFunctionsWorkerDefaults</c>,
    /// host.json <c>telemetryMode: OpenTelemetry</c>), exporting logs, traces and the engine's
    /// metrics to Application Insights with the app's Entra credential. Npgsql's own traces go with
    /// them, so a run's database calls appear under its invocation. Off where no Application
    /// Insights connection string is set (locally).
    /// </summary>
    public static IServiceCollection AddSyntheticsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithMetrics(metrics => metrics.AddMeter(SyntheticsMetrics.MeterName, "Npgsql"))
            .WithTracing(tracing => tracing.AddNpgsql())
            .UseAzureMonitorExporter(options => options.Credential = services.BuildCredential(configuration));
        return services;
    }

    // The exporter is configured before the container is built; the credential it needs is the
    // one the data source uses (the app's managed identity in Azure), or the same choice made anew.
    private static TokenCredential BuildCredential(this IServiceCollection services, IConfiguration configuration)
    {
        var registered = services.FirstOrDefault(d => d.ServiceType == typeof(TokenCredential))?.ImplementationInstance as TokenCredential;
        return registered ?? PostgresCredentialFactory.Create(configuration.GetSection(PostgresAuthOptions.Section).Get<PostgresAuthOptions>() ?? new PostgresAuthOptions());
    }
}
