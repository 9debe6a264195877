using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage.Declarations;

/// <summary>
/// Every table the engine reads or writes, declared once. To add a column: add it to the row
/// record, declare it here, and add it to the DDL in a new numbered migration; the insert, the
/// COPY, the schema contract and the drift test follow. Applied migrations are never edited.
/// </summary>
public static class ActivityTables
{
    private const string SyntheticUser = "user_id IN (SELECT profile_id FROM sim_users)";

    public static TableDeclaration<InstanceRow> JourneyInstances { get; } = new(
        Tables.JourneyInstances,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("user_id", r => r.UserId), c.Uuid("journey_id", r => r.JourneyId), c.Text("status", r => r.Status),
            c.Int4("current_scene_order", r => r.CurrentSceneOrder), c.TimestampTz("started_at", r => r.StartedAt),
            c.TimestampTz("last_activity_at", r => r.LastActivityAt), c.TimestampTz("completed_at", r => r.CompletedAt),
            c.TimestampTz("created_at", r => r.StartedAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        new Upsert(["id"], [("status", null), ("current_scene_order", null), ("last_activity_at", null), ("completed_at", null)], $"{Tables.JourneyInstances}.user_id = excluded.user_id"),
        "metadata",
        [
            RollupFact.Named(Rollups.JourneysStarted, "started_at", firstWriteOnly: true),
            RollupFact.Named(Rollups.JourneysCompleted, "completed_at", "status = 'completed'", uses: "status"),
            RollupFact.Named(Rollups.JourneysAbandoned, "last_activity_at", "status = 'abandoned'", uses: "status"),
        ]);

    public static TableDeclaration<InstanceSceneRow> JourneyInstanceScenes { get; } = new(
        Tables.JourneyInstanceScenes,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("instance_id", r => r.InstanceId), c.Uuid("user_id", r => r.UserId), c.Uuid("scene_id", r => r.SceneId),
            c.Text("status", r => r.Status), c.TimestampTz("opened_at", r => r.OpenedAt), c.TimestampTz("completed_at", r => r.CompletedAt),
            c.TimestampTz("created_at", r => r.OpenedAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        new Upsert(["id"], [("status", null), ("completed_at", null)], $"{Tables.JourneyInstanceScenes}.user_id = excluded.user_id"),
        "metadata");

    public static TableDeclaration<SceneEventRow> JourneySceneEvents { get; } = new(
        Tables.JourneySceneEvents,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("instance_id", r => r.InstanceId), c.Uuid("instance_scene_id", r => r.InstanceSceneId),
            c.Uuid("user_id", r => r.UserId), c.Uuid("scene_id", r => r.SceneId), c.Text("event_type", r => r.EventType),
            c.Jsonb("event_payload", r => r.Payload), c.TimestampTz("created_at", r => r.CreatedAt),
        ],
        tagColumn: "event_payload",
        facts: [new RollupFact($"'{Rollups.EventPrefix}' || event_type", "created_at", Uses: ["event_type"])],
        minuteRollup: true);

    public static TableDeclaration<CaptureRow> JourneySceneCaptures { get; } = new(
        Tables.JourneySceneCaptures,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("instance_id", r => r.InstanceId), c.Uuid("instance_scene_id", r => r.InstanceSceneId),
            c.Uuid("user_id", r => r.UserId), c.Uuid("scene_id", r => r.SceneId), c.Text("prompt", r => r.Prompt), c.Text("response", r => r.Response),
            c.TimestampTz("created_at", r => r.CreatedAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        tagColumn: "metadata",
        facts: [RollupFact.Named(Rollups.Captures, "created_at")]);

    public static TableDeclaration<ResistanceCheckRow> JourneyResistanceChecks { get; } = new(
        Tables.JourneyResistanceChecks,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("instance_id", r => r.InstanceId), c.Uuid("instance_scene_id", r => r.InstanceSceneId),
            c.Uuid("user_id", r => r.UserId), c.Uuid("scene_id", r => r.SceneId), c.Int4("resistance_level", r => r.ResistanceLevel),
            c.Text("strategy", r => r.Strategy), c.TimestampTz("created_at", r => r.CreatedAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        tagColumn: "metadata",
        facts: [RollupFact.Named(Rollups.ResistanceChecks, "created_at")]);

    public static TableDeclaration<RealWorldTriggerRow> JourneyRealWorldTriggers { get; } = new(
        Tables.JourneyRealWorldTriggers,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("instance_id", r => r.InstanceId), c.Uuid("user_id", r => r.UserId),
            c.Text("trigger_type", r => r.TriggerType), c.Text("description", r => r.Description),
            c.TimestampTz("created_at", r => r.CreatedAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        tagColumn: "metadata");

    public static TableDeclaration<MindblockEventRow> MindblockEvents { get; } = new(
        Tables.MindblockEvents,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("user_id", r => r.UserId), c.Uuid("mindblock_id", r => r.MindblockId), c.Uuid("instance_id", r => r.InstanceId),
            c.Text("signal", r => r.Signal), c.Int4("intensity", r => r.Intensity), c.TimestampTz("created_at", r => r.CreatedAt),
            c.Jsonb("metadata", r => r.Metadata),
        ],
        tagColumn: "metadata",
        facts: [RollupFact.Named(Rollups.MindblockEvents, "created_at")]);

    public static TableDeclaration<MindblockStatusRow> UserMindblockStatus { get; } = new(
        Tables.UserMindblockStatus,
        c =>
        [
            c.Uuid("id", r => r.Id), c.Uuid("user_id", r => r.UserId), c.Uuid("mindblock_id", r => r.MindblockId), c.Text("status", r => r.Status),
            c.Int4("intensity", r => r.Intensity), c.Int4("event_count", r => r.EventCountDelta), c.TimestampTz("last_event_at", r => r.LastEventAt),
            c.TimestampTz("updated_at", r => r.LastEventAt), c.Jsonb("metadata", r => r.Metadata),
        ],
        new Upsert(
            ["user_id", "mindblock_id"],
            [("status", null), ("intensity", null), ("event_count", $"{Tables.UserMindblockStatus}.event_count + excluded.event_count"),
             ("last_event_at", null), ("updated_at", null), ("metadata", null)]),
        "metadata");

    /// <summary>The engine's own record of each session in progress (see <see cref="SessionState"/>).</summary>
    public static TableDeclaration<SessionState> SyntheticSessions { get; } = new(
        "synthetic_sessions",
        c =>
        [
            c.Uuid("profile_id", s => s.ProfileId), c.Uuid("session_id", s => s.SessionId), c.Int8("seed", s => s.Seed),
            c.TimestampTz("started_at", s => s.StartedAt), c.Uuid("instance_id", s => s.InstanceId), c.Uuid("journey_id", s => s.JourneyId),
            c.Int4("start_scene_order", s => s.StartSceneOrder), c.Bool("new_instance", s => s.NewInstance),
            c.TimestampTz("instance_started_at", s => s.InstanceStartedAt), c.Numeric("mindblock_chance", s => s.Rates.MindblockChance),
            c.Numeric("abandon_rate", s => s.Rates.AbandonRate), c.Numeric("error_rate", s => s.Rates.ErrorRate),
            c.TimestampTz("written_until", s => s.WrittenUntil), c.TimestampTz("ends_at", s => s.EndsAt), c.Float8("progress", s => s.Progress),
            c.Int4("practice_until_order", s => s.PracticeUntilOrder), c.TextOrNull("persona", s => s.Persona),
        ],
        new Upsert(["profile_id"], [("written_until", null), ("ends_at", null)]));

    /// <summary>Each sim user's behaviour state (the population model's) and when their last session ends.</summary>
    public static TableDeclaration<UserStateRow> SyntheticUserState { get; } = new(
        "synthetic_user_state",
        c =>
        [
            c.Uuid("profile_id", u => u.State.ProfileId), c.TimestampTz("signup_at", u => u.State.SignupAt),
            c.Text("persona", u => u.State.Traits.Persona), c.Float8("engagement", u => u.State.Traits.Engagement),
            c.Float8("chronotype_shift_hours", u => u.State.Traits.ChronotypeShiftHours), c.Text("lifecycle", u => LifecycleName(u.State.Lifecycle)),
            c.TimestampTz("next_session_at", u => u.State.NextSessionAt), c.TimestampTz("last_session_at", u => u.State.LastSessionAt),
            c.Date("local_day", u => u.State.Day), c.Int4("sessions_that_day", u => u.State.SessionsThatDay), c.Int4("sessions", u => u.State.Sessions),
            c.TimestampTz("last_session_ends_at", u => u.LastSessionEndsAt), c.Float8("progress", u => u.State.Progress),
        ],
        new Upsert(
            ["profile_id"],
            [("lifecycle", null), ("next_session_at", null), ("last_session_at", null), ("local_day", null), ("sessions_that_day", null), ("sessions", null), ("progress", null),
             ("last_session_ends_at", "greatest(synthetic_user_state.last_session_ends_at, excluded.last_session_ends_at)")]));

    /// <summary>A lifecycle as the table and the API spell it.</summary>
    public static string LifecycleName(Lifecycle lifecycle) => lifecycle.ToString().ToLowerInvariant();

    /// <summary>The journey app's tables the engine reads (the pool and the catalog).</summary>
    public static IReadOnlyList<TableShape> Read { get; } =
    [
        TableShape.Read("profiles", "id uuid"),
        // The seed reads only profile_id; what the engine knows of a member is in synthetic_pool.
        TableShape.Read("sim_users", "profile_id uuid"),
        TableShape.Read("journeys", "id uuid, slug text, title text, clinical_focus text"),
        TableShape.Read("journey_scenes", "id uuid, journey_id uuid, scene_order int4, title text"),
        TableShape.Read("scene_contracts", "scene_id uuid, required_captures int4, capture_prompt text, requires_resistance_check bool, min_dwell_seconds int4, max_dwell_seconds int4"),
        TableShape.Read("mindblocks", "id uuid, slug text, name text, clinical_focus text"),
    ];

    /// <summary>The eight activity tables, parents first (the order <see cref="Tables.Activity"/> gives).</summary>
    public static IReadOnlyList<WrittenTable> Activity { get; } =
    [
        JourneyInstances, JourneyInstanceScenes, JourneySceneEvents, JourneySceneCaptures,
        JourneyResistanceChecks, JourneyRealWorldTriggers, MindblockEvents, UserMindblockStatus,
    ];

    /// <summary>The tables that may already exist in the journey app's database: the schema contract.</summary>
    public static IReadOnlyList<TableShape> App { get; } = [.. Read, .. Activity];

    /// <summary>Every declared table, for the drift test.</summary>
    public static IReadOnlyList<TableShape> All { get; } = [.. App, SyntheticSessions, SyntheticUserState, RealismTables.Pieces, RealismTables.Signals, .. RealismTables.RowFacts];

    /// <summary>Activity tables whose rows hang off a journey instance, children last-declared first (the order to delete them in).</summary>
    public static IReadOnlyList<WrittenTable> InstanceChildren { get; } =
        [.. Activity.Where(t => t != JourneyInstances && t.Has("instance_id")).Reverse()];

    /// <summary>One unnest insert per table that has rows in <paramref name="batch"/>, parents first.</summary>
    public static IEnumerable<NpgsqlBatchCommand> InsertCommands(ActivityBatch batch)
    {
        if (batch.Instances.Count > 0)
        {
            yield return JourneyInstances.InsertFromArrays(batch.Instances);
        }

        if (batch.InstanceScenes.Count > 0)
        {
            yield return JourneyInstanceScenes.InsertFromArrays(batch.InstanceScenes);
        }

        if (batch.Events.Count > 0)
        {
            yield return JourneySceneEvents.InsertFromArrays(batch.Events);
        }

        if (batch.Captures.Count > 0)
        {
            yield return JourneySceneCaptures.InsertFromArrays(batch.Captures);
        }

        if (batch.ResistanceChecks.Count > 0)
        {
            yield return JourneyResistanceChecks.InsertFromArrays(batch.ResistanceChecks);
        }

        if (batch.RealWorldTriggers.Count > 0)
        {
            yield return JourneyRealWorldTriggers.InsertFromArrays(batch.RealWorldTriggers);
        }

        if (batch.MindblockEvents.Count > 0)
        {
            yield return MindblockEvents.InsertFromArrays(batch.MindblockEvents);
        }

        if (batch.MindblockStatuses.Count > 0)
        {
            yield return UserMindblockStatus.InsertFromArrays(batch.MindblockStatuses);
        }
    }

    /// <summary>Writes every row of <paramref name="batch"/> through binary COPY, parents first.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CopyAsync(NpgsqlConnection connection, ActivityBatch batch, CancellationToken cancellationToken) =>
        new Dictionary<string, long>
        {
            [Tables.JourneyInstances] = await CopyWriter.WriteAsync(connection, JourneyInstances, batch.Instances, cancellationToken),
            [Tables.JourneyInstanceScenes] = await CopyWriter.WriteAsync(connection, JourneyInstanceScenes, batch.InstanceScenes, cancellationToken),
            [Tables.JourneySceneEvents] = await CopyWriter.WriteAsync(connection, JourneySceneEvents, batch.Events, cancellationToken),
            [Tables.JourneySceneCaptures] = await CopyWriter.WriteAsync(connection, JourneySceneCaptures, batch.Captures, cancellationToken),
            [Tables.JourneyResistanceChecks] = await CopyWriter.WriteAsync(connection, JourneyResistanceChecks, batch.ResistanceChecks, cancellationToken),
            [Tables.JourneyRealWorldTriggers] = await CopyWriter.WriteAsync(connection, JourneyRealWorldTriggers, batch.RealWorldTriggers, cancellationToken),
            [Tables.MindblockEvents] = await CopyWriter.WriteAsync(connection, MindblockEvents, batch.MindblockEvents, cancellationToken),
            [Tables.UserMindblockStatus] = await CopyWriter.WriteAsync(connection, UserMindblockStatus, batch.MindblockStatuses, cancellationToken),
        };

    /// <summary>A row of an activity table belongs to a sim user and carries the tag.</summary>
    internal static string IsSynthetic(TableShape table, string alias) =>
        $"{alias}.{table.TagColumn}->>'synthetic' = 'true' AND {alias}.{SyntheticUser}";
}
