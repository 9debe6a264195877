-- A cron tick whose cost does not grow with the pool (issue 28): each of its reads of the
-- engine's state walks an index of the engine's own tables and stops at its LIMIT.

-- The claim's order of people who signed up: by their next planned session (none: last), then id.
CREATE INDEX IF NOT EXISTS ix_synthetic_user_state_due
    ON synthetic_user_state ((coalesce(next_session_at, 'infinity'::timestamptz)), profile_id);

-- People who left, by their last session: the ones whose place goes to someone new.
CREATE INDEX IF NOT EXISTS ix_synthetic_user_state_churned
    ON synthetic_user_state (last_session_at) WHERE lifecycle = 'churned';

-- Members who may still sign up, in the order the claim takes them (their profile's appearance,
-- unknown first, then id).
CREATE INDEX IF NOT EXISTS ix_synthetic_pool_available
    ON synthetic_pool (available_at NULLS FIRST, profile_id) WHERE retired_at IS NULL;

-- The journey instances the engine left open (status 'active'), with their last activity: the
-- writers keep it beside every instance row they write, so the idle ones are found here, by
-- their last activity, and the journey app's table is touched only by id to abandon them.
CREATE TABLE IF NOT EXISTS synthetic_open_instances (
    instance_id      uuid PRIMARY KEY,
    user_id          uuid NOT NULL,
    last_activity_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_open_instances_last_activity ON synthetic_open_instances (last_activity_at);
-- The sim users' instances open when this migration runs (read once; the table is not altered).
INSERT INTO synthetic_open_instances (instance_id, user_id, last_activity_at)
SELECT ji.id, ji.user_id, ji.last_activity_at
FROM journey_instances ji
WHERE ji.status = 'active' AND ji.metadata->>'synthetic' = 'true' AND ji.user_id IN (SELECT profile_id FROM sim_users)
ON CONFLICT (instance_id) DO NOTHING;
