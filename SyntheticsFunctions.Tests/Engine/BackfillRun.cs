using SyntheticsFunctions.Configuration;
using SyntheticsFunctions.Engine;
using SyntheticsFunctions.Engine.Realism;
using SyntheticsFunctions.Storage;

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

    /// <summary>Each resistance check's strategy and each mindblock signal's kind, with whose and when.</summary>
    public List<(Guid User, DateTimeOffset At, string Strategy)> Strategies { get; } = [];

    public List<(Guid User, DateTimeOffset At, string Signal)> SignalKinds { get; } = [];

    /// <summary>Everyone's persona, as the engine's state keeps it.</summary>
    public Dictionary<Guid, string> Personas { get; } = [];

    /// <summary>Mindblock signals as written: whose, when, how intense.</summary>
    public List<(Guid User, DateTimeOffset At, int Intensity)> Signals { get; } = [];

    /// <summary>Scene events by the hour they are dated in.</summary>
    public Dictionary<DateTimeOffset, long> EventsPerHour { get; } = [];

    public long Events { get; private set; }

    /// <summary>Every session piece and mindblock signal the chunks' realism records hold, as the writers keep them.</summary>
    private List<SessionPiece> Pieces { get; } = [];

    private List<SignalFact> SignalFacts { get; } = [];

    /// <summary>Capture texts with their dates and users, in the order written (the check samples the newest).</summary>
    public List<(DateTimeOffset At, Guid User, string Text)> Captures { get; } = [];

    /// <summary>Real-world trigger descriptions with their dates.</summary>
    public List<(DateTimeOffset At, string Description)> Triggers { get; } = [];

    /// <summary>
    /// The steps (opened, captures, check) of the latest scenes opened, by instance scene, with when
    /// each opened: enough (twice the sample) for the equal-gap share of a window ending at the run's end.
    /// </summary>
    private Dictionary<Guid, (DateTimeOffset Opened, List<DateTimeOffset> Steps)> SceneSteps { get; } = [];

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
        int preRollDays = BackfillPlayer.PreRollDays, Installation? installation = null, RegionMix? region = null)
    {
        var end = start.AddDays(days);
        catalog ??= DefaultCatalog.SeededAt(end);
        var spec = new BackfillSpec(seed, start, end, settings, poolCap ?? DefaultPoolCap, 0, PreRollDays: preRollDays, Installation: installation ?? new Installation(seed, start), Region: region);
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
        // The window's sessions added up as RealismStore adds them: pieces in the order of start and session, signals in time order.
        var pieces = new SessionPieces();
        foreach (var p in Pieces.Where(p => p.StartedAt >= from && p.StartedAt < to).OrderBy(p => p.StartedAt).ThenBy(p => p.SessionId))
        {
            pieces.Add(p.SessionId, new SessionPieces.Piece
            {
                User = p.UserId, Instance = p.InstanceId ?? Guid.Empty, Start = p.StartedAt.UtcDateTime, Events = p.Events, Errored = p.Errored,
                ScenesOpened = p.ScenesOpened, ScenesCompleted = p.ScenesCompleted, MindblockSignals = p.MindblockSignals, LastSceneOrder = p.LastSceneOrder,
                ResistanceSum = p.ResistanceSum, ResistanceCount = p.ResistanceCount, IntensitySum = p.IntensitySum, IntensityCount = p.IntensityCount,
                End = p.LastEventAt.UtcDateTime,
            });
        }

        pieces.Attach([.. SignalFacts.Where(s => s.CreatedAt >= from && s.CreatedAt < to).OrderBy(s => s.CreatedAt).ThenBy(s => s.EventId).Select(s => (s.SessionId, s.MindblockId, s.Intensity))]);
        // The engine creates each profile at its signup (the pool's available_at).
        var users = Users.ToDictionary(u => u.Key, u => new UserFact(u.Value.SignupAt, u.Value.Timezone, Personas.GetValueOrDefault(u.Key), u.Value.SignupAt));
        var sessions = pieces.Of(users);
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
        // The window's latest scenes opened, as RealismStore samples them (held for windows ending at the run's end).
        var sceneSteps = SceneSteps.Values
            .Where(x => x.Opened >= from && x.Opened < to)
            .OrderByDescending(x => x.Opened)
            .Take(RealismFigures.SceneTimingSample)
            .Where(x => x.Steps.Count >= RealismFigures.SceneTimingMinSteps)
            .Select(x => (IReadOnlyList<DateTimeOffset>)[.. x.Steps.Order()])
            .ToList();

        // Every playable journey each user has enrolled in before the end, as RealismStore counts them.
        var playable = _catalog.PlayableAt(to).Select(j => j.Id).ToHashSet();
        var reach = Instances.Values.Where(i => i.StartedAt < to && playable.Contains(i.JourneyId))
            .GroupBy(i => i.UserId).ToDictionary(g => g.Key, g => g.Select(i => i.JourneyId).Distinct().Count());
        return new RealismFacts(from, to, sessions, users, enrolments, counts) { SceneSteps = sceneSteps, PlayableJourneys = playable.Count, JourneysEnrolled = reach, Outcomes = Outcomes(from, to), Words = Words(from, to) };
    }

    /// <summary>The word facts as RealismStore reads them: every capture of the window through the same tally, the triggers counted.</summary>
    private WordFacts Words(DateTimeOffset from, DateTimeOffset to)
    {
        var tally = new CaptureTally(Seams.LabelsOf(_catalog));
        foreach (var (at, user, text) in Captures)
        {
            if (at >= from && at < to)
            {
                tally.Add(user, text);
            }
        }

        var triggers = Triggers.Where(t => t.At >= from && t.At < to).ToList();
        return tally.Facts(triggers.Count, triggers.Select(t => t.Description).Distinct().Count());
    }

    /// <summary>The outcome facts as RealismStore's SQL aggregates them: per user who signed up in the window, and per persona and choice.</summary>
    private OutcomeFacts Outcomes(DateTimeOffset from, DateTimeOffset to)
    {
        var checkedUsers = ResistanceChecks
            .Where(c => c.At >= from && c.At < to && Users.TryGetValue(c.User, out var u) && u.SignupAt >= from && u.SignupAt < to)
            .GroupBy(c => c.User)
            .Select(g =>
            {
                var levels = g.OrderBy(c => c.At).Select(c => (double)c.Level).ToList();
                return new CheckedUserFact(
                    g.Key, Personas.GetValueOrDefault(g.Key), Users[g.Key].SignupAt, levels.Count, (int)levels[0],
                    levels.Take(RealismFigures.OutcomeChecks).Average(), levels.TakeLast(RealismFigures.OutcomeChecks).Average());
            })
            .ToList();
        List<PersonaChoice> Choices(IEnumerable<(Guid User, DateTimeOffset At, string Value)> rows) =>
        [
            .. rows.Where(r => r.At >= from && r.At < to && Personas.ContainsKey(r.User))
                .GroupBy(r => (Persona: Personas[r.User], r.Value))
                .Select(g => new PersonaChoice(g.Key.Persona, g.Key.Value, g.Count())),
        ];
        return new OutcomeFacts(checkedUsers, Choices(Strategies), Choices(SignalKinds));
    }

    private void Add(BackfillChunk chunk, Dictionary<Guid, int> sceneIndex, HashSet<Guid> seen)
    {
        var batch = chunk.Batch;
        foreach (var user in chunk.NewUsers)
        {
            Users[user.ProfileId] = (user.SignupAt, user.Timezone);
            Personas[user.ProfileId] = user.Persona;
        }

        foreach (var state in chunk.Adopted)
        {
            Users[state.ProfileId] = (state.SignupAt, state.Timezone);
            Personas[state.ProfileId] = state.Traits.Persona;
        }

        // Sessions as the realism check groups the rows; a session the last chunk finishes counts once, from its start.
        var record = RealismRecord.Of(batch, _catalog, chunk.SessionsContinued);
        foreach (var piece in record.Pieces)
        {
            if (seen.Add(piece.SessionId))
            {
                Sessions.Add((piece.UserId, piece.StartedAt));
            }
        }

        Pieces.AddRange(record.Pieces);
        SignalFacts.AddRange(record.Signals);

        Captures.AddRange(batch.Captures.Select(c => (c.CreatedAt, c.UserId, c.Response)));
        Triggers.AddRange(batch.RealWorldTriggers.Select(t => (t.CreatedAt, t.Description)));

        foreach (var e in batch.Events)
        {
            if (e.InstanceSceneId is { } scene && e.EventType is EventTypes.SceneOpened or EventTypes.CaptureSubmitted or EventTypes.ResistanceCheckCompleted)
            {
                var (opened, steps) = SceneSteps.TryGetValue(scene, out var held) ? held : (DateTimeOffset.MinValue, []);
                steps.Add(e.CreatedAt);
                SceneSteps[scene] = (e.EventType == EventTypes.SceneOpened ? e.CreatedAt : opened, steps);
            }

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
            Strategies.Add((check.UserId, check.CreatedAt, check.Strategy));
        }

        foreach (var signal in batch.MindblockEvents)
        {
            Signals.Add((signal.UserId, signal.CreatedAt, signal.Intensity));
            SignalKinds.Add((signal.UserId, signal.CreatedAt, signal.Signal));
        }

        // A journey begun before the window and never continued in it has no row to abandon.
        foreach (var id in chunk.IdleAbandoned.Where(Instances.ContainsKey))
        {
            Instances[id] = Instances[id] with { Status = InstanceStatus.Abandoned };
        }

        // Only the latest scenes are kept: the oldest go once twice the sample's worth are held.
        if (SceneSteps.Count > 4 * RealismFigures.SceneTimingSample)
        {
            var oldest = SceneSteps.OrderByDescending(x => x.Value.Opened).Skip(2 * RealismFigures.SceneTimingSample).Select(x => x.Key).ToList();
            foreach (var id in oldest)
            {
                SceneSteps.Remove(id);
            }
        }

        Events += batch.Events.Count;
        SessionsStarted += chunk.SessionsStarted;
        IdleAbandoned += chunk.IdleAbandoned.Count;
    }
}
