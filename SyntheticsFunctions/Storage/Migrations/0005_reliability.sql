-- Every failed run is recorded with a category and the correlation id its logs carry; the error
-- column keeps the driver's message for the database's owner, the API answers a fixed text.
ALTER TABLE synthetic_runs ADD COLUMN IF NOT EXISTS failure_category text
    CHECK (failure_category IN ('database_unavailable', 'internal_error'));
ALTER TABLE synthetic_runs ADD COLUMN IF NOT EXISTS correlation_id text;

-- When each sim user's last session ended (its last row, a trigger after the last scene
-- included), so no run starts a session that overlaps it, whatever mix of cron ticks and
-- manual runs. The engine's own table, with no foreign key to sim_users: a key would lock the
-- journey app's table when created.
CREATE TABLE IF NOT EXISTS synthetic_user_state (
    profile_id           uuid PRIMARY KEY,
    last_session_ends_at timestamptz NOT NULL
);
