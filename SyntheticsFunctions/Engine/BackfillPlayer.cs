namespace SyntheticsFunctions.Engine;

/// <summary>
/// What a backfill is a function of, fixed when the job is created: its seed, the simulated
/// window (<paramref name="Start"/>, <paramref name="End"/>], the settings then, the pool's cap and
/// how many sim users were already there (they count towards the cap, as in a cron tick). On a
/// pool the engine cannot grow, <paramref name="Members"/> are the members it plays (those with
/// no history yet): the steady state's past goes to some, the rest sign up during the window.
/// </summary>
public sealed record BackfillSpec(
    long Seed, DateTimeOffset Start, DateTimeOffset End, EngineSettings Settings, int PoolCap, int ExistingUsers, IReadOnlyList<PoolMember>? Members = null);

/// <summary>One simulated hour of a chunk, as the run journal records it (trigger <c>backfill</c>).</summary>
public sealed record BackfillHour(
    Guid RunId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, int SessionsRequested, int SessionsStarted, int CarryOver,
    IReadOnlyDictionary<string, int> Rows);

/// <summary>
/// What one chunk of a backfill writes: its rows, the people who joined (the steady-state
/// population in the first chunk, signups after), the users' latest state, one journal row per
/// simulated hour and, in the last chunk, the sessions still in progress and the cron journal row's
/// window, where the next live tick continues.
/// </summary>
public sealed class BackfillChunk(DateTimeOffset from, DateTimeOffset to, bool final)
{
    public DateTimeOffset From { get; } = from;

    public DateTimeOffset To { get; } = to;

    public bool Final { get; } = final;

    public ActivityBatch Batch { get; } = new();

    public List<NewUser> NewUsers { get; } = [];

    /// <summary>On a pool the engine cannot grow: members given a past in the first chunk (their time zone and persona become the state's).</summary>
    public List<UserState> Adopted { get; } = [];

    /// <summary>On a pool the engine cannot grow: members whose life ended and was retired, their state dropped (before the chunk's states are written).</summary>
    public List<Guid> Recycled { get; } = [];

    public List<UserStateRow> UserStates { get; } = [];

    public List<BackfillHour> Hours { get; } = [];

    /// <summary>Last chunk only: sessions whose rows run past the present, written until <see cref="To"/>.</summary>
    public List<SessionState> SessionsInProgress { get; } = [];

    /// <summary>Last chunk only: the cron journal row (window start, carry over) ending at <see cref="To"/>.</summary>
    public (Guid RunId, DateTimeOffset WindowStart, int CarryOver)? CronRow { get; set; }

    /// <summary>Churned users whose last session is older than this retire (retain_days before the chunk's end).</summary>
    public DateTimeOffset RetireBefore { get; init; }

    /// <summary>Instances idle since before this are abandoned (idle_abandon_days before the chunk's end).</summary>
    public DateTimeOffset IdleCutoff { get; init; }

    public int SessionsStarted => Hours.Sum(h => h.SessionsStarted);
}

/// <summary>
/// Plays the live engine back in time, on a simulated clock, without I/O: from a steady-state
/// population as of the window's start (as a fresh install creates it), one simulated cron tick
/// per minute draws its sessions (<see cref="RunPlanner.DrawSessions"/>), claims free users in the
/// order of their next planned session, lets <see cref="RunPlanner.Choose"/> pick who starts and
/// who signs up, and starts each session with <see cref="RunPlanner.Start"/>: the same code as a
/// cron tick. Each session is planned once, whole; its rows are written by the chunk that starts
/// it, up to the present, and a session running past the present is handed to the live engine.
/// <para>
/// Chunks end on whole hours and the simulation never depends on where they end, so the same
/// spec gives the same rows however the window is cut, and a player rebuilt after a crash replays
/// to the cursor (<see cref="Play"/> with the output dropped) to the same state, exactly.
/// </para>
/// </summary>
public sealed class BackfillPlayer
{
    /// <summary>How many simulated hours one chunk covers at most.</summary>
    public const int ChunkHours = 6;

