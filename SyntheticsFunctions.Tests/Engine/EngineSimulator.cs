using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Tests.Engine;

/// <summary>
/// Plays cron ticks against an in-memory pool, doing what storage does between runs (keeping
/// sessions and instances), so engine behaviour over days can be measured without a database.
/// </summary>
internal sealed class EngineSimulator
{
    private static readonly string[] Timezones =
    [
        "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin",
        "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
    ];

    private readonly Random _random;
    private readonly EngineSettings _settings;
    private readonly Catalog _catalog;
    private readonly List<(Guid Id, string Timezone)> _pool;
    private readonly Dictionary<Guid, ActiveInstance> _active = [];
    private readonly Dictionary<Guid, SessionState> _sessions = [];
    private readonly Dictionary<Guid, UserState> _states = [];
    private readonly Dictionary<Guid, DateTimeOffset> _ends = [];
    private readonly Dictionary<Guid, HashSet<Guid>> _completed = [];
    private readonly Dictionary<Guid, HashSet<Guid>> _enrolled = [];
    private readonly Dictionary<Guid, ActiveInstance> _lastCompleted = [];
    private readonly Dictionary<Guid, Dictionary<Guid, string>> _mindblocks = [];
    private DateTimeOffset? _lastCron;
    private int _carry;

    /// <summary>A pool of <c>poolSize</c> users, given <c>timezones</c> in turn (by default eight spread around the world).</summary>
    public EngineSimulator(EngineSettings settings, int seed, int poolSize = 200, Catalog? catalog = null, IReadOnlyList<string>? timezones = null)
    {
        _random = new Random(seed);
        _settings = settings;
        _catalog = catalog ?? DefaultCatalog.Catalog;
        timezones ??= Timezones;
        _pool = [.. Enumerable.Range(0, poolSize).Select(i => (Uuid7.Create(DateTimeOffset.UnixEpoch, _random), timezones[i % timezones.Count]))];
    }

    public long Events { get; private set; }

    public long SessionsStarted { get; private set; }

    public long SessionsRequested { get; private set; }

    public List<RunOutput> Outputs { get; } = [];

    public bool KeepOutputs { get; init; }

    /// <summary>
    /// People join as the population model says (the pool grows by the run's signups, up to
    /// <see cref="MaxUsers"/>), and the simulator keeps what storage reads back for the next
    /// journey: the journeys each user completed and the clinical focus of their mindblocks.
    /// </summary>
    public bool SignUps { get; init; }

    public int MaxUsers { get; init; } = 100_000;

    /// <summary>Every journey instance, by id, in its latest state.</summary>
    public Dictionary<Guid, InstanceRow> Instances { get; } = [];

    /// <summary>The furthest scene (0-based index in its journey) each instance opened.</summary>
    public Dictionary<Guid, int> FurthestScene { get; } = [];

    /// <summary>Instances the idle rule abandoned (storage's update, done here between runs).</summary>
    public int IdleAbandoned { get; private set; }

    /// <summary>Starts from a population: users with their model state, as a fresh install creates them.</summary>
    public void Enlist(IEnumerable<UserState> users)
    {
        foreach (var user in users)
        {
            _pool.Add((user.ProfileId, user.Timezone));
            _states[user.ProfileId] = user;
        }
    }

