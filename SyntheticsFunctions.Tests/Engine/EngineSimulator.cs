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

    public RunOutput Tick(DateTimeOffset now, RunTrigger trigger = RunTrigger.Cron, int target = 0)
    {
        var free = _pool.Where(u => !_sessions.ContainsKey(u.Id)).ToList();
        var limit = trigger == RunTrigger.Cron ? _settings.MaxPerRun : target;

        // The claim storage makes: free users in the order of their next planned session (the
        // population model's state, which the engine keeps), those without state due now.
        var candidates = free
            .OrderBy(u => _states.TryGetValue(u.Id, out var s) ? s.NextSessionAt ?? DateTimeOffset.MaxValue : now)
            .ThenBy(u => u.Id)
            .Take(limit)
            .Select(u => new CandidateUser(u.Id, u.Timezone, _active.GetValueOrDefault(u.Id), _ends.TryGetValue(u.Id, out var end) ? end : null, _states.GetValueOrDefault(u.Id), DateTimeOffset.UnixEpoch))
            .ToList();
        var pool = _pool.GroupBy(u => u.Timezone).Select(g => new TimezoneCount(g.Key, g.Count())).ToList();
        var input = new RunInput(
            trigger, Uuid7.Create(now, _random), _random.NextInt64(), now, _lastCron, _carry, _settings, _catalog,
            trigger == RunTrigger.Cron ? [.. _sessions.Values] : [], candidates, pool, target);

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

    private void Apply(RunOutput output)
    {
        foreach (var instance in output.Batch.Instances)
        {
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