    private readonly BackfillSpec _spec;
    private readonly Catalog _catalog;
    private readonly IReadOnlyList<JourneyDefinition> _playable;
    private readonly Random _random;
    private readonly Dictionary<Guid, SimUser> _users = [];
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _free = new();
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _busy = new();
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _churned = new();
    private readonly Dictionary<string, long> _zones = [];
    private readonly List<(SessionState Session, SessionPlan Plan)> _pending = [];
    private readonly Dictionary<Guid, string> _focusOf;
    private List<TimezoneCount> _pool = [];
    private List<UserState>? _initial;
    private readonly List<PoolMember>? _unsigned;
    private readonly List<Guid> _recycled = [];
    private int _carry;
    private int _alive;

    public BackfillPlayer(BackfillSpec spec, Catalog catalog)
    {
        _spec = spec;
        _catalog = catalog;
        _playable = catalog.Playable;
        _focusOf = catalog.Mindblocks.ToDictionary(m => m.Id, m => m.ClinicalFocus);
        _random = new Random(SessionPlanner.SeedOf(spec.Seed));
        Cursor = spec.Start;

        // The population a fresh install would have at the window's start: tenures, lifecycles and
        // next sessions spread as if the model had run for a year, capped as the pool is.
        var warmUp = new Random(SessionPlanner.SeedOf(spec.Seed ^ 0x5EED_0F_B4CC));
        List<UserState> alive;
        if (spec.Members is { } members)
        {
            alive = [.. PopulationPlayer.SteadyStateOn(members, spec.Start, spec.Settings.SessionsPerMin, spec.Settings.RetainDays, warmUp)];
            var given = alive.Select(u => u.ProfileId).ToHashSet();
            _unsigned = [.. members.Where(m => !given.Contains(m.ProfileId)).OrderBy(m => m.AvailableAt ?? DateTimeOffset.MinValue).ThenBy(m => m.ProfileId)];
        }
        else
        {
            var player = new PopulationPlayer(Math.Max(spec.Settings.SessionsPerMin, 0.1), warmUp);
            player.WarmUp(spec.Start, TimeSpan.FromMinutes(10));
            alive = [.. player.Alive()];
            var room = Math.Max(0, spec.PoolCap - spec.ExistingUsers);
            if (alive.Count > room)
            {
                alive = [.. alive.OrderBy(_ => warmUp.Next()).Take(room).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId)];
            }
        }

        _initial = alive;
        foreach (var state in alive)
        {
            Free(Join(state));
        }