    public RunOutput Tick(DateTimeOffset now, RunTrigger trigger = RunTrigger.Cron, int target = 0)
    {
        AbandonIdle(now.AddDays(-_settings.IdleAbandonDays));
        var free = _pool.Where(u => !_sessions.ContainsKey(u.Id)).ToList();
        var limit = trigger == RunTrigger.Cron ? _settings.MaxPerRun : target;

        // The claim storage makes: free users in the order of their next planned session (the
        // population model's state, which the engine keeps), those without state due now.
        var candidates = free
            .OrderBy(u => _states.TryGetValue(u.Id, out var s) ? s.NextSessionAt ?? DateTimeOffset.MaxValue : now)
            .ThenBy(u => u.Id)
            .Take(limit)
            .Select(u => new CandidateUser(
                u.Id, u.Timezone, _active.GetValueOrDefault(u.Id), _ends.TryGetValue(u.Id, out var end) ? end : null, _states.GetValueOrDefault(u.Id), DateTimeOffset.UnixEpoch,
                _completed.TryGetValue(u.Id, out var done) ? [.. done] : null, Focus(u.Id),
                _enrolled.TryGetValue(u.Id, out var enrolled) ? [.. enrolled] : null, _lastCompleted.GetValueOrDefault(u.Id)))
            .ToList();
        var pool = _pool.GroupBy(u => u.Timezone).Select(g => new TimezoneCount(g.Key, g.Count())).ToList();
        var input = new RunInput(
            trigger, Uuid7.Create(now, _random), _random.NextInt64(), now, _lastCron, _carry, _settings, _catalog,
            trigger == RunTrigger.Cron ? [.. _sessions.Values] : [], candidates, pool, target,
            SignUps ? Math.Max(0, MaxUsers - _pool.Count) : 0);

        var output = RunPlanner.Plan(input);

        Apply(output);
        if (trigger == RunTrigger.Cron)
        {
            _lastCron = now;
            _carry = output.CarryOver;
        }

        SessionsStarted += output.SessionsStarted;
        SessionsRequested += output.SessionsRequested;
        Events += output.Batch.Events.Count;
        if (KeepOutputs)
        {
            Outputs.Add(output);
        }

        return output;
    }

    private IReadOnlyList<string>? Focus(Guid user) =>
        _mindblocks.TryGetValue(user, out var statuses)
            ? [.. statuses.Where(m => m.Value != "easing").Select(m => _catalog.Mindblocks.First(b => b.Id == m.Key).ClinicalFocus).Distinct()]
            : null;

    private void AbandonIdle(DateTimeOffset cutoff)
    {
        foreach (var (user, instance) in _active.Where(a => a.Value.LastActivityAt < cutoff && !_sessions.ContainsKey(a.Key)).ToList())
        {
            _active.Remove(user);
            Instances[instance.Id] = Instances[instance.Id] with { Status = InstanceStatus.Abandoned };
            IdleAbandoned++;
        }
    }

    private void Apply(RunOutput output)
    {
        foreach (var user in output.SignUps)
        {
            _pool.Add((user.ProfileId, user.Timezone));
        }

        foreach (var scene in output.Batch.InstanceScenes)
        {
            var instance = output.Batch.Instances.FirstOrDefault(i => i.Id == scene.InstanceId) ?? Instances[scene.InstanceId];
            var index = _catalog.FindJourney(instance.JourneyId)!.Scenes.ToList().FindIndex(s => s.Id == scene.SceneId);
            FurthestScene[scene.InstanceId] = Math.Max(FurthestScene.GetValueOrDefault(scene.InstanceId, -1), index);
        }

        foreach (var status in output.Batch.MindblockStatuses)
        {
            (_mindblocks.TryGetValue(status.UserId, out var m) ? m : _mindblocks[status.UserId] = [])[status.MindblockId] = status.Status;
        }

        foreach (var instance in output.Batch.Instances)
        {
            Instances[instance.Id] = instance;
            (_enrolled.TryGetValue(instance.UserId, out var e) ? e : _enrolled[instance.UserId] = []).Add(instance.JourneyId);
            if (instance.Status == InstanceStatus.Completed)
            {
                (_completed.TryGetValue(instance.UserId, out var c) ? c : _completed[instance.UserId] = []).Add(instance.JourneyId);
                _lastCompleted[instance.UserId] = new ActiveInstance(instance.Id, instance.JourneyId, instance.CurrentSceneOrder, instance.StartedAt, instance.LastActivityAt);
            }

            if (instance.Status == InstanceStatus.Active)
            {
                _active[instance.UserId] = new ActiveInstance(instance.Id, instance.JourneyId, instance.CurrentSceneOrder, instance.StartedAt, instance.LastActivityAt);
            }
            else
            {
                _active.Remove(instance.UserId);
            }
        }

        foreach (var row in output.UserStates)
        {
            _states[row.State.ProfileId] = row.State;
            if (row.LastSessionEndsAt is { } end)
            {
                _ends[row.State.ProfileId] = end;
            }
        }

        foreach (var ended in output.SessionsEnded)
        {
            _sessions.Remove(ended);
        }

        foreach (var kept in output.SessionsToKeep)
        {
            _sessions[kept.ProfileId] = kept;
        }
    }
}
