using Npgsql;
using SyntheticsFunctions.Engine;

namespace SyntheticsFunctions.Storage;

/// <summary>
/// The pool as the engine keeps it (<c>synthetic_pool</c>, migration 0010). From <c>sim_users</c>
/// the engine reads only <c>profile_id</c>, and where the journey app owns <c>sim_users</c> or
/// <c>profiles</c> it never writes them: every fact about a member (persona, time zone, when they
/// may first appear, retirement) is in the engine's own table.
/// </summary>
internal static class PoolSql
{
    /// <summary>A member who may play, as <c>pm</c>: not retired and still listed in <c>sim_users</c> (a row outside it would escape the seed's KPI filter).</summary>
    public const string ActiveMember = $"pm.retired_at IS NULL AND {Listed}";

    /// <summary>A member (as <c>pm</c>) still listed in <c>sim_users</c>, retired or not.</summary>
    public const string Listed = "EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = pm.profile_id)";

    /// <summary>Active members: <c>FROM</c> text with the alias <c>pm</c>.</summary>
    public const string ActiveMembers = $"synthetic_pool pm WHERE {ActiveMember}";

    /// <summary>Pool members the engine and the journey app both count: active ones.</summary>
    public const string CountActive = $"SELECT count(*) FROM {ActiveMembers}";

    /// <summary>The active members by time zone (the activity curve's pool), for a batch; <see cref="ReadTimezonesAsync"/> reads its answer.</summary>
    public static NpgsqlBatchCommand SelectTimezones() =>
        Sql.Command($"SELECT pm.timezone, count(*) FROM {ActiveMembers} GROUP BY pm.timezone ORDER BY pm.timezone");

    /// <summary>
    /// The active members by time zone as the engine keeps them (<c>synthetic_pool_zones</c>,
    /// migration 0019: a row per zone, kept by the pool's own writes): not retired and listed in
    /// <c>sim_users</c> when the engine last looked (see <see cref="EnlistSlice"/>). A cron tick's
    /// read, one row per zone whatever the pool's size; <see cref="ReadTimezonesAsync"/> reads it.
    /// </summary>
    public static NpgsqlBatchCommand SelectKeptTimezones() =>
        Sql.Command("SELECT z.timezone, z.members FROM synthetic_pool_zones z WHERE z.members > 0 ORDER BY z.timezone");

    /// <summary>How many <c>sim_users</c> rows, and how many pool members, a cron tick reconciles (<see cref="EnlistSlice"/>).</summary>
    public const int SliceSize = 500;

