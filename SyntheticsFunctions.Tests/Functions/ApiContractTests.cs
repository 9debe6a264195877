using System.Net.Http.Json;
using System.Text.Json;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Tests.Support;
using SyntheticsFunctions.Tests.LocalHost;
using Xunit.Abstractions;

namespace SyntheticsFunctions.Tests.Functions;

/// <summary>
/// The JSON shape of every route's answer, pinned (each property path with its JSON kind): a
/// property the Studio or a dashboard reads cannot be renamed, dropped or retyped without a test
/// failing here. Maps whose keys are data (event types, table names) are pinned as maps.
/// </summary>
[LongRunning(165)]
public class ApiContractTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly HashSet<string> Maps =
    [
        "$.events_by_type_24_hours", "$.rows", "$.buckets[].events_by_type", "$.changes[].old", "$.changes[].new",
    ];

    [Fact]
    public async Task Every_route_answers_in_its_pinned_shape()
    {
        var database = await postgres.Server.CreateMigratedDatabaseAsync();
        await using var host = await LocalHostTests.StartAsync(database, new() { ["AzureWebJobs.SyntheticsCron.Disabled"] = "true", ["AzureWebJobs.SyntheticsBackfill.Disabled"] = "true" });

        // The fresh install's people mid-story set aside, so the first user's optional fields are null whoever they are.
        await Db.ExecuteAsync(database, "DELETE FROM journey_instances");
        // A generous deadline: the purge below deletes two backfilled days at a 20,000 cap (about
        // 60,000 journeys, 200 a transaction), which took up to 100 s on a loaded 2-core CI machine.
        // This test pins shapes, not speed.
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("x-functions-key", LocalHostTests.Key);
        var shapes = new Dictionary<string, string[]>();

        async Task<JsonElement> Call(string name, HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            try
            {
                using var response = await http.SendAsync(request);
                var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                shapes[name] = [$"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}", .. Shape(json, "$")];
                return json;
            }
            catch (TaskCanceledException e)
            {
                throw new TimeoutException($"{name}: {method} {path} did not answer in {http.Timeout.TotalSeconds} s", e);
            }
        }

        // Before any run, so the first user's optional fields are null whatever the hour.
        await Call("sim-users", HttpMethod.Get, "/api/synthetics/sim-users?page=1&page_size=1");
        await Call("run", HttpMethod.Post, "/api/synthetics/run?target=5");
        await Call("health", HttpMethod.Get, "/api/health");
        await Call("status", HttpMethod.Get, "/api/synthetics/status");
        await Call("toggle", HttpMethod.Post, "/api/synthetics/toggle", new { enabled = false });
        await Call("settings", HttpMethod.Post, "/api/synthetics/settings", new { sessions_per_min = 2 });
        await Call("settings/schema", HttpMethod.Get, "/api/synthetics/settings/schema");
        await Call("settings/history", HttpMethod.Get, "/api/synthetics/settings/history?limit=1");
        await Call("estimate", HttpMethod.Get, "/api/synthetics/estimate?sessions_per_min=5&max_per_run=8");
        await Call("estimate 400", HttpMethod.Get, "/api/synthetics/estimate?retain_days=0");
        await Call("run-now dry", HttpMethod.Post, "/api/synthetics/run-now", new { target = 2, dry_run = true });
        await Call("activity", HttpMethod.Get, "/api/synthetics/activity/1");
        // Two days backfilled, ending a day before the host's clock, by the same service (the engine
        // is paused) with room to grow the pool: the check holds history with signup cohorts whose
        // first days are over.
        await using (var past = await host.PastAppAsync(TimeSpan.FromDays(1), new Dictionary<string, string?> { ["Synthetics:PoolSize"] = "20000" }))
        {
            Assert.NotNull((await past.Backfill.StartAsync(2, purgeFirst: false, CancellationToken.None, seed: 2)).Job);
            Assert.Equal(SyntheticsFunctions.Storage.BackfillJob.Succeeded, (await past.Backfill.RunAsync(TimeSpan.FromHours(1), CancellationToken.None)).State);
        }

        await Call("realism", HttpMethod.Get, "/api/synthetics/realism?days=7");
        await Call("realism 400", HttpMethod.Get, "/api/synthetics/realism?days=46");
        await Call("sim-users resize", HttpMethod.Post, "/api/synthetics/sim-users", new { pool_size = 200 });
        await Call("cleanup", HttpMethod.Post, "/api/synthetics/cleanup", new { retain_days = 45 });
        await Call("purge", HttpMethod.Post, "/api/synthetics/purge", new { confirm = "purge all synthetic data" });

        // Paused above, so the backfill is accepted; a second one is refused; cancelled while still queued.
        var job = (await Call("backfill", HttpMethod.Post, "/api/synthetics/backfill", new { days = 1 })).GetProperty("id").GetString();
        await Call("backfill status", HttpMethod.Get, $"/api/synthetics/backfill/{job}");
        await Call("409", HttpMethod.Post, "/api/synthetics/backfill", new { days = 1 });
        await Call("backfill cancel", HttpMethod.Post, $"/api/synthetics/backfill/{job}/cancel");
        await Call("400", HttpMethod.Post, "/api/synthetics/settings", new { sessions_per_min = "2" });

        foreach (var (name, lines) in shapes)
        {
            // The current shapes, to paste into Expected after a deliberate, additive change.
            output.WriteLine($"[\"{name}\"] = [{string.Join(", ", lines.Select(l => $"\"{l}\""))}],");
        }

        Assert.Equal(Expected.Keys.Order(), shapes.Keys.Order());
        foreach (var (name, lines) in Expected)
        {
            Assert.Equal(lines, shapes[name]);
        }
    }

    private static IEnumerable<string> Shape(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when Maps.Contains(path):
                yield return $"{path}: map";
                break;
            case JsonValueKind.Object:
                yield return $"{path}: object";
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var line in Shape(property.Value, $"{path}.{property.Name}"))
                    {
                        yield return line;
                    }
                }

                break;
            case JsonValueKind.Array:
                yield return $"{path}: array";
                if (element.GetArrayLength() > 0)
                {
                    foreach (var line in Shape(element[0], path + "[]"))
                    {
                        yield return line;
                    }
                }

                break;
            case JsonValueKind.True or JsonValueKind.False:
                yield return $"{path}: boolean";
                break;
            default:
                yield return $"{path}: {element.ValueKind.ToString().ToLowerInvariant()}";
                break;
        }
    }

    /// <summary>A settings view's lines: each declared setting in declared order, a boolean or a number.</summary>
    private static IEnumerable<string> SettingLines(string path) =>
        SettingDeclarations.All.Select(s => $"{path}.{s.Name}: {(s.Kind == SettingKind.Boolean ? "boolean" : "number")}");

    /// <summary>The schema's first entry (the shape pins the first element of an array): a boolean has no range and no unit.</summary>
    private static IEnumerable<string> SchemaEntryLines(SettingDeclaration first)
    {
        var range = first.Kind == SettingKind.Boolean ? "null" : "number";
        return
        [
            "$.settings[]: object",
            "$.settings[].name: string",
            "$.settings[].type: string",
            $"$.settings[].min: {range}",
            $"$.settings[].max: {range}",
            $"$.settings[].step: {range}",
            $"$.settings[].default: {(first.Kind == SettingKind.Boolean ? "boolean" : "number")}",
            "$.settings[].description: string",
            "$.settings[].error: string",
            "$.settings[].label: string",
            $"$.settings[].unit: {(first.Unit is null ? "null" : "string")}",
        ];
    }

    internal static readonly Dictionary<string, string[]> Expected = new()
    {
        ["sim-users"] =
        [
            "200 application/json",
            "$: object",
            "$.page: number",
            "$.page_size: number",
            "$.total: number",
            "$.pool_size: number",
            "$.users: array",
            "$.users[]: object",
            "$.users[].profile_id: string",
            "$.users[].persona: string",
            "$.users[].timezone: string",
            "$.users[].retired: boolean",
            "$.users[].session_in_progress: boolean",
            "$.users[].session_started_at: null",
            "$.users[].active_journey: null",
            "$.users[].last_activity_at: null",
            "$.users[].lifecycle: string",
            "$.users[].signup_at: string",
            "$.users[].next_session_at: string",
        ],
        ["run"] =
        [
            "200 application/json",
            "$: object",
            "$.run_id: string",
            "$.dry_run: boolean",
            "$.status: string",
            "$.skipped: null",
            "$.trigger: string",
            "$.seed: number",
            "$.sessions_requested: number",
            "$.sessions_started: number",
            "$.sessions_continued: number",
            "$.rows: map",
            "$.total_rows: number",
        ],
        ["health"] =
        [
            "200 application/json",
            "$: object",
            "$.status: string",
            "$.version: string",
            "$.schema_version: string",
            "$.enabled: boolean",
            "$.last_successful_run_at: string",
            "$.last_successful_run_age_seconds: number",
            "$.stale: boolean",
            "$.problems: array",
            "$.missing_recommended_indexes: number",
            "$.error: null",
            "$.pool: object",
            "$.pool.needed: number",
            "$.pool.available: number",
            "$.pool.growable: boolean",
            "$.pool.short: boolean",
            "$.pool.expected_sessions_per_min: number",
            "$.pool.fixes: array",
        ],
        ["status"] =
        [
            "200 application/json",
            "$: object",
            "$.enabled: boolean",
            "$.settings: object",
            .. SettingLines("$.settings"),
            "$.last_run: object",
            "$.last_run.id: string",
            "$.last_run.at: string",
            "$.last_run.trigger: string",
            "$.last_run.status: string",
            "$.last_run.sessions_requested: number",
            "$.last_run.sessions_started: number",
            "$.last_run.rows: number",
            "$.last_run.duration_ms: number",
            "$.last_run.error: null",
            "$.last_run.failure_category: null",
            "$.last_run.correlation_id: null",
            "$.events_last_5_minutes: number",
            "$.events_last_24_hours: number",
            "$.events_by_type_24_hours: map",
            "$.active_journeys: number",
            "$.sessions_in_progress: number",
            "$.pool_size: number",
            "$.population: object",
            "$.population.total: number",
            "$.population.active_today: number",
            "$.population.new_today: number",
            "$.population.lapsed: number",
            "$.population.churned: number",
            "$.population.dau_mau: number",
            "$.recommended_indexes: array",
            "$.recommended_indexes[]: object",
            "$.recommended_indexes[].name: string",
            "$.recommended_indexes[].table: string",
            "$.recommended_indexes[].present: boolean",
            "$.recommended_indexes[].existing_index: string",
            "$.recommended_indexes[].statement: null",
            "$.activity_multiplier: number",
            "$.expected_events_per_minute: number",
            "$.pool_capacity: object",
            "$.pool_capacity.needed: number",
            "$.pool_capacity.available: number",
            "$.pool_capacity.growable: boolean",
            "$.pool_capacity.short: boolean",
            "$.pool_capacity.expected_sessions_per_min: number",
            "$.pool_capacity.fixes: array",
        ],
        ["toggle"] =
        [
            "200 application/json",
            "$: object",
            .. SettingLines("$"),
        ],
        ["settings"] =
        [
            "200 application/json",
            "$: object",
            .. SettingLines("$"),
        ],
        ["settings/schema"] =
        [
            "200 application/json",
            "$: object",
            "$.settings: array",
            .. SchemaEntryLines(SettingDeclarations.All[0]),
        ],
        ["estimate"] =
        [
            "200 application/json",
            "$: object",
            "$.settings: object",
            .. SettingLines("$.settings"),
            "$.sessions_per_day: number",
            "$.events_per_day: number",
            "$.rows_per_day: number",
            "$.bytes_per_day: number",
            "$.retain_days: number",
            "$.bytes_at_retention: number",
            "$.backfill_start_bytes: number",
            "$.tables: array",
            "$.tables[]: object",
            "$.tables[].table: string",
            "$.tables[].rows_per_session: number",
            "$.tables[].rows_per_day: number",
            "$.tables[].bytes_per_row: number",
            "$.tables[].bytes_per_row_source: string",
            "$.tables[].bytes_per_day: number",
            "$.tables[].bytes_at_retention: number",
            "$.tables[].bytes_now: number",
            "$.tables[].backfill_start_rows: number",
            "$.tables[].backfill_start_bytes: number",
            "$.pool_cap: number",
            "$.pool_members: number",
            "$.people: object",
            "$.people.needed: number",
            "$.people.available: number",
            "$.people.growable: boolean",
            "$.people.short: boolean",
            "$.people.expected_sessions_per_min: number",
            "$.people.fixes: array",
            "$.connections: object",
            "$.connections.max_per_instance: number",
            "$.connections.per_cron_tick: number",
            "$.connections.per_backfill: number",
            "$.connections.server_max: number",
        ],
        ["estimate 400"] =
        [
            "400 application/problem+json",
            "$: object",
            "$.type: string",
            "$.title: string",
            "$.status: number",
            "$.detail: string",
            "$.errors: object",
            "$.errors.retain_days: array",
            "$.errors.retain_days[]: string",
            "$.traceId: string",
        ],
        ["settings/history"] =
        [
            "200 application/json",
            "$: object",
            "$.changes: array",
            "$.changes[]: object",
            "$.changes[].id: number",
            "$.changes[].changed_at: string",
            "$.changes[].source: string",
            "$.changes[].old: map",
            "$.changes[].new: map",
        ],
        ["run-now dry"] =
        [
            "200 application/json",
            "$: object",
            "$.run_id: string",
            "$.dry_run: boolean",
            "$.status: string",
            "$.skipped: null",
            "$.trigger: string",
            "$.seed: number",
            "$.sessions_requested: number",
            "$.sessions_started: number",
            "$.sessions_continued: number",
            "$.rows: map",
            "$.total_rows: number",
        ],
        ["activity"] =
        [
            "200 application/json",
            "$: object",
            "$.hours: number",
            "$.buckets: array",
            "$.buckets[]: object",
            "$.buckets[].hour: string",
            "$.buckets[].events: number",
            "$.buckets[].events_by_type: map",
            "$.buckets[].sessions: number",
            "$.buckets[].journeys_started: number",
            "$.buckets[].journeys_completed: number",
            "$.buckets[].journeys_abandoned: number",
            "$.buckets[].captures: number",
            "$.buckets[].resistance_checks: number",
            "$.buckets[].mindblock_events: number",
        ],
        ["sim-users resize"] =
        [
            "200 application/json",
            "$: object",
            "$.pool_size: number",
            "$.previous_pool_size: number",
            "$.added: number",
            "$.retired: number",
            "$.reactivated: number",
        ],
        ["cleanup"] =
        [
            "200 application/json",
            "$: object",
            "$.id: string",
            "$.kind: string",
            "$.cutoff: string",
            "$.rows_deleted: object",
            "$.rows_deleted.journey_instances: number",
            "$.rows_deleted.journey_instance_scenes: number",
            "$.rows_deleted.journey_scene_events: number",
            "$.rows_deleted.journey_scene_captures: number",
            "$.rows_deleted.journey_resistance_checks: number",
            "$.rows_deleted.journey_real_world_triggers: number",
            "$.rows_deleted.mindblock_events: number",
            "$.rows_deleted.user_mindblock_status: number",
            "$.rows_deleted.synthetic_runs: number",
            "$.rows_deleted.synthetic_settings_history: number",
            "$.rows_deleted.synthetic_cleanups: number",
            "$.total_rows: number",
            "$.transactions: number",
            "$.max_rows_per_transaction: number",
        ],
        ["realism"] = ["200 application/json", "$: object", "$.from: string", "$.to: string", "$.days: number", "$.passed: number", "$.failed: number", "$.not_enough_data: number", "$.history: string", "$.figures: array", "$.figures[]: object", "$.figures[].name: string", "$.figures[].meaning: string", "$.figures[].value: number", "$.figures[].min: number", "$.figures[].max: number", "$.figures[].target: string", "$.figures[].verdict: string", "$.figures[].n: number", "$.figures[].sample_unit: string", "$.figures[].note: string", "$.cohorts: array", "$.cohorts[]: object", "$.cohorts[].week_start: string", "$.cohorts[].users: number", "$.cohorts[].retention: array", "$.cohorts[].retention[]: number", "$.sessions_per_user: array", "$.sessions_per_user[]: object", "$.sessions_per_user[].sessions: string", "$.sessions_per_user[].users: number"],
        ["realism 400"] = ["400 application/problem+json", "$: object", "$.type: string", "$.title: string", "$.status: number", "$.detail: string", "$.errors: object", "$.errors.days: array", "$.errors.days[]: string", "$.traceId: string"],
        ["purge"] =
        [
            "200 application/json",
            "$: object",
            "$.purge: object",
            "$.purge.id: string",
            "$.purge.kind: string",
            "$.purge.cutoff: null",
            "$.purge.rows_deleted: object",
            "$.purge.rows_deleted.journey_instances: number",
            "$.purge.rows_deleted.journey_instance_scenes: number",
            "$.purge.rows_deleted.journey_scene_events: number",
            "$.purge.rows_deleted.journey_scene_captures: number",
            "$.purge.rows_deleted.journey_resistance_checks: number",
            "$.purge.rows_deleted.journey_real_world_triggers: number",
            "$.purge.rows_deleted.mindblock_events: number",
            "$.purge.rows_deleted.user_mindblock_status: number",
            "$.purge.rows_deleted.synthetic_runs: number",
            "$.purge.rows_deleted.synthetic_settings_history: number",
            "$.purge.rows_deleted.synthetic_cleanups: number",
            "$.purge.total_rows: number",
            "$.purge.transactions: number",
            "$.purge.max_rows_per_transaction: number",
            "$.sim_users_removed: number",
            "$.profiles_removed: number",
            "$.pool_members_after: number",
            "$.pool_note: string",
        ],
        ["backfill"] =
        [
            "202 application/json",
            "$: object",
            "$.id: string",
            "$.status_url: string",
            "$.state: string",
            "$.days: number",
            "$.purge_first: boolean",
            "$.seed: number",
            "$.window_start: string",
            "$.window_end: string",
            "$.cursor: string",
            "$.percent: number",
            "$.chunks: number",
            "$.rows: map",
            "$.total_rows: number",
            "$.rows_per_second: null",
            "$.eta_seconds: null",
            "$.cancel_requested: boolean",
            "$.created_at: string",
            "$.started_at: null",
            "$.finished_at: null",
            "$.error: null",
            "$.failed_attempts: number",
        ],
        ["backfill status"] =
        [
            "200 application/json",
            "$: object",
            "$.id: string",
            "$.status_url: string",
            "$.state: string",
            "$.days: number",
            "$.purge_first: boolean",
            "$.seed: number",
            "$.window_start: string",
            "$.window_end: string",
            "$.cursor: string",
            "$.percent: number",
            "$.chunks: number",
            "$.rows: map",
            "$.total_rows: number",
            "$.rows_per_second: null",
            "$.eta_seconds: null",
            "$.cancel_requested: boolean",
            "$.created_at: string",
            "$.started_at: null",
            "$.finished_at: null",
            "$.error: null",
            "$.failed_attempts: number",
        ],
        ["backfill cancel"] =
        [
            "200 application/json",
            "$: object",
            "$.id: string",
            "$.status_url: string",
            "$.state: string",
            "$.days: number",
            "$.purge_first: boolean",
            "$.seed: number",
            "$.window_start: string",
            "$.window_end: string",
            "$.cursor: string",
            "$.percent: number",
            "$.chunks: number",
            "$.rows: map",
            "$.total_rows: number",
            "$.rows_per_second: null",
            "$.eta_seconds: null",
            "$.cancel_requested: boolean",
            "$.created_at: string",
            "$.started_at: null",
            "$.finished_at: string",
            "$.error: null",
            "$.failed_attempts: number",
        ],
        ["409"] =
        [
            "409 application/problem+json",
            "$: object",
            "$.type: string",
            "$.title: string",
            "$.status: number",
            "$.detail: string",
            "$.traceId: string",
        ],
        ["400"] =
        [
            "400 application/problem+json",
            "$: object",
            "$.type: string",
            "$.title: string",
            "$.status: number",
            "$.detail: string",
            "$.errors: object",
            "$.errors.sessions_per_min: array",
            "$.errors.sessions_per_min[]: string",
            "$.traceId: string",
        ],
    };
}
