using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SyntheticsFunctions;
using SyntheticsFunctions.Hosting;
using SyntheticsFunctions.Telemetry;

if (args.FirstOrDefault() == MigrateCommand.Name)
{
    return await MigrateCommand.RunAsync(args[1..]);
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSynthetics(builder.Configuration);
builder.Services.AddSyntheticsTelemetry(builder.Configuration);
await builder.Build().RunAsync();
return 0;
