namespace SyntheticsFunctions.Engine;

/// <summary>
/// What storage keeps between runs, in memory: each sim user's model state (next session,
/// lifecycle), their journeys (the active instance, the last completed, every journey enrolled in
/// and completed), the clinical focus of their mindblocks, who is in a session, who has retired,
/// and, on a pool the engine cannot grow, the members who have not signed up yet. Claims follow
/// the SQL claim's order exactly (<c>RunInputReader</c>): free people in the order of their next
/// planned session, then by id; members not signed up in the order their profiles appeared, then
/// by id. The backfill plays on it, and so do the statistical tests, so what they measure is what
/// the backfill writes.
/// </summary>
public sealed class PoolWorld
{
    private readonly Dictionary<Guid, Person> _people = [];
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _free = new();
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _busy = new();
    private readonly PriorityQueue<Guid, (DateTimeOffset, Guid)> _churned = new();
    private readonly Dictionary<string, long> _zones = [];
    private readonly Dictionary<Guid, string> _focusOf;
    private readonly SortedSet<PoolMember>? _unsigned;
    private List<TimezoneCount>? _pool;

    /// <param name="catalog">The mindblocks' clinical focus comes from it.</param>
    /// <param name="unsigned">On a pool the engine cannot grow, its members who have not signed up yet; null where the engine adds people itself.</param>
    public PoolWorld(Catalog catalog, IEnumerable<PoolMember>? unsigned = null)
    {
        _focusOf = catalog.Mindblocks.ToDictionary(m => m.Id, m => m.ClinicalFocus);
        _unsigned = unsigned is null ? null : new SortedSet<PoolMember>(unsigned, MemberOrder.Instance);
    }

    /// <summary>People in the pool who have not retired.</summary>
    public int Alive { get; private set; }

    /// <summary>Whether the pool is fixed: people join from its members, never as new profiles.</summary>
    public bool Fixed => _unsigned is not null;

    /// <summary>People per time zone, ordinal order: what the local-hour curve weighs.</summary>
    public IReadOnlyList<TimezoneCount> Pool =>
        _pool ??= [.. _zones.Where(z => z.Value > 0).OrderBy(z => z.Key, StringComparer.Ordinal).Select(z => new TimezoneCount(z.Key, z.Value))];

    /// <summary>The people who have not retired, in signup order (then by id): their latest state.</summary>
    public IEnumerable<UserState> Living() =>
        _people.Values.Where(p => !p.Retired).Select(p => p.State).OrderBy(u => u.SignupAt).ThenBy(u => u.ProfileId);

    /// <summary>Someone new with a past (a fresh install's steady state): free to be claimed.</summary>
    public void Add(UserState state, PoolMember? member = null) => Free(Join(state, member?.AvailableAt));

    /// <summary>
    /// The claim: up to <paramref name="limit"/> free people with a state, in the order of their next
    /// planned session (no next session: last), then by id. Each is taken until <see cref="Start"/>
    /// or <see cref="Release"/>. With <paramref name="now"/>, a cron tick's: people who missed their
    /// session (planned before <paramref name="now"/> less <see cref="PopulationModel.MaxWait"/>)
    /// come first, at most <paramref name="missedLimit"/> of them (their state alone, as the SQL
    /// claim reads them), and do not count against <paramref name="limit"/>.
    /// </summary>
    public List<(CandidateUser User, UserState State)> Claim(int limit, DateTimeOffset? now = null, int missedLimit = 0)
    {
        var claimed = new List<(CandidateUser User, UserState State)>();
        var aside = new List<(Guid Id, (DateTimeOffset, Guid) Key)>();
        var late = now - PopulationModel.MaxWait;
        var missed = 0;
        while (claimed.Count - missed < limit && _free.TryDequeue(out var id, out var key))
        {
            var person = _people[id];

            // An entry left behind by a state that changed since, or a life that was retired, is stale.
            if (person.Retired || !person.Queued || key.Item1 != Due(person.State))
            {
                continue;
            }

            if (key.Item1 < late)
            {
                if (missed == missedLimit)
                {
                    // Beyond this tick's share of the missed: left for the next tick.
                    aside.Add((id, key));
                    continue;
                }

                missed++;
                person.Queued = false;
                claimed.Add((new CandidateUser(person.Id, person.Timezone, null, person.LastEndsAt, person.State, person.AvailableAt, [], [], []), person.State));
                continue;
            }

            person.Queued = false;
            claimed.Add((person.Candidate(_focusOf), person.State));
        }

        foreach (var (id, key) in aside)
        {
            _free.Enqueue(id, key);
        }

        return claimed;
    }

