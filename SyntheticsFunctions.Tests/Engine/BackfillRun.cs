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
        EngineSettings settings, DateTimeOffset start, double days, long seed, int? poolCap = null, Catalog? catalog = null, Installation? installation = null)
    {
        catalog ??= DefaultCatalog.Catalog;
        var end = start.AddDays(days);
        var spec = new BackfillSpec(seed, start, end, settings, poolCap ?? DefaultPoolCap, 0, Installation: installation ?? new Installation(seed, start));
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
        foreach (var piece in RealismRecord.Of(batch, _catalog, chunk.SessionsContinued).Pieces)
        {
            if (seen.Add(piece.SessionId))
            {
                Sessions.Add((piece.UserId, piece.StartedAt));
            }
        }

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

        foreach (var id in chunk.IdleAbandoned)
        {
            Instances[id] = Instances[id] with { Status = InstanceStatus.Abandoned };
        }

        Events += batch.Events.Count;
        SessionsStarted += chunk.SessionsStarted;
        IdleAbandoned += chunk.IdleAbandoned.Count;
    }
}
