using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// The backfill's own code (<see cref="BackfillPlayer"/>, the engine alone, no database) played over
/// a window, keeping what an analyst reads from the rows it writes: sessions (user, first event),
/// people (signup, time zone), journey instances in their latest state and the furthest scene each
/// opened, resistance checks, mindblock statuses in order, and events per hour. Rows are reduced
/// chunk by chunk, so months at the default volume fit in memory.
/// </summary>
internal sealed class BackfillRun
{
    /// <summary>The pool's cap users have unless they change it (<c>Synthetics__PoolSize</c>).</summary>
    public static readonly int DefaultPoolCap = new SyntheticsOptions().PoolSize;

    private readonly Catalog _catalog;

    private BackfillRun(BackfillPlayer player, Catalog catalog) => (Player, _catalog) = (player, catalog);

    public BackfillPlayer Player { get; }

    /// <summary>Each session's user and first row, in the order they were written.</summary>
    public List<(Guid User, DateTimeOffset At)> Sessions { get; } = [];

    /// <summary>Everyone who was ever in the pool: signup and time zone.</summary>
    public Dictionary<Guid, (DateTimeOffset SignupAt, string Timezone)> Users { get; } = [];

    /// <summary>Every journey instance, by id, in its latest state (idle ones abandoned as storage abandons them).</summary>
    public Dictionary<Guid, InstanceRow> Instances { get; } = [];

    /// <summary>The furthest scene (0-based index in its journey) each instance opened.</summary>
    public Dictionary<Guid, int> FurthestScene { get; } = [];

    public List<(Guid User, DateTimeOffset At, int Level)> ResistanceChecks { get; } = [];

    /// <summary>Mindblock signals as written: whose, when, how intense.</summary>
    public List<(Guid User, DateTimeOffset At, int Intensity)> Signals { get; } = [];

    /// <summary>Scene events by the hour they are dated in.</summary>
    public Dictionary<DateTimeOffset, long> EventsPerHour { get; } = [];

    public long Events { get; private set; }

    /// <summary>Each session as the realism check reads it back: its pieces added up, its signals attached.</summary>
    public Dictionary<Guid, SessionTally> SessionFacts { get; } = [];

    /// <summary>Capture texts with their dates, in the order written (the check samples the newest).</summary>
    public List<(DateTimeOffset At, string Text)> Captures { get; } = [];

    public int SessionsStarted { get; private set; }

    public int IdleAbandoned { get; private set; }

    /// <summary>
    /// Plays <paramref name="days"/> from <paramref name="start"/>, at <paramref name="settings"/>
    /// and <paramref name="poolCap"/> (the default cap unless given), as a backfill over that window
    /// on a fresh install (no sim users before it) would write it: unless <paramref name="installation"/>
    /// is given, the installation's seed is <paramref name="seed"/> and its history starts at
    /// <paramref name="start"/>, as the job's creation records it.
    /// </summary>
    public static BackfillRun Play(
        EngineSettings settings, DateTimeOffset start, double days, long seed, int? poolCap = null, Catalog? catalog = null,
        int preRollDays = BackfillPlayer.PreRollDays, Installation? installation = null)
    {
        var end = start.AddDays(days);
        catalog ??= DefaultCatalog.SeededAt(end);
        var spec = new BackfillSpec(seed, start, end, settings, poolCap ?? DefaultPoolCap, 0, PreRollDays: preRollDays, Installation: installation ?? new Installation(seed, start));
        var run = new BackfillRun(new BackfillPlayer(spec, catalog), catalog);
        var sceneIndex = catalog.Journeys.SelectMany(j => j.Scenes.Select((s, i) => (s.Id, i))).ToDictionary(x => x.Id, x => x.i);
        var seen = new HashSet<Guid>();
        while (true)
        {
            var final = run.Player.NextIsFinal;
            run.Add(run.Player.Play(end), sceneIndex, seen);
            if (final)
            {
                return run;
            }
        }
    }

    /// <summary>
    /// What the realism check would read from the tables this run wrote, for [<paramref name="from"/>,
    /// <paramref name="to"/>): the sessions begun in it, every user, the enrolments begun in it, the
    /// events dated in it and the newest capture texts. The rule checks the writers count in SQL
    /// (triggers, contracts, row order) are not kept here: those figures say not_enough_data.
    /// </summary>
    public RealismFacts Facts(DateTimeOffset from, DateTimeOffset to, EngineSettings settings)
    {
        var sessions = SessionFacts.Values.Where(s => s.Start >= from && s.Start < to).OrderBy(s => s.Start).Select(s => s.Fact()).ToList();
        var users = Users.ToDictionary(u => u.Key, u => new UserFact(u.Value.SignupAt, u.Value.Timezone));
        var scenes = _catalog.Journeys.ToDictionary(j => j.Id, j => j.Scenes.Count);
        var created = _catalog.Journeys.ToDictionary(j => j.Id, j => j.CreatedAt);
        var first = Instances.Values.Where(i => i.StartedAt < to).GroupBy(i => (i.UserId, i.JourneyId)).ToDictionary(g => g.Key, g => g.Min(i => i.StartedAt));
        var enrolments = Instances.Values
            .Where(i => i.StartedAt >= from && i.StartedAt < to)
            .Select(i => new EnrolmentFact(i.Id, i.UserId, i.JourneyId, i.StartedAt, i.CompletedAt, scenes.GetValueOrDefault(i.JourneyId), first[(i.UserId, i.JourneyId)] < i.StartedAt, created.GetValueOrDefault(i.JourneyId)))
            .ToList();
        var events = EventsPerHour.Where(h => h.Key >= from && h.Key < to).Sum(h => h.Value);
        var texts = Captures.Where(c => c.At >= from && c.At < to).OrderByDescending(c => c.At).Take(RealismFigures.CaptureSample).Select(c => c.Text).ToList();
        var counts = new TableCounts(
            events, ExpectedVolume.EventsPerMinute(settings with { Enabled = true }, 1) * 60, settings.AbandonRate, settings.ErrorRate, settings.MindblockChance, texts);
        return new RealismFacts(from, to, sessions, users, enrolments, counts);
    }

