using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Hosting;

namespace SyntheticsFunctions.LocalHost;

/// <summary>
/// Runs the app without the Functions host (where the Core Tools cannot be installed): an
/// ASP.NET Core host built from the app's registrations (<c>AddSynthetics</c>), serving every HTTP function on its
/// attribute's route and methods and running every timer function on its schedule, all
/// discovered from the attributes.
/// </summary>
public static class LocalFunctionsHost
{
    /// <summary>The app's assembly, whose <c>[Function]</c> methods this host serves.</summary>
    public static Assembly AppAssembly { get; } = typeof(SyntheticsOptions).Assembly;

    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Lowest first: the local host's defaults, local.settings.json, environment variables and
        // the command line, then test overrides.
        LocalSettingsFile.AddBeneath(builder.Configuration);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        var localOptions = builder.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new LocalHostOptions();
        builder.WebHost.UseUrls(localOptions.Urls);
        builder.Services.AddProblemDetails();
        builder.Services.AddSynthetics(builder.Configuration);
        var origins = (builder.Configuration.GetSection(SyntheticsOptions.Section).Get<SyntheticsOptions>() ?? new SyntheticsOptions()).ParsedAllowedOrigins();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. origins])
            .WithMethods("GET", "POST")
            .WithHeaders("content-type", "x-functions-key")));

        // Before anything is built: a parameter this host cannot bind stops it here.
        var functions = FunctionCatalog.Discover(AppAssembly);
        foreach (var timer in functions.Where(f => f.Timer is not null))
        {
            var schedule = TimerSchedule.Resolve(timer.Timer!.Schedule, builder.Configuration);
            builder.Services.AddSingleton<IHostedService>(provider => new TimerRunner(
                timer, schedule, provider, provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("LocalHost.Timer." + timer.Name)));
        }

        var app = builder.Build();
        app.UseStatusCodePages();
        app.UseCors();
        foreach (var function in functions.Where(f => f.Http is not null))
        {
            MapHttpFunction(app, function, localOptions.FunctionKey);
        }

        // A path some function serves with other methods is a 405 (with Allow), anything else a 404.
        var routes = functions.Where(f => f.Http is not null)
            .Select(f => (Matcher: new TemplateMatcher(TemplateParser.Parse("api/" + f.Route!.TrimStart('/')), []), f.Methods))
            .ToList();
        app.MapFallback((HttpContext context) =>
        {
            var allowed = routes.Where(r => r.Matcher.TryMatch(context.Request.Path, [])).SelectMany(r => r.Methods).Distinct().ToList();
            if (allowed.Count == 0)
            {
                return ApiResults.Problem(StatusCodes.Status404NotFound, "No function serves this route.");
            }

            context.Response.Headers.Allow = string.Join(", ", allowed);
            return ApiResults.Problem(StatusCodes.Status405MethodNotAllowed, $"This route accepts {string.Join(", ", allowed)}.");
        });
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        await app.RunAsync();
        return 0;
    }

    private static void MapHttpFunction(WebApplication app, FunctionDescriptor function, string functionKey)
    {
        var requiresKey = function.Http!.AuthLevel != AuthorizationLevel.Anonymous && functionKey.Length > 0;
        app.MapMethods("/api/" + function.Route!.TrimStart('/'), function.Methods, async (HttpContext context) =>
        {
            if (FunctionSwitch.IsDisabled(context.RequestServices.GetRequiredService<IConfiguration>(), function.Name))
            {
                return ApiResults.Problem(StatusCodes.Status404NotFound, $"Function {function.Name} is disabled.");
            }

            if (requiresKey && KeyOf(context.Request) is var given && !Matches(given, functionKey))
            {
                // A missing key and a wrong one get distinct titles; nothing more is said about the key.
                return ApiResults.Problem(
                    StatusCodes.Status401Unauthorized,
                    given.Length == 0 ? MissingKeyTitle : WrongKeyTitle,
                    "Pass the function key as the x-functions-key header or the code query parameter.");
            }

            var result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, context, null, context.RequestAborted);
            return result as IResult ?? Results.Empty;
        }).WithName(function.Name);
    }

    /// <summary>The 401 title when a request carries no function key.</summary>
    public const string MissingKeyTitle = "A function key is required.";

    /// <summary>The 401 title when a request carries a key that is not the function key.</summary>
    public const string WrongKeyTitle = "The function key is not valid.";

    private static string KeyOf(HttpRequest request) =>
        request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault() ?? "";

    private static bool Matches(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
