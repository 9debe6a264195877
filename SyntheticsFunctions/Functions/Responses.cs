using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyntheticsFunctions.Functions;

// The API's answers, one record per route, snake_case on the wire (ApiResults' naming policy;
// a name the policy would spell otherwise carries its own). The OpenAPI document derives its
// schemas from these records, and ApiContractTests pins each one's JSON shape.

/// <summary><c>GET health</c> and <c>GET synthetics/health</c>.</summary>
public sealed record HealthResponse(
    string Status, string Version, string? SchemaVersion, bool? Enabled, DateTimeOffset? LastSuccessfulRunAt,
    double? LastSuccessfulRunAgeSeconds, bool Stale, IReadOnlyList<string> Problems, int? MissingRecommendedIndexes, string? Error,
    PoolCapacityResponse? Pool = null);

/// <summary>Whether the pool can carry the settings: members needed at steady state, members available, the volume to expect and, when short, the fixes.</summary>
/// <remarks><c>growable</c>: the pool may grow to <c>available</c> (its cap) through the engine's own tables or the owner's signup function; fixes are listed only for a pool that cannot grow.</remarks>
public sealed record PoolCapacityResponse(int Needed, long Available, bool Growable, bool Short, double ExpectedSessionsPerMin, IReadOnlyList<string> Fixes)
{
    public static PoolCapacityResponse? From(Engine.PoolCapacity? capacity) => capacity is null
        ? null
        : new(capacity.Needed, capacity.Available, capacity.Growable, capacity.Short, Math.Round(capacity.ExpectedSessionsPerMin, 3),
            capacity is { Short: true, Growable: false } ? Service.StatusService.PoolFixes : []);
}

/// <summary>The last run, as status reports it.</summary>
public sealed record LastRunResponse(
    Guid Id, DateTimeOffset At, string Trigger, string Status, int SessionsRequested, int SessionsStarted, long Rows,
    double DurationMs, string? Error, string? FailureCategory, string? CorrelationId);

/// <summary>The population, as status reports it.</summary>
public sealed record PopulationResponse(long Total, long ActiveToday, long NewToday, long Lapsed, long Churned, double? DauMau);

/// <summary>A recommended index: present under which name, or the statement that builds it.</summary>
public sealed record IndexResponse(string Name, string Table, bool Present, string? ExistingIndex, string? Statement);

/// <summary><c>GET synthetics/status</c>.</summary>
public sealed record StatusResponse(
    bool Enabled,
    [property: ApiSchema(typeof(SettingsView))] IReadOnlyDictionary<string, object> Settings,
    LastRunResponse? LastRun,
    [property: JsonPropertyName("events_last_5_minutes")] long EventsLast5Minutes,
    [property: JsonPropertyName("events_last_24_hours")] long EventsLast24Hours,
    [property: JsonPropertyName("events_by_type_24_hours")] IReadOnlyDictionary<string, long> EventsByType24Hours,
    long ActiveJourneys,
    long SessionsInProgress,
    long PoolSize,
    PopulationResponse? Population,
    IReadOnlyList<IndexResponse> RecommendedIndexes,
    double ActivityMultiplier,
    double ExpectedEventsPerMinute,
    PoolCapacityResponse? PoolCapacity = null);

/// <summary>One setting's declaration, as <c>GET synthetics/settings/schema</c> lists it.</summary>
public sealed record SettingSchemaResponse(string Name, string Type, double? Min, double? Max, double? Step, object Default, string Description, string Error, string Label, string? Unit);

/// <summary><c>GET synthetics/settings/schema</c>.</summary>
public sealed record SettingsSchemaResponse(IReadOnlyList<SettingSchemaResponse> Settings);

/// <summary>One recorded change of the settings.</summary>
public sealed record SettingsChangeResponse(long Id, DateTimeOffset ChangedAt, string Source, JsonElement Old, JsonElement New);

/// <summary><c>GET synthetics/settings/history</c>.</summary>
public sealed record SettingsHistoryResponse(IReadOnlyList<SettingsChangeResponse> Changes);

/// <summary><c>POST synthetics/run</c> and <c>POST synthetics/run-now</c>.</summary>
public sealed record RunResponse(
    Guid RunId, bool DryRun, string Status, string? Skipped, string Trigger, long Seed, int SessionsRequested, int SessionsStarted,
    int SessionsContinued, IReadOnlyDictionary<string, int> Rows, int TotalRows);

/// <summary>A user's active journey in the pool listing.</summary>
public sealed record ActiveJourneyResponse(Guid? InstanceId, string? Journey, int? CurrentSceneOrder);

/// <summary>One sim user in the pool listing.</summary>
public sealed record SimUserResponse(
    Guid ProfileId, string Persona, string Timezone, bool Retired, bool SessionInProgress, DateTimeOffset? SessionStartedAt,
    ActiveJourneyResponse? ActiveJourney, DateTimeOffset? LastActivityAt, string? Lifecycle, DateTimeOffset? SignupAt, DateTimeOffset? NextSessionAt);

/// <summary><c>GET synthetics/sim-users</c>.</summary>
public sealed record PoolPageResponse(int Page, int PageSize, long Total, long PoolSize, IReadOnlyList<SimUserResponse> Users);

/// <summary><c>POST synthetics/sim-users</c>.</summary>
public sealed record PoolResizeResponse(long PoolSize, long PreviousPoolSize, long Added, long Retired, long Reactivated);

/// <summary>One UTC hour of activity.</summary>
public sealed record ActivityHourResponse(
    DateTimeOffset Hour, long Events, IReadOnlyDictionary<string, long> EventsByType, long Sessions, long JourneysStarted, long JourneysCompleted,
    long JourneysAbandoned, long Captures, long ResistanceChecks, long MindblockEvents);