        RebuildPool();
    }

    /// <summary>Simulated time played up to: the end of the last chunk.</summary>
    public DateTimeOffset Cursor { get; private set; }

    /// <summary>Whether the chunk after <see cref="Cursor"/> reaches the window's end (and so catches up to the present).</summary>
    public bool NextIsFinal => NextChunkEnd() >= _spec.End;

    /// <summary>Where the next (not final) chunk ends: the whole hour <see cref="ChunkHours"/> after the cursor's hour.</summary>
    public DateTimeOffset NextChunkEnd() => FloorHour(Cursor).AddHours(ChunkHours);

    /// <summary>
    /// Plays the next chunk. Not final: up to <see cref="NextChunkEnd"/>, rows written up to the
    /// window's end. Final: up to <paramref name="present"/> (at least the window's end), which
    /// is where the live engine continues.
    /// </summary>
    public BackfillChunk Play(DateTimeOffset present)
    {
        var final = NextIsFinal;
        var to = final ? Microseconds.Truncate(present > _spec.End ? present : _spec.End) : NextChunkEnd();
        var horizon = final ? to : _spec.End;
        var chunk = new BackfillChunk(Cursor, to, final)
        {
            RetireBefore = to.AddDays(-_spec.Settings.RetainDays),
            IdleCutoff = to.AddDays(-_spec.Settings.IdleAbandonDays),
        };
        var collector = new BatchCollector(chunk.Batch);
        var touched = new HashSet<Guid>();

        if (_initial is not null)
        {
            if (_unsigned is null)
            {
                chunk.NewUsers.AddRange(_initial.Select(u => new NewUser(u.ProfileId, u.Traits.Persona, u.Timezone, u.SignupAt)));
            }
            else
            {
                chunk.Adopted.AddRange(_initial);
            }

            touched.UnionWith(_initial.Select(u => u.ProfileId));
            _initial = null;
        }

        if (final)
        {
            // Sessions that ran past the window's end: their rows up to the present now.
            foreach (var (session, plan) in _pending)
            {
                collector.AddDue(plan, _spec.End, to);
                if (plan.EndsAt > to)
                {
                    chunk.SessionsInProgress.Add(session with { WrittenUntil = to, EndsAt = plan.EndsAt });
                }
            }

            _pending.Clear();
        }

        var hourStart = Cursor;
        var requested = 0;
        var started = 0;
        var rowsBefore = chunk.Batch.RowsPerTable();
        var tickStart = Cursor;
        while (tickStart < to)
        {
            var tickEnd = CeilMinute(tickStart);
            if (tickEnd > to)
            {
                tickEnd = to;
            }

            var (r, s) = Tick(tickStart, tickEnd, horizon, collector, touched, chunk, final);
            requested += r;
            started += s;

            if (tickEnd == CeilHour(tickEnd) || tickEnd == to)
            {
                var rows = chunk.Batch.RowsPerTable();
                chunk.Hours.Add(new BackfillHour(
                    RunIdFor(FloorHour(hourStart)), hourStart, tickEnd, requested, started, _carry,
                    rows.ToDictionary(kv => kv.Key, kv => kv.Value - rowsBefore[kv.Key])));
                rowsBefore = rows;
                hourStart = tickEnd;
                requested = 0;
                started = 0;
            }

            if (final && tickEnd == to)
            {
                chunk.CronRow = (Uuid7.Create(to, new Random(SessionPlanner.SeedOf(_spec.Seed ^ to.UtcTicks ^ 0x0C20))), tickStart, _carry);
            }

            tickStart = tickEnd;
        }

        chunk.Recycled.AddRange(_recycled);
        _recycled.Clear();
        foreach (var id in touched)
        {
            var user = _users[id];
            chunk.UserStates.Add(new UserStateRow(user.State, user.LastEndsAt));
        }

        Cursor = to;
        return chunk;
    }

    /// <summary>The id of the journal row (and the rows' <c>run_id</c> tag) of the simulated hour starting at <paramref name="hourStart"/>.</summary>
    private Guid RunIdFor(DateTimeOffset hourStart) =>
        Uuid7.Create(hourStart, new Random(SessionPlanner.SeedOf(_spec.Seed ^ hourStart.UtcTicks)));

    /// <summary>One simulated cron tick over (<paramref name="windowStart"/>, <paramref name="now"/>].</summary>
    private (int Requested, int Started) Tick(
        DateTimeOffset windowStart, DateTimeOffset now, DateTimeOffset horizon, BatchCollector collector, HashSet<Guid> touched, BackfillChunk chunk, bool final)
    {
        var settings = _spec.Settings;
        var retired = RetireChurned(now.AddDays(-settings.RetainDays));
        if (retired)
        {
            RebuildPool();
        }

        var (requested, capped, carry) = RunPlanner.DrawSessions(settings, _pool, windowStart, now, _carry, _random);
        _carry = carry;
        if (_playable.Count == 0)
        {
            ReleaseEnded(now);
            return (requested, 0);
        }

        // The claim: free users in the order of their next planned session, as many as may start.
        var claimed = new List<(CandidateUser User, UserState State)>();
        while (claimed.Count < settings.MaxPerRun && _free.TryDequeue(out var id, out var key))
        {
            var user = _users[id];

            // An entry left by a life that was retired (its member signed up again since) is stale.
            if (!user.Retired && user.Queued && key.Item1 == (user.State.NextSessionAt ?? DateTimeOffset.MaxValue))
            {
                user.Queued = false;
                claimed.Add((user.Candidate(_focusOf), user.State));
            }
        }

        var joining = new HashSet<Guid>();
        var signUpsAllowed = _unsigned is null ? Math.Max(0, _spec.PoolCap - _spec.ExistingUsers - _alive) : 0;
        var unsigned = _unsigned?.Where(m => m.AvailableAt is not { } at || at < now).Take(settings.MaxPerRun)
            .Select(m => new CandidateUser(m.ProfileId, m.Timezone, null, AvailableAt: m.AvailableAt, Persona: m.Persona)).ToList();
        var chosen = RunPlanner.Choose(claimed, now, windowStart, capped, signUpsAllowed, joining, _random, unsigned, bringForward: _unsigned is null);
        var chosenIds = chosen.Select(c => c.User.ProfileId).ToHashSet();
        foreach (var (user, state) in claimed)
        {
            if (!chosenIds.Contains(user.ProfileId))
            {
                Free(_users[user.ProfileId]);
            }
        }

        var input = new RunInput(
            RunTrigger.Cron, RunIdFor(FloorHour(windowStart)), _spec.Seed, now, null, 0, settings, _catalog, [], [], _pool, 0);
        var idleCutoff = now.AddDays(-settings.IdleAbandonDays);
        var joined = false;
        foreach (var (candidate, state) in chosen)
        {
            var signsUp = joining.Contains(candidate.ProfileId);
            var started = RunPlanner.Start(input, candidate, state, signsUp, _playable, windowStart, idleCutoff, _random);
            if (started.SignUp is { } signUp)
            {
                chunk.NewUsers.Add(signUp);
                Join(started.UserState.State);
                joined = true;
            }

            if (!_users.TryGetValue(candidate.ProfileId, out var user) || user.Retired)
            {
                // A member signing up (for the first time, or again after a retired life):
                // out of the unsigned, into the pool's people as someone new.
                _unsigned!.RemoveAll(m => m.ProfileId == candidate.ProfileId);
                user = Join(started.UserState.State);
                joined = true;
            }

            user.State = started.UserState.State;
            user.LastEndsAt = started.Plan.EndsAt;
            user.Follow(started.Plan);
            touched.Add(user.Id);
            _busy.Enqueue(user.Id, (started.Plan.EndsAt, user.Id));

            collector.AddDue(started.Plan, DateTimeOffset.MinValue, horizon);
            if (started.Plan.EndsAt > horizon)
            {
                if (final)
                {
                    chunk.SessionsInProgress.Add(started.Session with { WrittenUntil = horizon, EndsAt = started.Plan.EndsAt });
                }
                else
                {
                    _pending.Add((started.Session, started.Plan));
                }
            }
        }

        if (joined)
        {
            RebuildPool();
        }

        // As in the live engine, a session that ended during this tick frees its user for the next.
        ReleaseEnded(now);
        return (requested, chosen.Count);
    }

    private void ReleaseEnded(DateTimeOffset now)
    {
        while (_busy.TryPeek(out var id, out var key) && key.Item1 <= now)
        {
            _busy.Dequeue();
            Free(_users[id]);
        }
    }

    private void Free(SimUser user)
    {
        if (user.State.Lifecycle == Lifecycle.Churned)
        {
            _churned.Enqueue(user.Id, (user.State.LastSessionAt ?? user.State.SignupAt, user.Id));
        }

        user.Queued = true;
        _free.Enqueue(user.Id, (user.State.NextSessionAt ?? DateTimeOffset.MaxValue, user.Id));
    }

    /// <summary>Churned users retire <c>retain_days</c> after their last session, as the cron's update retires them.</summary>
    private bool RetireChurned(DateTimeOffset before)
    {
        var any = false;
        while (_churned.TryPeek(out var id, out var key) && key.Item1 < before)
        {
            _churned.Dequeue();
            var user = _users[id];
            if (user.Retired)
            {
                continue;
            }

            if (!user.Retired && user.State.Lifecycle == Lifecycle.Churned && user.State.LastSessionAt is { } last && last < before)
            {
                user.Retired = true;
                _alive--;
                _zones[user.Timezone]--;
                any = true;
                if (_unsigned is not null)
                {
                    // On a pool the engine cannot grow, their place is the pool's: they may sign up again.
                    _unsigned.Add(new PoolMember(user.Id, user.State.Traits.Persona, user.Timezone, null));
                    _recycled.Add(user.Id);
                }
            }
        }

        return any;
    }

    /// <summary>Someone new in the pool: the warm-up's people (then freed to be claimed) or a signup (in session at once).</summary>
    private SimUser Join(UserState state)
    {
        var user = new SimUser(state);
        _users[state.ProfileId] = user;
        _alive++;
        _zones[state.Timezone] = _zones.GetValueOrDefault(state.Timezone) + 1;
        return user;
    }

    private void RebuildPool() =>
        _pool = [.. _zones.Where(z => z.Value > 0).OrderBy(z => z.Key, StringComparer.Ordinal).Select(z => new TimezoneCount(z.Key, z.Value))];

    private static DateTimeOffset FloorHour(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private static DateTimeOffset CeilMinute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute) + TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static DateTimeOffset CeilHour(DateTimeOffset t) =>
        t.UtcTicks % TimeSpan.TicksPerHour == 0 ? t : FloorHour(t).AddHours(1);

    /// <summary>One sim user as the storage would show them to a claim: state, active journey, completed journeys, mindblocks.</summary>
    private sealed class SimUser(UserState state)
    {
        private readonly List<Guid> _completed = [];
        private readonly List<Guid> _enrolled = [];
        private readonly Dictionary<Guid, string> _mindblocks = [];

        public Guid Id { get; } = state.ProfileId;

        public string Timezone { get; } = state.Timezone;

        public UserState State { get; set; } = state;

        public DateTimeOffset? LastEndsAt { get; set; }

        public bool Retired { get; set; }

        /// <summary>Waiting in the free queue (an entry of theirs there is not stale).</summary>
        public bool Queued { get; set; }

        private ActiveInstance? Instance { get; set; }

        private ActiveInstance? LastCompleted { get; set; }

        public CandidateUser Candidate(Dictionary<Guid, string> focusOf) => new(
            Id, Timezone, Instance, LastEndsAt, State, null, [.. _completed],
            [.. _mindblocks.Where(m => m.Value != "easing" && focusOf.ContainsKey(m.Key)).Select(m => focusOf[m.Key]).Distinct().Order(StringComparer.Ordinal)],
            [.. _enrolled], LastCompleted);

        /// <summary>What the session leaves behind: the journey instance's last state, completions and mindblock statuses.</summary>
        public void Follow(SessionPlan plan)
        {
            InstanceRow? last = null;
            foreach (var (_, row) in plan.Rows)
            {
                switch (row)
                {
                    case InstanceRow instance:
                        last = instance;
                        break;
                    case MindblockStatusRow status:
                        _mindblocks[status.MindblockId] = status.Status;
                        break;
                }
            }

            if (last is null)
            {
                return;
            }

            if (!_enrolled.Contains(last.JourneyId))
            {
                _enrolled.Add(last.JourneyId);
            }

            if (last.Status == InstanceStatus.Completed)
            {
                _completed.Add(last.JourneyId);
                LastCompleted = new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt);
            }

            Instance = last.Status == InstanceStatus.Active
                ? new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt)
                : null;
        }
    }
}
