using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Functions;

/// <summary>The control API the dashboards and the Studio call: status, toggle, settings and their history, run-now.</summary>
public sealed class ControlFunctions(IStatusService status, ISettingsService settings, IRunService runs)
{
    public const int DefaultHistoryLimit = 50;

    [Function(nameof(Status))]
    [ApiResponse(typeof(StatusResponse))]
    public async Task<IResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/status")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        return await ApiResults.GuardAsync(request, async () =>
        {
            var current = await status.GetStatusAsync(cancellationToken);
            var indexes = await status.GetIndexRecommendationsAsync(cancellationToken);
            var run = current.LastRun;
            var people = current.Population;
            return ApiResults.Ok(new StatusResponse(
                current.Settings.Enabled,
                SettingDeclarations.View(current.Settings),
                run is null ? null : new LastRunResponse(
                    run.Id, run.At, run.Trigger, run.Status, run.SessionsRequested, run.SessionsStarted, run.Rows, Math.Round(run.DurationMs, 1),
                    // A recorded failure answers its category's fixed text; the cause is in the logs under the correlation id.
                    run.FailureCategory switch
                    {
                        null => run.Error,
                        Storage.Runs.FailureCategories.DatabaseUnavailable => ApiResults.DatabaseUnavailable,
                        _ => ApiResults.InternalError,
                    },
                    run.FailureCategory,
                    run.CorrelationId),
                current.EventsLast5Minutes,
                current.EventsLast24Hours,
                current.EventsByType24Hours,
                current.ActiveJourneys,
                current.SessionsInProgress,
                current.PoolSize,
                people is null ? null : new PopulationResponse(people.Total, people.ActiveToday, people.NewToday, people.Lapsed, people.Churned, people.DauOverMau),
                [.. indexes.Select(i => new IndexResponse(i.Index.Name, i.Index.Table, i.Present, i.ExistingIndex, i.Present ? null : i.Statement))],

                // How busy the pool's local hours make the engine now (1 = the weekly mean), and
                // the steady-state scene events per minute that gives (0 while paused).
                Math.Round(current.ActivityMultiplier, 3),
                Math.Round(current.ExpectedEventsPerMinute, 1),
                PoolCapacityResponse.From(current.Capacity)));
        });
    }

    [Function(nameof(Toggle))]
    [ApiResponse(typeof(SettingsView))]
    [ApiBody(typeof(ToggleRequest))]
    public async Task<IResult> Toggle(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/toggle")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: true, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown(SettingDeclarations.Enabled);
        var enabled = fields.Bool(SettingDeclarations.Enabled, required: true);
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await UpdateAsync(request, new SettingsPatch(new Dictionary<string, object> { [SettingDeclarations.Enabled] = enabled!.Value }), cancellationToken);
    }

    [Function(nameof(Settings))]
    [ApiResponse(typeof(SettingsView))]
    [ApiBody(typeof(SettingsRequest))]
    public async Task<IResult> Settings(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/settings")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: true, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        var names = SettingDeclarations.Names.ToArray();
        fields.RejectUnknown(names);
        var values = new Dictionary<string, object>();
        foreach (var setting in SettingDeclarations.All)
        {
            if (fields.Setting(setting) is { } value)
            {
                values[setting.Name] = value;
            }
        }

        var patch = new SettingsPatch(values);
        if (!fields.HasErrors && patch.IsEmpty)
        {
            fields.Fail("body", $"Give at least one of: {string.Join(", ", names)}.");
        }

        return fields.HasErrors ? fields.Rejection() : await UpdateAsync(request, patch, cancellationToken);
    }

    /// <summary>Every setting with its type, range, step, default, meaning, error message, label and unit: what the Studio builds its settings form from.</summary>
    [Function(nameof(SettingsSchema))]
    [ApiResponse(typeof(SettingsSchemaResponse))]
    public IResult SettingsSchema(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/settings/schema")] HttpRequest request) =>
        ApiResults.Ok(new SettingsSchemaResponse(
        [
            .. SettingDeclarations.All.Select(s => new SettingSchemaResponse(
                s.Name,
                s.Kind.ToString().ToLowerInvariant(),
                s.Kind == SettingKind.Boolean ? null : s.Min,
                s.Kind == SettingKind.Boolean ? null : s.Max,
                s.Kind == SettingKind.Boolean ? null : s.Step,
                s.Default,
                s.Description,
                s.RangeMessage,
                s.Label,
                s.Unit)),
        ]));

    [Function(nameof(SettingsHistory))]
    [ApiResponse(typeof(SettingsHistoryResponse))]
    [ApiQuery("limit", "integer", "How many changes, newest first: 1-1000, default 50.")]
    public async Task<IResult> SettingsHistory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/settings/history")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var fields = new BodyFields(default);
        var limit = fields.QueryInteger(request.Query, "limit", DefaultHistoryLimit, 1, 1000);
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await ApiResults.GuardAsync(request, async () =>
        {
            var changes = await settings.HistoryAsync(limit, cancellationToken);
            return ApiResults.Ok(new SettingsHistoryResponse([.. changes.Select(c => new SettingsChangeResponse(c.Id, c.ChangedAt, c.Source, c.Old, c.New))]));
        });
    }

    [Function(nameof(RunNow))]
    [ApiResponse(typeof(RunResponse))]
    [ApiBody(typeof(RunNowRequest), required: false)]
    [ApiQuery("target", "integer", "Sessions to start, 1-50 (or in the body; both must agree).")]
    public async Task<IResult> RunNow(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "synthetics/run-now")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var (body, rejection) = await JsonRequest.ReadObjectAsync(request, required: false, cancellationToken);
        if (rejection is not null)
        {
            return rejection;
        }

        var fields = new BodyFields(body);
        fields.RejectUnknown("target", "dry_run");
        var bodyTarget = fields.Integer("target", 1, RunFunction.MaxTarget);
        var dryRun = fields.Bool("dry_run") ?? false;
        if (!RunFunction.TryParseTarget(request.Query["target"], out var queryTarget, out var error))
        {
            fields.Fail("target", error);
        }
        else if (bodyTarget is not null && request.Query.ContainsKey("target") && bodyTarget != queryTarget)
        {
            fields.Fail("target", $"target is {bodyTarget} in the body and {queryTarget} in the query; give one, or the same.");
        }

        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        var target = bodyTarget ?? queryTarget;
        var outcome = await runs.RunAsync(RunTrigger.Manual, target, cancellationToken, dryRun);
        return RunResponses.From(outcome, dryRun);
    }

    private Task<IResult> UpdateAsync(HttpRequest request, SettingsPatch patch, CancellationToken cancellationToken) =>
        ApiResults.GuardAsync(request, async () =>
            ApiResults.Ok(SettingDeclarations.View(await settings.UpdateAsync(patch, "api", cancellationToken))));
}