/// <summary><c>GET synthetics/activity/{hours}</c>.</summary>
public sealed record ActivityResponse(int Hours, IReadOnlyList<ActivityHourResponse> Buckets);

/// <summary><c>POST synthetics/cleanup</c>, and a purge's deletion pass.</summary>
public sealed record CleanupResponse(
    Guid Id, string Kind, DateTimeOffset? Cutoff, IReadOnlyDictionary<string, long> RowsDeleted, long TotalRows, int Transactions, int MaxRowsPerTransaction);

/// <summary><c>POST synthetics/purge</c>.</summary>
public sealed record PurgeResponse(CleanupResponse Purge, long SimUsersRemoved, long ProfilesRemoved, long PoolMembersAfter, string PoolNote);

/// <summary><c>POST synthetics/backfill</c>, <c>GET synthetics/backfill/{id}</c> and its cancel.</summary>
public sealed record BackfillResponse(
    Guid Id, string StatusUrl, string State, int Days, bool PurgeFirst, long Seed, DateTimeOffset WindowStart, DateTimeOffset WindowEnd,
    DateTimeOffset Cursor, double Percent, int Chunks, IReadOnlyDictionary<string, long> Rows, long TotalRows, double? RowsPerSecond,
    double? EtaSeconds, bool CancelRequested, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error,
    int FailedAttempts);

/// <summary>One realism figure: its value against its target, the verdict, and the sample it rests on.</summary>
public sealed record RealismFigureResponse(
    string Name, string Meaning, double? Value, double? Min, double? Max, string Target, string Verdict, long N, string SampleUnit, string? Note);

/// <summary>A weekly signup cohort: retention[n] is the share active on day n after signup.</summary>
public sealed record CohortResponse(DateTimeOffset WeekStart, int Users, IReadOnlyList<double?> Retention);

/// <summary>How many users had this many sessions in the window.</summary>
public sealed record SessionsBucketResponse(string Sessions, int Users);

/// <summary><c>GET synthetics/realism</c>.</summary>
public sealed record RealismResponse(
    DateTimeOffset From, DateTimeOffset To, int Days, int Passed, int Failed, int NotEnoughData, string? History,
    IReadOnlyList<RealismFigureResponse> Figures, IReadOnlyList<CohortResponse> Cohorts, IReadOnlyList<SessionsBucketResponse> SessionsPerUser);

/// <summary>One activity table in an estimate: new rows per session and a day, bytes per row (the database's own, or the documented fallback), a day and at the retention horizon, and its size now.</summary>
/// <remarks><c>bytes_per_row_source</c>: <c>database</c> (pg_class statistics and pg_total_relation_size) or <c>fallback</c> (the table is empty or not analysed yet). <c>backfill_start_rows</c> and <c>backfill_start_bytes</c>: what a backfill writes once, before its first day.</remarks>
public sealed record TableEstimateResponse(
    string Table, double RowsPerSession, long RowsPerDay, double BytesPerRow, string BytesPerRowSource, long BytesPerDay, long BytesAtRetention, long? BytesNow,
    long BackfillStartRows, long BackfillStartBytes);

/// <summary>The connections an estimate counts: this instance's most (the data source's Maximum Pool Size), a cron tick's and a backfill pass's, and the server's max_connections.</summary>
public sealed record ConnectionsEstimateResponse(int MaxPerInstance, int PerCronTick, int PerBackfill, int ServerMax);

/// <summary><c>GET synthetics/estimate</c>: what the settings (those in force, with the query's applied; nothing saved) would write and cost a day, at the retention horizon, in people and in connections.</summary>
public sealed record EstimateResponse(
    [property: ApiSchema(typeof(SettingsView))] IReadOnlyDictionary<string, object> Settings,
    double SessionsPerDay,
    double EventsPerDay,
    long RowsPerDay,
    long BytesPerDay,
    int RetainDays,
    long BytesAtRetention,
    long BackfillStartBytes,
    IReadOnlyList<TableEstimateResponse> Tables,
    int PoolCap,
    long PoolMembers,
    PoolCapacityResponse People,
    ConnectionsEstimateResponse Connections)
{
    public static EstimateResponse From(Service.EstimateReport report)
    {
        var v = report.Volume;
        return new(
            Engine.SettingDeclarations.View(v.Settings),
            Math.Round(v.SessionsPerDay, 1),
            Math.Round(v.EventsPerDay, 1),
            (long)Math.Round(v.RowsPerDay),
            (long)Math.Round(v.BytesPerDay),
            v.Settings.RetainDays,
            (long)Math.Round(v.BytesAtRetention),
            (long)Math.Round(v.BackfillStartBytes),
            [.. v.Tables.Select(t => new TableEstimateResponse(
                t.Table, Math.Round(t.RowsPerSession, 4), (long)Math.Round(t.RowsPerDay), Math.Round(t.BytesPerRow, 1), t.SizeFromDatabase ? "database" : "fallback",
                (long)Math.Round(t.BytesPerDay), (long)Math.Round(t.BytesAtRetention), t.BytesNow, (long)Math.Round(t.BackfillStartRows), (long)Math.Round(t.BackfillStartBytes)))],
            report.PoolCap,
            report.PoolMembers,
            PoolCapacityResponse.From(v.Capacity)!,
            new ConnectionsEstimateResponse(report.MaxPoolSize, Storage.EstimateStore.ConnectionsPerTick, Storage.EstimateStore.ConnectionsPerBackfill, report.ServerMaxConnections));
    }
}