    private void Add(BackfillChunk chunk, Dictionary<Guid, int> sceneIndex, HashSet<Guid> seen)
    {
        var batch = chunk.Batch;
        foreach (var user in chunk.NewUsers)
        {
            Users[user.ProfileId] = (user.SignupAt, user.Timezone);
        }

        foreach (var state in chunk.Adopted)
        {
            Users[state.ProfileId] = (state.SignupAt, state.Timezone);
        }

        // Sessions as the realism check groups the rows; a session the last chunk finishes counts once, from its start.
        var record = RealismRecord.Of(batch, _catalog, chunk.SessionsContinued);
        foreach (var piece in record.Pieces)
        {
            if (seen.Add(piece.SessionId))
            {
                Sessions.Add((piece.UserId, piece.StartedAt));
            }

            if (!SessionFacts.TryGetValue(piece.SessionId, out var tally))
            {
                SessionFacts[piece.SessionId] = tally = new SessionTally(piece.UserId, piece.StartedAt);
            }

            tally.Add(piece);
        }

        foreach (var signal in record.Signals.OrderBy(s => s.CreatedAt).ThenBy(s => s.EventId))
        {
            SessionFacts[signal.SessionId].Signals.Add((signal.MindblockId, signal.Intensity));
        }

        Captures.AddRange(batch.Captures.Select(c => (c.CreatedAt, c.Response)));

        foreach (var e in batch.Events)
        {
            var hour = new DateTimeOffset(e.CreatedAt.UtcTicks - (e.CreatedAt.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            EventsPerHour[hour] = EventsPerHour.GetValueOrDefault(hour) + 1;
        }

        foreach (var instance in batch.Instances)
        {
            Instances[instance.Id] = instance;
        }

        foreach (var scene in batch.InstanceScenes)
        {
            FurthestScene[scene.InstanceId] = Math.Max(FurthestScene.GetValueOrDefault(scene.InstanceId, -1), sceneIndex[scene.SceneId]);
        }

        foreach (var check in batch.ResistanceChecks)
        {
            ResistanceChecks.Add((check.UserId, check.CreatedAt, check.ResistanceLevel));
        }

        foreach (var signal in batch.MindblockEvents)
        {
            Signals.Add((signal.UserId, signal.CreatedAt, signal.Intensity));
        }

        // A journey begun before the window and never continued in it has no row to abandon.
        foreach (var id in chunk.IdleAbandoned.Where(Instances.ContainsKey))
        {
            Instances[id] = Instances[id] with { Status = InstanceStatus.Abandoned };
        }

        Events += batch.Events.Count;
        SessionsStarted += chunk.SessionsStarted;
        IdleAbandoned += chunk.IdleAbandoned.Count;
    }
}

/// <summary>One session's pieces added up, as <c>RealismStore</c> adds them.</summary>
internal sealed class SessionTally(Guid user, DateTimeOffset start)
{
    public Guid User { get; } = user;

    public DateTimeOffset Start { get; } = start;

    public List<(Guid Mindblock, int Intensity)> Signals { get; } = [];

    private SessionPiece? Sum { get; set; }

    public void Add(SessionPiece piece) => Sum = Sum is not { } sum ? piece : sum with
    {
        Events = sum.Events + piece.Events,
        Errored = sum.Errored || piece.Errored,
        ScenesOpened = sum.ScenesOpened + piece.ScenesOpened,
        ScenesCompleted = sum.ScenesCompleted + piece.ScenesCompleted,
        MindblockSignals = sum.MindblockSignals + piece.MindblockSignals,
        LastSceneOrder = Math.Max(sum.LastSceneOrder, piece.LastSceneOrder),
        ResistanceSum = sum.ResistanceSum + piece.ResistanceSum,
        ResistanceCount = sum.ResistanceCount + piece.ResistanceCount,
        IntensitySum = sum.IntensitySum + piece.IntensitySum,
        IntensityCount = sum.IntensityCount + piece.IntensityCount,
        InstanceId = sum.InstanceId ?? piece.InstanceId,
        LastEventAt = piece.LastEventAt > sum.LastEventAt ? piece.LastEventAt : sum.LastEventAt,
    };

    public SessionFact Fact()
    {
        var s = Sum!;
        return new SessionFact(
            User, Start, s.Events, s.Errored, s.ScenesOpened, s.ScenesCompleted, s.MindblockSignals, s.InstanceId,
            s.LastSceneOrder, s.ResistanceSum, s.ResistanceCount, s.IntensitySum, s.IntensityCount, Signals, s.LastEventAt);
    }
}

