using System.Text.Json;

namespace SyntheticsFunctions.Engine.Realism;

/// <summary>
/// What one write (a run, or a backfill chunk) did to one session, as its scene events show it: a
/// live session running over several ticks has a piece per tick, and the check adds them up.
/// <see cref="StartedAt"/> is the session's start on every piece, so a window takes a session
/// whole or not at all; <see cref="LastEventAt"/> is when the piece's last event is dated, so the
/// session ends at the latest of its pieces'.
/// </summary>
public sealed record SessionPiece(
    Guid SessionId,
    Guid UserId,
    Guid? InstanceId,
    DateTimeOffset StartedAt,
    int Events,
    bool Errored,
    int ScenesOpened,
    int ScenesCompleted,
    int MindblockSignals,
    int LastSceneOrder,
    int ResistanceSum,
    int ResistanceCount,
    int IntensitySum,
    int IntensityCount,
    DateTimeOffset LastEventAt);

/// <summary>One mindblock signal event: whose session, which mindblock, how intense, when (the event's id orders ties).</summary>
public sealed record SignalFact(Guid EventId, Guid SessionId, Guid MindblockId, int Intensity, DateTimeOffset CreatedAt);

/// <summary>One resistance check as the outcome figures need it: whose, when (its id orders ties), its level and strategy.</summary>
public sealed record ResistanceFact(Guid CheckId, Guid UserId, DateTimeOffset CreatedAt, int Level, string Strategy);

/// <summary>One mindblock event as the outcome figures need it: whose, when, which signal.</summary>
public sealed record SignalChoiceFact(Guid EventId, Guid UserId, DateTimeOffset CreatedAt, string Signal);

/// <summary>One real-world trigger as the word figures need it: whose, when, its description.</summary>
public sealed record TriggerFact(Guid TriggerId, Guid UserId, DateTimeOffset CreatedAt, string Description);

