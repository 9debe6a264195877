using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions;

/// <summary>
/// <c>dotnet SyntheticsFunctions.dll migrate</c>: applies the migrations and seeds, for the
/// tables' owner to run where the app's own role may not create tables (MigrateOnStartup=false).
/// Configured by environment variables and arguments, e.g.
/// <c>ConnectionStrings__Synthetics=... dotnet SyntheticsFunctions.dll migrate</c> or
/// <c>dotnet SyntheticsFunctions.dll migrate --ConnectionStrings:Synthetics=...</c>.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    /// <summary>Also builds the recommended indexes that are missing on the journey app's own tables, CONCURRENTLY.</summary>
    public const string CreateRecommendedIndexes = "--create-recommended-indexes";

    public static async Task<int> RunAsync(string[] args)
    {
        // Plain host configuration: environment variables and arguments; local.settings.json is
        // for the local hosts and is not read here.
        var createIndexes = args.Contains(CreateRecommendedIndexes);
        args = [.. args.Where(a => a != CreateRecommendedIndexes)];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // As host.json does for the Functions host: per-command and per-attempt logs are noise.
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        try
        {
            builder.Services.AddSynthetics(builder.Configuration);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"{Name}: {e.Message} Settings come from environment variables and arguments (--Name=value).");
            return 1;
        }

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
        var advisor = host.Services.GetRequiredService<IndexAdvisor>();
        if (createIndexes)
        {
            foreach (var statement in await advisor.CreateRecommendedAsync(CancellationToken.None))
            {
                Console.WriteLine("created: " + statement);
            }
        }

        foreach (var recommendation in await advisor.ReadAsync(CancellationToken.None))
        {
            Console.WriteLine(recommendation.Present
                ? $"index {recommendation.Index.Name}: present as {recommendation.ExistingIndex}"
                : $"index {recommendation.Index.Name}: recommended, run: {recommendation.Statement}");
        }

        return 0;
    }
}