    /// <summary>Reads the answer of <see cref="SelectTimezones"/>, the reader on it.</summary>
    public static async Task<List<TimezoneCount>> ReadTimezonesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var zones = new List<TimezoneCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            zones.Add(new TimezoneCount(reader.GetString(0), reader.GetInt64(1)));
        }

        return zones;
    }

    /// <summary>Whether the engine created both pool tables and so may add people to them.</summary>
    public const string OwnsPoolTables =
        "(SELECT count(*) = 2 FROM synthetic_created_tables WHERE table_name IN ('profiles', 'sim_users'))";

    /// <summary>
    /// Enlists every <c>sim_users</c> row the engine has not seen: a persona and a time zone from a
    /// hash of the id over the model's personas and <paramref name="region"/>'s ballot of zones (the
    /// same member always gets the same), and
    /// the earliest moment a row of theirs may carry: the later of the journey app's
    /// <c>profiles.created_at</c> and (where <c>sim_users</c> is the app's) <c>sim_users.created_at</c>, where those columns exist (read
    /// through <c>to_jsonb</c>, so a table without them is not an error). Reads the app's tables
    /// only; answers how many joined.
    /// </summary>
    public static NpgsqlBatchCommand Enlist(DateTimeOffset now, RegionMix region) => Sql.Command(
        $"""
        WITH enlisted AS (
        INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at)
        SELECT {EnlistedValues}
        FROM sim_users su
        LEFT JOIN profiles p ON p.id = su.profile_id
        WHERE NOT EXISTS (SELECT 1 FROM synthetic_pool m WHERE m.profile_id = su.profile_id)
        ON CONFLICT (profile_id) DO NOTHING
        RETURNING 1)
        SELECT count(*) FROM enlisted
        """,
        Sql.P(PopulationModel.Personas.Select(p => p.Name).ToArray()), Sql.P(region.Ballot.ToArray()), Sql.P(now.UtcDateTime));

    /// <summary>
    /// A cron tick's look at the pool, bounded whatever its size: the next <see cref="SliceSize"/>
    /// <c>sim_users</c> rows by id from where the last tick stopped (round the table, a cursor in
    /// <c>synthetic_pool_cursor</c>) join the pool as <see cref="Enlist"/> enlists them, and the next
    /// <see cref="SliceSize"/> pool members by id are marked listed or not as <c>sim_users</c> has
    /// them (what the time zones' counts and the signup claim's index go by). A pool of up to
    /// <see cref="SliceSize"/> is looked at whole every tick; a larger one within
    /// pool / <see cref="SliceSize"/> ticks. Whoever a tick writes for is still probed in
    /// <c>sim_users</c> by key in the claim (<see cref="ActiveMember"/>). Only a tick that holds the
    /// cron lock (<paramref name="cronLock"/>) moves the cursor. Reads the app's tables only; answers how many joined.
    /// </summary>
    public static NpgsqlBatchCommand EnlistSlice(DateTimeOffset now, RegionMix region, string cronLock) => Sql.Command(
        $"""
        WITH cursor AS MATERIALIZED (
            SELECT c.sim_users_from, c.members_from FROM synthetic_pool_cursor c
            WHERE c.id AND (SELECT pg_try_advisory_xact_lock(hashtextextended($4, 0)))),
        users AS MATERIALIZED (
            -- From the cursor on, then round from the start: one more than the slice, whose id is the next cursor.
            SELECT s.profile_id, row_number() OVER (ORDER BY s.k, s.profile_id) AS n
            FROM cursor c CROSS JOIN LATERAL (
                (SELECT su.profile_id, 0 AS k FROM sim_users su WHERE su.profile_id >= c.sim_users_from ORDER BY su.profile_id LIMIT $5 + 1)
                UNION ALL
                (SELECT su.profile_id, 1 AS k FROM sim_users su WHERE su.profile_id < c.sim_users_from ORDER BY su.profile_id LIMIT $5 + 1)) s
            ORDER BY s.k, s.profile_id
            LIMIT $5 + 1),
        members AS MATERIALIZED (
            SELECT s.profile_id, row_number() OVER (ORDER BY s.k, s.profile_id) AS n
            FROM cursor c CROSS JOIN LATERAL (
                (SELECT pm.profile_id, 0 AS k FROM synthetic_pool pm WHERE pm.profile_id >= c.members_from ORDER BY pm.profile_id LIMIT $5 + 1)
                UNION ALL
                (SELECT pm.profile_id, 1 AS k FROM synthetic_pool pm WHERE pm.profile_id < c.members_from ORDER BY pm.profile_id LIMIT $5 + 1)) s
            ORDER BY s.k, s.profile_id
            LIMIT $5 + 1),
        enlisted AS (
            INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at)
            SELECT {EnlistedValues}
            FROM users u
            -- Each row by key (a LIMIT keeps the planner from hashing the whole table for a slice).
            CROSS JOIN LATERAL (SELECT * FROM sim_users s WHERE s.profile_id = u.profile_id LIMIT 1) su
            LEFT JOIN profiles p ON p.id = su.profile_id
            WHERE u.n <= $5 AND NOT EXISTS (SELECT 1 FROM synthetic_pool m WHERE m.profile_id = u.profile_id)
            ON CONFLICT (profile_id) DO NOTHING
            RETURNING 1),
        relisted AS (
            UPDATE synthetic_pool pm SET listed = NOT pm.listed
            FROM members m
            WHERE m.n <= $5 AND pm.profile_id = m.profile_id
              AND pm.listed <> EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = pm.profile_id)),
        moved AS (
            UPDATE synthetic_pool_cursor c
            SET sim_users_from = coalesce((SELECT u.profile_id FROM users u WHERE u.n = $5 + 1), '00000000-0000-0000-0000-000000000000'),
                members_from = coalesce((SELECT m.profile_id FROM members m WHERE m.n = $5 + 1), '00000000-0000-0000-0000-000000000000')
            WHERE c.id AND EXISTS (SELECT 1 FROM cursor))
        SELECT count(*) FROM enlisted
        """,
        Sql.P(PopulationModel.Personas.Select(p => p.Name).ToArray()), Sql.P(region.Ballot.ToArray()), Sql.P(now.UtcDateTime), Sql.P(cronLock), Sql.P(SliceSize));

    /// <summary>The pool row of a <c>sim_users</c> row <c>su</c> (its profile <c>p</c>) that joins: see <see cref="Enlist"/>.</summary>
    private const string EnlistedValues =
        """
        su.profile_id,
               ($1::text[])[1 + ((hashtextextended(su.profile_id::text, 1) % cardinality($1::text[])) + cardinality($1::text[])) % cardinality($1::text[])],
               ($2::text[])[1 + ((hashtextextended(su.profile_id::text, 2) % cardinality($2::text[])) + cardinality($2::text[])) % cardinality($2::text[])],
               $3,
               greatest((to_jsonb(p) ->> 'created_at')::timestamptz,
                        -- The engine's own sim_users dates its enlistment, not the person.
                        CASE WHEN NOT EXISTS (SELECT 1 FROM synthetic_created_tables WHERE table_name = 'sim_users')
                             THEN (to_jsonb(su) ->> 'created_at')::timestamptz END)
        """;

    /// <summary>New people the engine created (profiles and sim users in its own tables, or the owner's function's): their pool rows.</summary>
    public static NpgsqlBatchCommand AddMembers(IReadOnlyList<NewUser> users) => Sql.Command(
        """
        INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at)
        SELECT u.id, u.persona, u.zone, u.at, u.at FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, persona, zone, at)
        ON CONFLICT (profile_id) DO UPDATE SET persona = excluded.persona, timezone = excluded.timezone
        """,
        Sql.P(users.Select(u => u.ProfileId).ToArray()), Sql.P(users.Select(u => u.Persona).ToArray()),
        Sql.P(users.Select(u => u.Timezone).ToArray()), Sql.P(users.Select(u => u.SignupAt.UtcDateTime).ToArray()));

    /// <summary>
    /// Members given a state of the steady state take its persona and time zone (their plan was
    /// drawn there). A member adopted twice in one write (recycled and signed up again) takes its
    /// last state, as the in-memory world does: an UPDATE joined to two rows would take either.
    /// </summary>
    public static NpgsqlBatchCommand AdoptStates(IReadOnlyList<UserState> states) => Sql.Command(
        """
        UPDATE synthetic_pool pm SET persona = u.persona, timezone = u.zone
        FROM (SELECT DISTINCT ON (r.id) r.id, r.persona, r.zone
              FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS r(id, persona, zone, n)
              ORDER BY r.id, r.n DESC) u
        WHERE pm.profile_id = u.id
        """,
        Sql.P(states.Select(s => s.ProfileId).ToArray()), Sql.P(states.Select(s => s.Traits.Persona).ToArray()), Sql.P(states.Select(s => s.Timezone).ToArray()));

    /// <summary>Active members who have not signed up (no state), in a stable order: the ones a steady state or a backfill may give a past.</summary>
    public const string SelectUnsigned =
        $"""
        SELECT pm.profile_id, pm.persona, pm.timezone, pm.available_at
        FROM {ActiveMembers}
          AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id)
        ORDER BY pm.profile_id
        """;

    /// <summary>Reads rows of <see cref="SelectUnsigned"/>.</summary>
    public static async Task<List<PoolMember>> ReadMembersAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var members = new List<PoolMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new PoolMember(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : Sql.ReadTimestamp(reader, 3)));
        }

        return members;
    }

    /// <summary>
    /// People who left, <c>retain_days</c> after their last session (their rows are then past
    /// retention): where the engine may add people they retire, and their place goes to someone
    /// new; on a pool it cannot grow their place is the pool's own, so their state is dropped and
    /// they may sign up again later as someone new.
    /// </summary>
    public static NpgsqlBatchCommand RetireChurned(DateTimeOffset at, DateTimeOffset before, PoolGrowth growth) => growth == PoolGrowth.Fixed
        ? Sql.Command(
            """
            DELETE FROM synthetic_user_state us
            WHERE us.lifecycle = 'churned' AND us.last_session_at < $1
              AND NOT EXISTS (SELECT 1 FROM synthetic_sessions s WHERE s.profile_id = us.profile_id)
            """,
            Sql.P(before.UtcDateTime))
        : Sql.Command(
            """
            UPDATE synthetic_pool pm SET retired_at = $1
            -- The churned not retired yet through their index (ix_synthetic_pool_churning: the pool's
            -- churned flag follows the state, migration 0019), their state by id.
            WHERE pm.churned AND pm.retired_at IS NULL
              -- A subquery per member, so the few the index gives each probe their state by key.
              AND (SELECT us.last_session_at FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id AND us.lifecycle = 'churned') < $2
            """,
            Sql.P(at.UtcDateTime), Sql.P(before.UtcDateTime));

    /// <summary>
    /// Calls the database owner's signup function (<c>Synthetics:SignupFunction</c>) for each new
    /// person, then answers how many of them are still missing from <c>profiles</c> or <c>sim_users</c>.
    /// </summary>
    public static NpgsqlBatchCommand[] CallSignupFunction(string quotedFunction, IReadOnlyList<NewUser> users)
    {
        var ids = users.Select(u => u.ProfileId).ToArray();
        return
        [
            Sql.Command(
                $"SELECT {quotedFunction}(u.id, u.at, u.persona) FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) WITH ORDINALITY AS u(id, at, persona, n) ORDER BY u.n",
                Sql.P(ids), Sql.P(users.Select(u => u.SignupAt.UtcDateTime).ToArray()), Sql.P(users.Select(u => u.Persona).ToArray())),
            Sql.Command(
                """
                SELECT count(*) FROM unnest($1::uuid[]) AS u(id)
                WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = u.id) OR NOT EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = u.id)
                """,
                Sql.P(ids)),
        ];
    }
}
