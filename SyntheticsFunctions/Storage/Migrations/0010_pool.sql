-- The pool as the engine keeps it: one row per sim user it has seen in sim_users. From sim_users
-- the seed reads only profile_id, and where sim_users (or profiles) is the journey app's the
-- engine reads it and never writes it, so everything the engine knows of a pool member lives
-- here: the time zone and persona they sign up with, when the engine enlisted them, the earliest
-- moment a row of theirs may carry (their profile's and sim user's created_at, where those
-- columns exist) and when they retired. Their behaviour after signing up is in
-- synthetic_user_state; a member without a row there has not signed up yet.
-- The engine's own table, with no foreign key to sim_users or profiles (a key would lock the
-- journey app's table when created and add triggers to it).
CREATE TABLE IF NOT EXISTS synthetic_pool (
    profile_id   uuid PRIMARY KEY,
    persona      text NOT NULL,
    timezone     text NOT NULL,
    enlisted_at  timestamptz NOT NULL,
    available_at timestamptz,
    retired_at   timestamptz
);
CREATE INDEX IF NOT EXISTS ix_synthetic_pool_active ON synthetic_pool (profile_id) WHERE retired_at IS NULL;

-- Members the earlier releases kept in sim_users' own columns (the engine's sim_users, or an
-- app's sim_users that had them) keep them; the others are enlisted by the next run.
DO $$
BEGIN
    IF (SELECT count(*) FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'sim_users'
          AND column_name IN ('persona', 'timezone', 'created_at', 'retired_at')) = 4 THEN
        -- A quoted string, not a tagged dollar quote: the migration runner takes tags for its variables.
        EXECUTE '
            INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at, retired_at)
            SELECT su.profile_id, coalesce(us.persona, su.persona), su.timezone, su.created_at,
                   greatest((to_jsonb(p) ->> ''created_at'')::timestamptz, su.created_at), su.retired_at
            FROM sim_users su
            LEFT JOIN profiles p ON p.id = su.profile_id
            LEFT JOIN synthetic_user_state us ON us.profile_id = su.profile_id
            ON CONFLICT (profile_id) DO NOTHING
        ';
    END IF;
END $$;

-- A run whose owner-provided signup function (Synthetics:SignupFunction) did not add its people
-- to profiles and sim_users fails with this category. Widened in place, so the old code keeps working.
ALTER TABLE synthetic_runs
    DROP CONSTRAINT IF EXISTS synthetic_runs_failure_category_check,
    ADD CONSTRAINT synthetic_runs_failure_category_check
        CHECK (failure_category IN ('database_unavailable', 'internal_error', 'owner_function'));

-- A backfill on a pool the engine cannot grow plays the members who had no history when it
-- started (PoolMember: id, persona, time zone, available from), kept so a replay after a crash
-- plays the same people. NULL where the engine adds people itself.
ALTER TABLE synthetic_backfills ADD COLUMN IF NOT EXISTS members jsonb;
