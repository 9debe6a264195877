using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Functions;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Tests.Functions;

/// <summary>
/// Request validation of the function classes, with no database: every use case is a strict mock,
/// so a rejected request that reached a use case (and could have written) fails the test.
/// </summary>
public class RequestValidationTests
{
    private readonly Mock<IStatusService> _status = new(MockBehavior.Strict);
    private readonly Mock<ISettingsService> _settings = new(MockBehavior.Strict);
    private readonly Mock<IRunService> _runs = new(MockBehavior.Strict);
    private readonly Mock<ICleanupService> _cleanup = new(MockBehavior.Strict);
    private readonly Mock<IPoolService> _pool = new(MockBehavior.Strict);
    private readonly Mock<IBackfillService> _backfill = new(MockBehavior.Strict);

    [Theory]
    [InlineData("""{"enabled": "false"}""", "enabled")]
    [InlineData("""{"enabled": 0}""", "enabled")]
    [InlineData("""{}""", "enabled")]
    [InlineData("""{"enabled": false, "extra": 1}""", "extra")]
    [InlineData("""{"enabled": false, "enabled": true}""", "body")]
    [InlineData("""{"enabled": false} trailing""", "body")]
    [InlineData("""{"enabled": false,}""", "body")]
    [InlineData("""[false]""", "body")]
    [InlineData("", "body")]
    public async Task Toggle_refuses_bad_bodies_naming_the_field(string json, string field)
    {
        var (status, contentType, body) = await CallAsync(f => f.Toggle, "POST", json);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty(field, out _), body.RootElement.GetRawText());
    }

    /// <summary>
    /// Every declared setting, refused one step below its range, one step above it and as a string
    /// (an integer also as a fraction; a boolean as null, a string and a number), each with the
    /// range message spelled here from the declared kind and bounds; and the two messages that list
    /// every setting.
    /// </summary>
    public static TheoryData<string, string, string> InvalidSettings()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var setting in SettingDeclarations.All)
        {
            var values = setting.Kind == SettingKind.Boolean
                ? new List<string> { "null", "\"false\"", "0" }
                : new List<string> { Number(setting.Min - setting.Step), Number(setting.Max + setting.Step), $"\"{Number(setting.Max)}\"" };
            if (setting.Kind == SettingKind.Integer)
            {
                values.Add(Number(setting.Min + 0.5));
            }

            foreach (var value in values)
            {
                data.Add($$"""{"{{setting.Name}}": {{value}}}""", setting.Name, RangeMessage(setting));
            }
        }

        var known = string.Join(", ", SettingDeclarations.Names);
        data.Add("""{"sessions_per_min": 5, "speed": 3}""", "speed", $"Unknown field. Known fields: {known}.");
        data.Add("""{}""", "body", $"Give at least one of: {known}.");
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task Settings_refuse_each_invalid_value_with_the_declared_message(string json, string field, string message)
    {
        var (status, contentType, body) = await CallAsync(f => f.Settings, "POST", json);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(message, body.RootElement.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Settings_pass_exactly_the_given_values_to_the_use_case()
    {
        SettingsPatch? given = null;
        _settings.Setup(s => s.UpdateAsync(It.IsAny<SettingsPatch>(), "api", It.IsAny<CancellationToken>()))
            .Callback<SettingsPatch, string, CancellationToken>((patch, _, _) => given = patch)
            .ReturnsAsync(EngineSettings.Defaults with { SessionsPerMin = 5, MaxPerRun = 8 });

        var (status, _, body) = await CallAsync(f => f.Settings, "POST", """{"sessions_per_min": 5, "max_per_run": 8}""");

        // Every declared setting answered, in declared order: the two given, the rest at their defaults.
        var expected = SettingDeclarations.All.Select(s => $"\"{s.Name}\":{Value(s.Name switch
        {
            SettingDeclarations.SessionsPerMin => 5,
            SettingDeclarations.MaxPerRun => 8,
            _ => s.Default,
        })}");
        Assert.Equal(200, status);
        Assert.Equal(["max_per_run=8", "sessions_per_min=5"], given!.Values.Select(v => $"{v.Key}={v.Value}").Order());
        Assert.Equal("{" + string.Join(",", expected) + "}", body.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=abc")]
    [InlineData("?limit=5&limit=6")]
    public async Task Settings_history_refuses_a_bad_limit(string query)
    {
        var (status, contentType, body) = await CallAsync(f => f.SettingsHistory, "GET", null, query);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("limit must be an integer from 1 to 1000.", body.RootElement.GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    [Theory]
    [InlineData("""{"target": 6}""", "?target=7", "target")]
    [InlineData("""{"target": 0}""", null, "target")]
    [InlineData("""{"target": "5"}""", null, "target")]
    [InlineData(null, "?target=51", "target")]
    [InlineData("""{"dry_run": "yes"}""", null, "dry_run")]
    [InlineData("""{"sessions": 5}""", null, "sessions")]
    public async Task Run_now_refuses_bad_input(string? json, string? query, string field)
    {
        var (status, _, body) = await CallAsync(f => f.RunNow, "POST", json, query);

        Assert.Equal(400, status);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty(field, out _), body.RootElement.GetRawText());
    }

    /// <summary>retain_days one step below and above its declared range, and as a string.</summary>
    public static TheoryData<string, string> InvalidRetainDays()
    {
        var setting = SettingDeclarations.Get(SettingDeclarations.RetainDays);
        return new()
        {
            { $$"""{"retain_days": {{Number(setting.Min - setting.Step)}}}""", RangeMessage(setting) },
            { $$"""{"retain_days": {{Number(setting.Max + setting.Step)}}}""", RangeMessage(setting) },
            { """{"retain_days": "7"}""", RangeMessage(setting) },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidRetainDays))]
    public async Task Cleanup_takes_the_retain_days_range_from_the_setting_declaration(string json, string message)
    {
        var function = new CleanupFunctions(_cleanup.Object, NullLogger<CleanupFunctions>.Instance);
        var context = Request("POST", json, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await function.Cleanup(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal(message, body.RootElement.GetProperty("errors").GetProperty("retain_days")[0].GetString());
    }

    [Theory]
    [InlineData("""{"retain_days": 0}""", "retain_days")]
    [InlineData("""{"retain_days": "45"}""", "retain_days")]
    [InlineData("""{"days": 45}""", "days")]
    public async Task Cleanup_refuses_bad_input(string json, string field)
    {
        var function = new CleanupFunctions(_cleanup.Object, NullLogger<CleanupFunctions>.Instance);
        var context = Request("POST", json, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await function.Cleanup(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty(field, out _), body.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("""{"confirm": "yes"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"confirm": "PURGE ALL SYNTHETIC DATA"}""")]
    public async Task Purge_needs_the_typed_confirmation(string json)
    {
        var function = new CleanupFunctions(_cleanup.Object, NullLogger<CleanupFunctions>.Instance);
        var context = Request("POST", json, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await function.Purge(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("confirm", out _));
    }

    [Theory]
    [InlineData("?target=0", "target must be an integer from 1 to 50.")]
    [InlineData("?target=51", "target must be an integer from 1 to 50.")]
    [InlineData("?target=-1", "target must be an integer from 1 to 50.")]
    [InlineData("?target=abc", "target must be an integer from 1 to 50.")]
    [InlineData("?target=5.0", "target must be an integer from 1 to 50.")]
    [InlineData("?target=%205", "target must be an integer from 1 to 50.")]
    [InlineData("?target=", "target must be an integer from 1 to 50.")]
    [InlineData("?target=5&target=6", "target must be given once.")]
    public async Task Manual_run_rejects_a_bad_target_with_problem_json(string query, string message)
    {
        var context = RunFunctionTests.HttpContextFor("POST", query);

        var (status, contentType, body) = await RunFunctionTests.ExecuteAsync(await new RunFunction(_runs.Object).ManualRun(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(message, body.RootElement.GetProperty("errors").GetProperty("target")[0].GetString());
    }

    [Theory]
    [InlineData("""{"pool_size": 0}""")]
    [InlineData("""{"pool_size": 100001}""")]
    [InlineData("""{"pool_size": "10"}""")]
    [InlineData("""{"size": 10}""")]
    public async Task Resizing_the_pool_refuses_bad_sizes(string json)
    {
        var context = Request("POST", json, null, "application/json");

        var (status, contentType, _) = await RunFunctionTests.ExecuteAsync(await new PoolFunctions(_pool.Object, _status.Object).ResizePool(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1081")]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task Activity_refuses_hours_outside_1_to_1080(string hours)
    {
        var context = Request("GET", null, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await new PoolFunctions(_pool.Object, _status.Object).Activity(context.Request, hours, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal("hours must be an integer from 1 to 1080.", body.RootElement.GetProperty("errors").GetProperty("hours")[0].GetString());
    }

    [Fact]
    public async Task Settings_schema_lists_every_declared_setting_with_its_range()
    {
        var (status, _, body) = await CallAsync(f => (request, _) => Task.FromResult(f.SettingsSchema(request)), "GET", null);

        Assert.Equal(200, status);
        var settings = body.RootElement.GetProperty("settings").EnumerateArray().ToList();
        Assert.Equal(SettingDeclarations.Names, settings.Select(s => s.GetProperty("name").GetString()));

        // Each entry as its declaration says (a boolean has no range), the message spelled here.
        var expected = SettingDeclarations.All.Select(s => JsonSerializer.Serialize(
            new
            {
                s.Name,
                Type = s.Kind.ToString().ToLowerInvariant(),
                Min = s.Kind == SettingKind.Boolean ? (double?)null : s.Min,
                Max = s.Kind == SettingKind.Boolean ? (double?)null : s.Max,
                Step = s.Kind == SettingKind.Boolean ? (double?)null : s.Step,
                s.Default,
                s.Description,
                Error = RangeMessage(s),
                s.Label,
                s.Unit,
            },
            ApiResults.SerializerOptions));
        Assert.Equal(expected, settings.Select(s => s.GetRawText()));

        // One entry as the wire carries it.
        var perMinute = settings[SettingDeclarations.Names.ToList().IndexOf(SettingDeclarations.SessionsPerMin)];
        Assert.Equal("""{"name":"sessions_per_min","type":"number","min":0,"max":120,"step":0.1,"default":2,"description":"Sessions started per minute on average, before the local-hour and weekday curves.","error":"Must be a number from 0 to 120.","label":"Sessions per minute","unit":null}""", perMinute.GetRawText());
    }

    /// <summary>The range message a setting's kind and bounds call for, as the API spells it.</summary>
    private static string RangeMessage(SettingDeclaration setting) => setting.Kind switch
    {
        SettingKind.Boolean => "Must be true or false.",
        SettingKind.Integer => $"Must be an integer from {Number(setting.Min)} to {Number(setting.Max)}.",
        _ => $"Must be a number from {Number(setting.Min)} to {Number(setting.Max)}.",
    };

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A setting's value as JSON: true/false or a number.</summary>
    private static string Value(object value) => value is bool flag ? (flag ? "true" : "false") : Number(Convert.ToDouble(value, CultureInfo.InvariantCulture));

    private async Task<(int Status, string? ContentType, JsonDocument Body)> CallAsync(
        Func<ControlFunctions, Func<HttpRequest, CancellationToken, Task<IResult>>> function,
        string method, string? json, string? query = null, string contentType = "application/json")
    {
        var context = Request(method, json, query, contentType);
        var result = await function(new ControlFunctions(_status.Object, _settings.Object, _runs.Object))(context.Request, CancellationToken.None);
        return await RunFunctionTests.ExecuteAsync(result, context);
    }

    [Theory]
    [InlineData("""{}""", "days", "Required.")]
    [InlineData("""{"days": 30, "purge_first": "yes"}""", "purge_first", "Must be true or false.")]
    public async Task Backfill_refuses_bad_bodies_naming_the_field(string json, string field, string message)
    {
        var function = new BackfillFunctions(_backfill.Object, NullLogger<BackfillFunctions>.Instance);
        var context = Request("POST", json, null, "application/json");

        var (status, contentType, body) = await RunFunctionTests.ExecuteAsync(await function.Backfill(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(message, body.RootElement.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Theory]
    [InlineData("""{"days": 46}""", 46)]
    [InlineData("""{"days": 0}""", 0)]
    [InlineData("""{"days": 3651}""", 3651)]
    [InlineData("""{"days": "30"}""", 0)]
    [InlineData("""{"days": 1.5}""", 0)]
    public async Task Backfill_days_outside_the_range_in_force_is_refused_naming_days_and_that_range(string json, int asked)
    {
        // The service refuses it with retain_days in force (45 here); nothing is created.
        _backfill.Setup(b => b.StartAsync(asked, false, It.IsAny<CancellationToken>(), null)).ReturnsAsync(new BackfillStart(null, BackfillRefusal.None, 45));
        var function = new BackfillFunctions(_backfill.Object, NullLogger<BackfillFunctions>.Instance);
        var context = Request("POST", json, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await function.Backfill(context.Request, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.Equal("Must be an integer from 1 to 45 (retain_days: older rows are not kept).", body.RootElement.GetProperty("errors").GetProperty("days")[0].GetString());
    }

    [Theory]
    [InlineData("42")]
    [InlineData("not-a-uuid")]
    public async Task Backfill_status_refuses_an_id_that_is_not_a_uuid(string id)
    {
        var function = new BackfillFunctions(_backfill.Object, NullLogger<BackfillFunctions>.Instance);
        var context = Request("GET", null, null, "application/json");

        var (status, _, body) = await RunFunctionTests.ExecuteAsync(await function.BackfillStatus(context.Request, id, CancellationToken.None), context);

        Assert.Equal(400, status);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("id", out _));
    }

    [Fact]
    public async Task The_backfill_timer_has_one_job_the_backfill()
    {
        var function = new BackfillFunctions(_backfill.Object, NullLogger<BackfillFunctions>.Instance);
        _backfill.Setup(b => b.RunAsync(BackfillService.PassBudget, It.IsAny<CancellationToken>(), int.MaxValue)).ReturnsAsync(new BackfillPass(null, 0, null));

        await function.SyntheticsBackfill(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        _backfill.Verify(b => b.RunAsync(BackfillService.PassBudget, It.IsAny<CancellationToken>(), int.MaxValue), Times.Once);
        _backfill.VerifyNoOtherCalls();
    }

    private static DefaultHttpContext Request(string method, string? json, string? query, string contentType) =>
        RunFunctionTests.HttpContextFor(method, query ?? "", json, contentType);
}
