-- Every failed run is recorded with a category and the correlation id its logs carry; the error
-- column keeps the driver's message for the database's owner, the API answers a fixed text.
ALTER TABLE synthetic_runs ADD COLUMN IF NOT EXISTS failure_category text
    CHECK (failure_category IN ('database_unavailable', 'internal_error'));
ALTER TABLE synthetic_runs ADD COLUMN IF NOT EXISTS correlation_id text;

-- Each sim user's behaviour state, the population model's (Engine/Population.cs): traits drawn
-- once at signup, the lifecycle, the next planned session that orders the claim, the local day's
-- session count (no one has more than 12 a day), and when their last session ended (a new one
-- never overlaps it). The engine's own table, with no foreign key to sim_users: a key would lock
-- the journey app's table when created.
CREATE TABLE IF NOT EXISTS synthetic_user_state (
    profile_id             uuid PRIMARY KEY,
    signup_at              timestamptz NOT NULL,
    persona                text NOT NULL,
    engagement             float8 NOT NULL,
    chronotype_shift_hours float8 NOT NULL,
    lifecycle              text NOT NULL CHECK (lifecycle IN ('new', 'active', 'lapsing', 'lapsed', 'returning', 'churned')),
    next_session_at        timestamptz,
    last_session_at        timestamptz,
    local_day              date,
    sessions_that_day      integer NOT NULL,
    sessions               integer NOT NULL,
    last_session_ends_at   timestamptz,
    progress               float8 NOT NULL DEFAULT 0
);

-- How far the user had come when a session in progress started: its resistance checks and
-- mindblock intensities follow it (Engine/Population.cs, behaviour change).
ALTER TABLE synthetic_sessions ADD COLUMN IF NOT EXISTS progress float8 NOT NULL DEFAULT 0;
-- A database that ran this migration's earlier name, 0005_reliability, already has the table
-- with only profile_id and last_session_ends_at (NOT NULL), so the CREATE above skipped it. Its
-- rows are the engine's own and re-derived (a user with no state is planned afresh), so they go,
-- and the columns it lacks are added; where the CREATE just ran, the table is empty and has them.
DELETE FROM synthetic_user_state;
ALTER TABLE synthetic_user_state
    ADD COLUMN IF NOT EXISTS signup_at              timestamptz NOT NULL,
    ADD COLUMN IF NOT EXISTS persona                text NOT NULL,
    ADD COLUMN IF NOT EXISTS engagement             float8 NOT NULL,
    ADD COLUMN IF NOT EXISTS chronotype_shift_hours float8 NOT NULL,
    ADD COLUMN IF NOT EXISTS lifecycle              text NOT NULL CHECK (lifecycle IN ('new', 'active', 'lapsing', 'lapsed', 'returning', 'churned')),
    ADD COLUMN IF NOT EXISTS next_session_at        timestamptz,
    ADD COLUMN IF NOT EXISTS last_session_at        timestamptz,
    ADD COLUMN IF NOT EXISTS local_day              date,
    ADD COLUMN IF NOT EXISTS sessions_that_day      integer NOT NULL,
    ADD COLUMN IF NOT EXISTS sessions               integer NOT NULL,
    ADD COLUMN IF NOT EXISTS progress               float8 NOT NULL DEFAULT 0;
-- 0005_reliability's last_session_ends_at was NOT NULL; a user who has not had a session yet has none.
ALTER TABLE synthetic_user_state ALTER COLUMN last_session_ends_at DROP NOT NULL;

CREATE INDEX IF NOT EXISTS ix_synthetic_user_state_next_session ON synthetic_user_state (next_session_at);
