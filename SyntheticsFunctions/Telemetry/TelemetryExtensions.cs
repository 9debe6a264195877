using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace SyntheticsFunctions.Telemetry;

public static class TelemetryExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// OpenTelemetry the way the isolated worker expects it (<c>UseFunctionsWorkerDefaults</c>,
    /// host.json <c>telemetryMode: OpenTelemetry</c>), exporting logs, traces and the engine's
    /// metrics to Application Insights with the app's Entra credential. Off where no
    /// Application Insights connection string is set (locally).
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
            .UseAzureMonitorExporter(options => options.Credential = services.BuildCredential());
        return services;
    }

    // The exporter is configured before the container is built; the credential it needs is the
    // same DefaultAzureCredential (with the app's managed identity) the data source uses.
    private static TokenCredential BuildCredential(this IServiceCollection services)
    {
        var registered = services.FirstOrDefault(d => d.ServiceType == typeof(TokenCredential))?.ImplementationInstance as TokenCredential;
        return registered ?? new Azure.Identity.DefaultAzureCredential();
    }
}
