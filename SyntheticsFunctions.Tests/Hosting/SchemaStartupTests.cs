using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Hosting;

/// <summary>What the app logs as it starts, in the worker and the local host alike (both start the same hosted services).</summary>
public class SchemaStartupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Starting_logs_the_apps_version_before_the_schema_check()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using var app = await TestApp.CreateAsync(database, ensureSchema: false);

        foreach (var service in app.Provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        var startup = app.Logs.Entries.Where(e => e.Category == "SyntheticsFunctions.Hosting.SchemaStartup").ToList();
        Assert.Equal((LogLevel.Information, "SyntheticsFunctions 1.0.0 starting"), (startup[0].Level, startup[0].Message));
        Assert.Equal("SyntheticsFunctions 1.0.0 starting", app.Logs.Entries.First().Message);
        Assert.Equal("1.0.0", AppVersion.Current);
    }
}
