namespace SyntheticsFunctions.Engine;

/// <summary>
/// What a backfill is a function of, fixed when the job is created: its seed, the simulated
/// window (<paramref name="Start"/>, <paramref name="End"/>], the settings then, the pool's cap and
/// how many sim users were already there (they count towards the cap, as in a cron tick). On a
/// pool the engine cannot grow, <paramref name="Members"/> are the members it plays (those with
/// no history yet): the steady state's past goes to some, the rest sign up during the window.
/// <paramref name="PreRollDays"/>: how many days are played before the window, writing nothing
/// (<see cref="BackfillPlayer.PreRollDays"/>; 0 starts from the steady state itself, as a fresh install's first ticks do).
/// <paramref name="Installation"/> gives the days their volume (its seed, history start); null is
/// <see cref="Engine.Installation.Unknown"/>. <paramref name="Region"/>: where new people live (the
/// steady state's and the signups'), null is <see cref="RegionMix.Global"/>.
/// </summary>
public sealed record BackfillSpec(
    long Seed, DateTimeOffset Start, DateTimeOffset End, EngineSettings Settings, int PoolCap, int ExistingUsers, IReadOnlyList<PoolMember>? Members = null,
    int PreRollDays = BackfillPlayer.PreRollDays, Installation? Installation = null, RegionMix? Region = null);

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

    /// <summary>Journey instances idle since before <see cref="IdleCutoff"/>, which storage abandons after writing the chunk.</summary>
    public List<Guid> IdleAbandoned { get; } = [];

    public List<BackfillHour> Hours { get; } = [];

    /// <summary>Last chunk only: sessions whose rows run past the present, written until <see cref="To"/>.</summary>
    public List<SessionState> SessionsInProgress { get; } = [];

    /// <summary>Last chunk only: sessions begun in an earlier chunk whose later rows this chunk writes (their start is their own, not this chunk's first row).</summary>
    public List<SessionState> SessionsContinued { get; } = [];

    /// <summary>Last chunk only: the cron journal row (window start, carry over) ending at <see cref="To"/>.</summary>
    public (Guid RunId, DateTimeOffset WindowStart, int CarryOver)? CronRow { get; set; }

    /// <summary>Churned users whose last session is older than this retire (<see cref="PopulationModel.RetireBefore"/> at the chunk's end).</summary>
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
    private readonly Random _random;
    private readonly PoolWorld _world;
    private readonly List<(SessionState Session, SessionPlan Plan)> _pending = [];
    private readonly List<Guid> _recycled = [];

    // What the pre-roll leaves in rows that hold state: the journeys begun, completed or abandoned
    // before the window and the mindblock statuses, dated then; the first chunk writes them.
    private ActivityBatch? _preRollState;
    private List<UserState>? _initial;
    private int _carry;

    /// <summary>
    /// How many days before its window a backfill starts playing, writing nothing: the people at
    /// the window's start are mid-story (journeys under way, taking days, completed before), so
    /// the history the window writes starts as a live history would, not with everyone enrolling
    /// on its first day. Sessions after this pre-roll continue those journeys; no row is written
    /// for anything before the window.
    /// </summary>
    public const int PreRollDays = 21;

    /// <param name="spec">What the job's rows are a function of.</param>
    /// <param name="catalog">The journeys, scenes and mindblocks.</param>
    /// <param name="stateOnlyPreRoll">
    /// Whether the pre-roll plans its sessions without texts and tags, as it keeps only their state
    /// (the default); false plans them in full, for the test that holds the two to the same rows.
    /// </param>
    public BackfillPlayer(BackfillSpec spec, Catalog catalog, bool stateOnlyPreRoll = true)
    {
        _spec = spec;
        _catalog = catalog;
        _random = new Random(SessionPlanner.SeedOf(spec.Seed));
        var rollFrom = spec.Start.AddDays(-spec.PreRollDays);
        Cursor = rollFrom;

        // The population a fresh install would have when the pre-roll starts: tenures, lifecycles
        // and next sessions spread as if the model had run for a year, capped as the pool is.
        var warmUp = new Random(SessionPlanner.SeedOf(spec.Seed ^ 0x5EED_0F_B4CC));
        if (spec.Members is { } members)
        {
            var alive = PopulationPlayer.SteadyStateOn(members, rollFrom, spec.Settings.SessionsPerMin, spec.Settings.RetainDays, warmUp, spec.Region);
            var given = alive.Select(u => u.ProfileId).ToHashSet();
            _world = new PoolWorld(catalog, members.Where(m => !given.Contains(m.ProfileId)));
            var byId = members.ToDictionary(m => m.ProfileId);
            foreach (var state in alive)
            {
                _world.Add(state, byId[state.ProfileId]);
            }
        }
        else
        {
            var player = new PopulationPlayer(Math.Max(spec.Settings.SessionsPerMin, 0.1), warmUp, region: spec.Region) { ForgetChurnedBefore = DateTimeOffset.MaxValue }; // only the living are read
            player.WarmUp(rollFrom, TimeSpan.FromMinutes(10));
            List<UserState> alive = [.. player.Alive()];
            var room = Math.Max(0, spec.PoolCap - spec.ExistingUsers);
            if (alive.Count > room)
            {
                alive = [.. alive.OrderBy(_ => warmUp.Next()).Take(room).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId)];
            }

            _world = new PoolWorld(catalog);
            foreach (var state in alive)
            {
                _world.Add(state);
            }
        }

        // The pre-roll: the live engine's own ticks up to the window's start, their rows dropped.
        // Who is there at the start (and their journeys) is what it leaves.
        var scratch = new BackfillChunk(rollFrom, spec.Start, final: false);
        var kept = new BatchCollector(scratch.Batch, stateOnly: true);
        var abandoned = new HashSet<Guid>();
        var tickStart = rollFrom;
        while (tickStart < spec.Start)
        {
            var tickEnd = CeilMinute(tickStart);
            if (tickEnd > spec.Start)
            {
                tickEnd = spec.Start;
            }

            Tick(tickStart, tickEnd, DateTimeOffset.MaxValue, kept, [], scratch, final: false, stateOnly: stateOnlyPreRoll);
            _pending.Clear();
            if (tickEnd.UtcTicks % (TimeSpan.TicksPerHour * ChunkHours) == 0)
            {
                abandoned.UnionWith(_world.AbandonIdle(tickEnd.AddDays(-spec.Settings.IdleAbandonDays)));
            }

            tickStart = tickEnd;
        }

        abandoned.UnionWith(_world.AbandonIdle(spec.Start.AddDays(-spec.Settings.IdleAbandonDays)));
        var instances = scratch.Batch.Instances;
        for (var i = 0; i < instances.Count; i++)
        {
            if (abandoned.Contains(instances[i].Id))
            {
                instances[i] = instances[i] with { Status = InstanceStatus.Abandoned };
            }
        }

        _preRollState = scratch.Batch;
        _recycled.Clear();
        _initial = [.. _world.Living()];
        Cursor = spec.Start;
    }

    /// <summary>What storage would hold between runs at <see cref="Cursor"/>: the people, their journeys and their claims.</summary>
    public PoolWorld World => _world;

    /// <summary>How the pool grows: from its members where the engine cannot add people, by new profiles otherwise.</summary>
    private PoolGrowth Growth => _world.Fixed ? PoolGrowth.Fixed : PoolGrowth.EngineProfiles;

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
            RetireBefore = PopulationModel.RetireBefore(to, _spec.Settings.RetainDays, Growth),
            IdleCutoff = to.AddDays(-_spec.Settings.IdleAbandonDays),
        };
        var collector = new BatchCollector(chunk.Batch);
        var touched = new HashSet<Guid>();

        if (_initial is not null)
        {
            if (!_world.Fixed)
            {
                chunk.NewUsers.AddRange(_initial.Select(u => new NewUser(u.ProfileId, u.Traits.Persona, u.Timezone, u.SignupAt)));
            }
            else
            {
                chunk.Adopted.AddRange(_initial);
            }

            touched.UnionWith(_initial.Select(u => u.ProfileId));
            _initial = null;

            // The state rows the pre-roll left (dated before the window), first, so the window's sessions update them.
            // Only those of the people still there: who left during the pre-roll has no row at all.
            if (_preRollState is { } preRoll)
            {
                collector.AddDue(
                    new SessionPlan(
                        [
                            .. preRoll.Instances.Where(r => touched.Contains(r.UserId)).Select(r => new TimedRow(r.StartedAt, r)),
                            .. preRoll.MindblockStatuses.Where(r => touched.Contains(r.UserId)).Select(r => new TimedRow(r.LastEventAt, r)),
                        ],
                        Cursor),
                    DateTimeOffset.MinValue,
                    DateTimeOffset.MaxValue);
                _preRollState = null;
            }
        }

        if (final)
        {
            // Sessions that ran past the window's end: their rows up to the present now.
            foreach (var (session, plan) in _pending)
            {
                chunk.SessionsContinued.Add(session);
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

        // Storage abandons idle journeys after writing the chunk; the world does the same.
        chunk.IdleAbandoned.AddRange(_world.AbandonIdle(chunk.IdleCutoff));
        chunk.Recycled.AddRange(_recycled);
        _recycled.Clear();
        chunk.UserStates.AddRange(_world.States(touched));

        Cursor = to;
        return chunk;
    }

    /// <summary>
    /// The id of the journal row (and the rows' <c>run_id</c> tag) of the simulated hour starting at
    /// <paramref name="hourStart"/>, dated as the row's <c>window_end</c>: the hour's end, or the
    /// window's where it ends inside the hour.
    /// </summary>
    private Guid RunIdFor(DateTimeOffset hourStart)
    {
        var end = hourStart.AddHours(1);
        return Uuid7.Create(end < _spec.End ? end : _spec.End, new Random(SessionPlanner.SeedOf(_spec.Seed ^ hourStart.UtcTicks)));
    }

    /// <summary>One simulated cron tick over (<paramref name="windowStart"/>, <paramref name="now"/>].</summary>
    private (int Requested, int Started) Tick(
        DateTimeOffset windowStart, DateTimeOffset now, DateTimeOffset horizon, BatchCollector collector, HashSet<Guid> touched, BackfillChunk chunk, bool final,
        bool stateOnly = false)
    {
        var settings = _spec.Settings;
        _recycled.AddRange(_world.RetireChurned(PopulationModel.RetireBefore(now, settings.RetainDays, Growth)));

        var (requested, capped, carry) = RunPlanner.DrawSessions(settings, _spec.Installation ?? Installation.Unknown, _world.Pool, windowStart, now, _carry, _random);
        _carry = carry;
        var playable = _catalog.PlayableAt(windowStart);
        if (playable.Count == 0)
        {
            _world.ReleaseEnded(now);
            return (requested, 0);
        }

        // The claim: free people in the order of their next planned session, as many as may start
        // (after a bounded number who missed theirs, planned anew);
        // on a fixed pool, members not signed up yet, as many again.
        var claimed = _world.Claim(settings.MaxPerRun, now, RunPlanner.MaxMissedPerRun);
        var unsigned = _world.Fixed ? _world.ClaimUnsigned(now, settings.MaxPerRun) : null;
        var joining = new HashSet<Guid>();
        var signUpsAllowed = _world.Fixed ? 0 : Math.Max(0, _spec.PoolCap - _spec.ExistingUsers - _world.Alive);
        var missed = new List<Deferral>();
        var chosen = RunPlanner.Choose(
            claimed, now, windowStart, capped, signUpsAllowed, joining, _random, unsigned, bringForward: !_world.Fixed && signUpsAllowed > 0,
            missed, ActivityDays.Of(settings, _spec.Installation ?? Installation.Unknown), _spec.Region);
        foreach (var deferral in missed)
        {
            _world.Defer(deferral);
            touched.Add(deferral.ProfileId);
        }

        var chosenIds = chosen.Select(c => c.User.ProfileId).ToHashSet();
        foreach (var (user, _) in claimed)
        {
            if (!chosenIds.Contains(user.ProfileId))
            {
                _world.Release(user.ProfileId);
            }
        }

        var input = new RunInput(
            RunTrigger.Cron, RunIdFor(FloorHour(windowStart)), _spec.Seed, now, null, 0, settings, _catalog, [], [], _world.Pool, 0, Installation: _spec.Installation, Region: _spec.Region);
        var idleCutoff = now.AddDays(-settings.IdleAbandonDays);
        foreach (var (candidate, state) in chosen)
        {
            var signsUp = joining.Contains(candidate.ProfileId);
            var started = RunPlanner.Start(input, candidate, state, signsUp, playable, windowStart, idleCutoff, _random, stateOnly);
            if (started.SignUp is { } signUp)
            {
                chunk.NewUsers.Add(signUp);
            }

            _world.Start(candidate, started);
            touched.Add(candidate.ProfileId);

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

        // As in the live engine, a session that ended during this tick frees its person for the next.
        _world.ReleaseEnded(now);
        return (requested, chosen.Count);
    }

    private static DateTimeOffset FloorHour(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private static DateTimeOffset CeilMinute(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMinute) + TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private static DateTimeOffset CeilHour(DateTimeOffset t) =>
        t.UtcTicks % TimeSpan.TicksPerHour == 0 ? t : FloorHour(t).AddHours(1);
}
