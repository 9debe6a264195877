using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Tests.Support;

namespace SyntheticsFunctions.Tests.Functions;

public class RunFunctionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData("", 5)]
    [InlineData("?target=1", 1)]
    [InlineData("?target=50", 50)]
    public async Task Manual_run_starts_the_target_number_of_sessions(string query, int sessions)
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var function = new RunFunction(app.Runs);
        var context = HttpContextFor("POST", query);

        var (status, _, body) = await ExecuteAsync(await function.ManualRun(context.Request, CancellationToken.None), context);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(sessions, body.RootElement.GetProperty("sessions_started").GetInt32());
        Assert.Equal(sessions, await app.CountAsync("SELECT count(DISTINCT user_id) FROM journey_scene_events"));
        Assert.Equal(
            body.RootElement.GetProperty("rows").GetProperty("journey_scene_events").GetInt64(),
            await app.CountAsync("SELECT count(*) FROM journey_scene_events"));
    }

    [Fact]
    public async Task Health_answers_200_with_the_schema_version_and_stale_until_a_run()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        var function = new HealthFunctions(app.Status);

        var context = HttpContextFor("GET", "");
        var (status, _, before) = await ExecuteAsync(await function.Health(context.Request, CancellationToken.None), context);
        await app.RunAsync(RunTrigger.Cron);
        context = HttpContextFor("GET", "");
        var (_, _, after) = await ExecuteAsync(await function.SyntheticsHealth(context.Request, CancellationToken.None), context);

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(Support.Migrations.Latest, before.RootElement.GetProperty("schema_version").GetString());
        Assert.True(before.RootElement.GetProperty("stale").GetBoolean());
        Assert.False(after.RootElement.GetProperty("stale").GetBoolean());
        Assert.Equal(0, after.RootElement.GetProperty("last_successful_run_age_seconds").GetDouble());
    }

    [Fact]
    public async Task Health_answers_503_when_the_database_is_unreachable()
    {
        var unreachable = $"Host=127.0.0.1;Port={PostgresServer.FreePort()};Username=postgres;Database=none;Timeout=2";
        await using var app = await TestApp.CreateAsync(unreachable, ensureSchema: false);
        var function = new HealthFunctions(app.Status);
        var context = HttpContextFor("GET", "");

        var (status, _, body) = await ExecuteAsync(await function.Health(context.Request, CancellationToken.None), context);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.StartsWith("The database is unreachable", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Cron_tick_when_paused_only_logs()
    {
        await using var app = await TestApp.CreateAsync(await postgres.Server.CreateMigratedDatabaseAsync());
        await app.ExecuteAsync("UPDATE synthetic_settings SET enabled = false WHERE id = 1");
        var logger = new Mock<ILogger<SyntheticsCron>>();
        var cron = new SyntheticsCron(app.Runs, logger.Object);

        await cron.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM synthetic_runs"));
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM journey_scene_events"));
        logger.Verify(
            l => l.Log(LogLevel.Information, It.IsAny<EventId>(), It.Is<It.IsAnyType>((v, _) => v.ToString()!.Contains("paused")), null, It.IsAny<Func<It.IsAnyType, Exception?, string>>()),
            Times.Once);
    }

    /// <summary>A request for a function class, with a JSON body when one is given.</summary>
    internal static DefaultHttpContext HttpContextFor(string method, string query, string? json = null, string contentType = "application/json")
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        if (json is not null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(json);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = contentType;
        }

        return context;
    }

    internal static async Task<(int Status, string? ContentType, JsonDocument Body)> ExecuteAsync(IResult result, DefaultHttpContext context)
    {
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, context.Response.ContentType?.Split(';')[0], body);
    }
}
