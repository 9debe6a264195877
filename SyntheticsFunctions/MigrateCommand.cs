using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SyntheticsFunctions.LocalHost;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Service;

namespace SyntheticsFunctions;

/// <summary>
/// <c>dotnet SyntheticsFunctions.dll migrate</c>: applies the migrations and seeds, for the
/// tables' owner to run where the app's own role may not create tables (MigrateOnStartup=false).
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        LocalSettingsFile.AddBeneath(builder.Configuration);

        builder.Services.AddSynthetics(builder.Configuration);
        using var host = builder.Build();
        var gate = host.Services.GetRequiredService<SchemaGate>();
        var status = await gate.MigrateAsync(CancellationToken.None);
        if (!status.Compatible)
        {
            foreach (var problem in status.Problems)
            {
                await Console.Error.WriteLineAsync("incompatible: " + problem);
            }

            return 2;
        }

        Console.WriteLine("Schema is up to date.");
        return 0;
    }
}