    /// <summary>How late the most overdue free person's next session is at <paramref name="now"/> (zero when none is overdue).</summary>
    public TimeSpan Overdue(DateTimeOffset now)
    {
        while (_free.TryPeek(out var id, out var key))
        {
            var person = _people[id];
            if (!person.Retired && person.Queued && key.Item1 == Due(person.State))
            {
                return key.Item1 < now ? now - key.Item1 : TimeSpan.Zero;
            }

            // Stale: a claim would drop it too.
            _free.Dequeue();
        }

        return TimeSpan.Zero;
    }

    /// <summary>Members who have not signed up, whose profile exists before <paramref name="now"/>: at most <paramref name="limit"/>, in the order their profiles appeared, then by id.</summary>
    public List<CandidateUser> ClaimUnsigned(DateTimeOffset now, int limit) =>
        _unsigned is null
            ? []
            : [.. _unsigned.Where(m => m.AvailableAt is not { } at || at < now).Take(limit)
                .Select(m => new CandidateUser(m.ProfileId, m.Timezone, null, AvailableAt: m.AvailableAt, Persona: m.Persona))];

    /// <summary>A claimed person who missed their planned session: planned anew (still claimed; <see cref="Release"/> frees them).</summary>
    public void Defer(Deferral deferral)
    {
        var person = _people[deferral.ProfileId];
        person.State = person.State with { NextSessionAt = deferral.Next };
    }

    /// <summary>A claimed person who did not start: free again.</summary>
    public void Release(Guid profileId) => Free(_people[profileId]);

    /// <summary>
    /// A session started: the person's state after it, what its rows leave behind (the journey
    /// instance's last state, completions, mindblock statuses), and in session until it ends. A
    /// signup or a member signing up joins the pool here.
    /// </summary>
    public void Start(CandidateUser candidate, StartedSession started)
    {
        if (!_people.TryGetValue(candidate.ProfileId, out var person) || person.Retired)
        {
            // A member signing up was claimed by ClaimUnsigned, which gave their persona and
            // availability: the member itself, found by the set's order, not by a scan.
            if (_unsigned is not null && candidate.Persona is { } persona)
            {
                _unsigned.Remove(new PoolMember(candidate.ProfileId, persona, candidate.Timezone, candidate.AvailableAt));
            }

            person = Join(started.UserState.State, candidate.AvailableAt);
        }

        person.State = started.UserState.State;
        person.LastEndsAt = started.Plan.EndsAt;
        person.Follow(started.Plan);
        person.Busy = true;
        _busy.Enqueue(person.Id, (started.Plan.EndsAt, person.Id));
    }

    /// <summary>Sessions that ended by <paramref name="now"/> free their people for the next claim.</summary>
    public void ReleaseEnded(DateTimeOffset now)
    {
        while (_busy.TryPeek(out var id, out var key) && key.Item1 <= now)
        {
            _busy.Dequeue();
            _people[id].Busy = false;
            Free(_people[id]);
        }
    }

    /// <summary>
    /// Churned people whose last session is before <paramref name="before"/> retire, as the cron's
    /// update retires them. On a fixed pool their place stays the pool's: the state is dropped and
    /// they may sign up again (returned, so storage drops the state too).
    /// </summary>
    public List<Guid> RetireChurned(DateTimeOffset before)
    {
        var recycled = new List<Guid>();
        while (_churned.TryPeek(out var id, out var key) && key.Item1 < before)
        {
            _churned.Dequeue();
            var person = _people[id];
            if (person.Retired || person.State.Lifecycle != Lifecycle.Churned || person.State.LastSessionAt is not { } last || last >= before)
            {
                continue;
            }

            person.Retired = true;
            Alive--;
            _zones[person.Timezone]--;
            _pool = null;
            if (_unsigned is not null)
            {
                _unsigned.Add(new PoolMember(person.Id, person.State.Traits.Persona, person.Timezone, person.AvailableAt));
                recycled.Add(person.Id);
            }
        }

        return recycled;
    }