/// <summary>
/// The realism facts of one write: its session pieces, its mindblock signals, its latest capture
/// texts (newest first), and a fact per capture, real-world trigger, resistance check and mindblock event it writes.
/// </summary>
public sealed record RealismRecord(
    IReadOnlyList<SessionPiece> Pieces,
    IReadOnlyList<SignalFact> Signals,
    IReadOnlyList<string> CaptureTexts,
    IReadOnlyList<CaptureFact> Captures,
    IReadOnlyList<TriggerFact> Triggers,
    IReadOnlyList<ResistanceFact> ResistanceChecks,
    IReadOnlyList<SignalChoiceFact> SignalChoices)
{
    /// <summary>
    /// The facts of <paramref name="batch"/>: its scene events carrying a session id, grouped by
    /// session, as an analyst would group the rows. A session already in progress
    /// (<paramref name="inProgress"/>) keeps its recorded start; a new one starts at its first event.
    /// The scene order of an opened scene comes from <paramref name="catalog"/> (0 when unknown).
    /// </summary>
    public static RealismRecord Of(ActivityBatch batch, Catalog catalog, IEnumerable<SessionState> inProgress)
    {
        var starts = new Dictionary<Guid, DateTimeOffset>();
        foreach (var session in inProgress)
        {
            starts[session.SessionId] = session.StartedAt;
        }

        var orders = new Dictionary<Guid, int>();
        foreach (var scene in catalog.Journeys.SelectMany(j => j.Scenes))
        {
            orders[scene.Id] = scene.Order;
        }

        var pieces = new Dictionary<Guid, Piece>();
        var signals = new List<SignalFact>();
        foreach (var e in batch.Events)
        {
            var payload = Payload.Read(e.Payload);
            if (payload.SessionId is not { } sessionId)
            {
                continue;
            }

            if (!pieces.TryGetValue(sessionId, out var piece))
            {
                piece = new Piece(e.UserId, e.InstanceId, e.CreatedAt);
                pieces[sessionId] = piece;
            }

            piece.Events++;
            piece.FirstEvent = e.CreatedAt < piece.FirstEvent ? e.CreatedAt : piece.FirstEvent;
            piece.LastEvent = e.CreatedAt > piece.LastEvent ? e.CreatedAt : piece.LastEvent;
            switch (e.EventType)
            {
                case EventTypes.ClientError:
                    piece.Errored = true;
                    break;
                case EventTypes.SceneOpened:
                    piece.ScenesOpened++;
                    piece.LastSceneOrder = Math.Max(piece.LastSceneOrder, e.SceneId is { } scene ? orders.GetValueOrDefault(scene) : 0);
                    break;
                case EventTypes.SceneCompleted:
                    piece.ScenesCompleted++;
                    break;
                case EventTypes.ResistanceCheckCompleted:
                    piece.ResistanceSum += payload.ResistanceLevel ?? 0;
                    piece.ResistanceCount++;
                    break;
                case EventTypes.MindblockSignal:
                    piece.MindblockSignals++;
                    piece.IntensitySum += payload.Intensity ?? 0;
                    piece.IntensityCount++;
                    if (payload.MindblockId is { } mindblock && payload.Intensity is { } intensity)
                    {
                        signals.Add(new SignalFact(e.Id, sessionId, mindblock, intensity, e.CreatedAt));
                    }

                    break;
            }
        }

        var texts = batch.Captures
            .OrderByDescending(c => c.CreatedAt)
            .Take(RealismFigures.CaptureSample)
            .Select(c => c.Response)
            .ToList();
        return new RealismRecord(
            [.. pieces.Select(p => new SessionPiece(
                p.Key, p.Value.User, p.Value.Instance, starts.TryGetValue(p.Key, out var start) ? start : p.Value.FirstEvent, p.Value.Events, p.Value.Errored,
                p.Value.ScenesOpened, p.Value.ScenesCompleted, p.Value.MindblockSignals, p.Value.LastSceneOrder,
                p.Value.ResistanceSum, p.Value.ResistanceCount, p.Value.IntensitySum, p.Value.IntensityCount, p.Value.LastEvent))],
            signals,
            texts,
            CaptureFact.Of(batch.Captures, Seams.LabelsOf(catalog)),
            [.. batch.RealWorldTriggers.Select(t => new TriggerFact(t.Id, t.UserId, t.CreatedAt, t.Description))],
            [.. batch.ResistanceChecks.Select(r => new ResistanceFact(r.Id, r.UserId, r.CreatedAt, r.ResistanceLevel, r.Strategy))],
            [.. batch.MindblockEvents.Select(m => new SignalChoiceFact(m.Id, m.UserId, m.CreatedAt, m.Signal))]);
    }

    private sealed class Piece(Guid user, Guid instance, DateTimeOffset firstEvent)
    {
        public Guid User { get; } = user;

        public Guid Instance { get; } = instance;

        public DateTimeOffset FirstEvent { get; set; } = firstEvent;

        public DateTimeOffset LastEvent { get; set; } = firstEvent;

        public int Events { get; set; }

        public bool Errored { get; set; }

        public int ScenesOpened { get; set; }

        public int ScenesCompleted { get; set; }

        public int MindblockSignals { get; set; }

        public int LastSceneOrder { get; set; }

        public int ResistanceSum { get; set; }

        public int ResistanceCount { get; set; }

        public int IntensitySum { get; set; }

        public int IntensityCount { get; set; }
    }

    /// <summary>The payload keys the facts need, read from the event's JSON as Postgres's <c>-&gt;&gt;</c> would read them.</summary>
    private readonly record struct Payload(Guid? SessionId, int? ResistanceLevel, int? Intensity, Guid? MindblockId)
    {
        public static Payload Read(string json)
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
            var payload = default(Payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return payload;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                switch (key)
                {
                    case Tagging.SessionIdKey when reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var session):
                        payload = payload with { SessionId = session };
                        break;
                    case "resistance_level" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var level):
                        payload = payload with { ResistanceLevel = level };
                        break;
                    case "intensity" when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var intensity):
                        payload = payload with { Intensity = intensity };
                        break;
                    case "mindblock_id" when reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var mindblock):
                        payload = payload with { MindblockId = mindblock };
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return payload;
        }
    }
}
