using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Service;
using SyntheticsFunctions.Storage;

namespace SyntheticsFunctions.Functions;

/// <summary>The control API the dashboards and the Studio call: status, toggle, settings and their history, run-now.</summary>
public sealed class ControlFunctions(SyntheticsService service)
{
    public const int DefaultHistoryLimit = 50;

    [Function(nameof(Status))]
    public async Task<IResult> Status(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "synthetics/status")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        return await ApiResults.UnlessDatabaseUnreachableAsync(async () =>
        {
            var status = await service.GetStatusAsync(cancellationToken);
            return ApiResults.Ok(new
            {
                enabled = status.Settings.Enabled,
                settings = SettingsView(status.Settings),
                last_run = status.LastRun is not { } run ? null : new
                {
                    id = run.Id,
                    at = run.At,
                    trigger = run.Trigger,
                    status = run.Status,
                    sessions_requested = run.SessionsRequested,
                    sessions_started = run.SessionsStarted,
                    rows = run.Rows,
                    duration_ms = Math.Round(run.DurationMs, 1),
                    error = run.Error,
                },
                events_last_5_minutes = status.EventsLast5Minutes,
                events_last_24_hours = status.EventsLast24Hours,
                events_by_type_24_hours = status.EventsByType24Hours,
                active_journeys = status.ActiveJourneys,
                sessions_in_progress = status.SessionsInProgress,
                pool_size = status.PoolSize,
            });
        });
    }

    [Function(nameof(Toggle))]
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
        fields.RejectUnknown("enabled");
        var enabled = fields.Bool("enabled", required: true);
        if (fields.HasErrors)
        {
            return fields.Rejection();
        }

        return await UpdateAsync(new SettingsPatch(Enabled: enabled), cancellationToken);
    }

    [Function(nameof(Settings))]
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
        fields.RejectUnknown(SettingsFields.All);
        var patch = new SettingsPatch(
            fields.Bool(SettingsFields.Enabled),
            fields.Number(SettingsFields.SessionsPerMin, 0, 120),
            fields.Integer(SettingsFields.MaxPerRun, 1, 200),
            fields.Number(SettingsFields.ErrorRate, 0, 1),
            fields.Number(SettingsFields.AbandonRate, 0, 1),
            fields.Number(SettingsFields.MindblockChance, 0, 1),
            fields.Integer(SettingsFields.RetainDays, 1, 3650),
            fields.Integer(SettingsFields.IdleAbandonDays, 1, 365));
        if (!fields.HasErrors && patch == new SettingsPatch())
        {
            fields.Fail("body", $"Give at least one of: {string.Join(", ", SettingsFields.All)}.");
        }

        return fields.HasErrors ? fields.Rejection() : await UpdateAsync(patch, cancellationToken);
    }

    [Function(nameof(SettingsHistory))]
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

        return await ApiResults.UnlessDatabaseUnreachableAsync(async () =>
        {
            var changes = await service.GetSettingsHistoryAsync(limit, cancellationToken);
            return ApiResults.Ok(new
            {
                changes = changes.Select(c => new { id = c.Id, changed_at = c.ChangedAt, source = c.Source, old = c.Old, @new = c.New }),
            });
        });
    }

    [Function(nameof(RunNow))]
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
        var outcome = await service.RunAsync(RunTrigger.Manual, target, cancellationToken, dryRun);
        return RunResponses.From(outcome, dryRun);
    }

    private Task<IResult> UpdateAsync(SettingsPatch patch, CancellationToken cancellationToken) =>
        ApiResults.UnlessDatabaseUnreachableAsync(async () =>
            ApiResults.Ok(SettingsView(await service.UpdateSettingsAsync(patch, "api", cancellationToken))));

    internal static object SettingsView(EngineSettings s) => new
    {
        enabled = s.Enabled,
        sessions_per_min = s.SessionsPerMin,
        max_per_run = s.MaxPerRun,
        error_rate = s.ErrorRate,
        abandon_rate = s.AbandonRate,
        mindblock_chance = s.MindblockChance,
        retain_days = s.RetainDays,
        idle_abandon_days = s.IdleAbandonDays,
    };
}

/// <summary>The settings the engine reads, by their seed (snake_case) names.</summary>
public static class SettingsFields
{
    public const string Enabled = "enabled";
    public const string SessionsPerMin = "sessions_per_min";
    public const string MaxPerRun = "max_per_run";
    public const string ErrorRate = "error_rate";
    public const string AbandonRate = "abandon_rate";
    public const string MindblockChance = "mindblock_chance";
    public const string RetainDays = "retain_days";
    public const string IdleAbandonDays = "idle_abandon_days";

    public static string[] All { get; } = [Enabled, SessionsPerMin, MaxPerRun, ErrorRate, AbandonRate, MindblockChance, RetainDays, IdleAbandonDays];
}