    /// <summary>
    /// Journeys idle since before <paramref name="cutoff"/> are abandoned, as storage's update
    /// abandons them (never one whose person is in a session). Returns the instances abandoned.
    /// </summary>
    public List<Guid> AbandonIdle(DateTimeOffset cutoff)
    {
        var abandoned = new List<Guid>();
        foreach (var person in _people.Values)
        {
            if (!person.Busy && person.AbandonIdle(cutoff) is { } instance)
            {
                abandoned.Add(instance);
            }
        }

        return abandoned;
    }

    /// <summary>The model state and last session end of each of <paramref name="ids"/>, as storage writes them.</summary>
    public IEnumerable<UserStateRow> States(IEnumerable<Guid> ids) =>
        ids.Select(id => _people[id]).Select(p => new UserStateRow(p.State, p.LastEndsAt));

    private static DateTimeOffset Due(UserState state) => state.NextSessionAt ?? DateTimeOffset.MaxValue;

    private Person Join(UserState state, DateTimeOffset? availableAt)
    {
        // A profile the engine creates appears when its person signs up.
        var person = new Person(state, Fixed ? availableAt : availableAt ?? state.SignupAt);
        _people[state.ProfileId] = person;
        Alive++;
        _zones[state.Timezone] = _zones.GetValueOrDefault(state.Timezone) + 1;
        _pool = null;
        return person;
    }

    private void Free(Person person)
    {
        if (person.State.Lifecycle == Lifecycle.Churned)
        {
            _churned.Enqueue(person.Id, (person.State.LastSessionAt ?? person.State.SignupAt, person.Id));
        }

        person.Queued = true;
        _free.Enqueue(person.Id, (Due(person.State), person.Id));
    }

    /// <summary>Members not signed up, as the SQL claim orders them: when their profile appeared (unknown first), then id.</summary>
    private sealed class MemberOrder : IComparer<PoolMember>
    {
        public static readonly MemberOrder Instance = new();

        public int Compare(PoolMember? x, PoolMember? y)
        {
            var at = Nullable.Compare(x!.AvailableAt, y!.AvailableAt);
            return at != 0 ? at : x.ProfileId.CompareTo(y.ProfileId);
        }
    }

    /// <summary>One person as storage would show them to a claim.</summary>
    private sealed class Person(UserState state, DateTimeOffset? availableAt)
    {
        private readonly List<Guid> _completed = [];
        private readonly List<Guid> _enrolled = [];
        private readonly Dictionary<Guid, string> _mindblocks = [];

        public Guid Id { get; } = state.ProfileId;

        public string Timezone { get; } = state.Timezone;

        public DateTimeOffset? AvailableAt { get; } = availableAt;

        public UserState State { get; set; } = state;

        public DateTimeOffset? LastEndsAt { get; set; }

        public bool Retired { get; set; }

        /// <summary>Waiting in the free queue (an entry of theirs there is not stale).</summary>
        public bool Queued { get; set; }

        /// <summary>In a session: storage keeps a row for it until it ends.</summary>
        public bool Busy { get; set; }

        private ActiveInstance? Instance { get; set; }

        private ActiveInstance? LastCompleted { get; set; }

        public CandidateUser Candidate(Dictionary<Guid, string> focusOf) => new(
            Id, Timezone, Instance, LastEndsAt, State, AvailableAt, [.. _completed.Order()],
            [.. _mindblocks.Where(m => m.Value != "easing" && focusOf.ContainsKey(m.Key)).Select(m => focusOf[m.Key]).Distinct().Order(StringComparer.Ordinal)],
            [.. _enrolled.Order()], LastCompleted);

        /// <summary>The active journey, if idle since before <paramref name="cutoff"/>: abandoned, its id returned.</summary>
        public Guid? AbandonIdle(DateTimeOffset cutoff)
        {
            if (Instance is not { } instance || instance.LastActivityAt >= cutoff)
            {
                return null;
            }

            Instance = null;
            return instance.Id;
        }

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
                if (!_completed.Contains(last.JourneyId))
                {
                    _completed.Add(last.JourneyId);
                }

                LastCompleted = new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt);
            }

            Instance = last.Status == InstanceStatus.Active
                ? new ActiveInstance(last.Id, last.JourneyId, last.CurrentSceneOrder, last.StartedAt, last.LastActivityAt)
                : null;
        }
    }
}
