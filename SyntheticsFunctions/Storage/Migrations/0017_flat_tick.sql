-- A cron tick whose cost does not grow with the pool (issue 28): each of its reads of the
-- engine's state walks an index of the engine's own tables and stops at its LIMIT.

-- The claim's order of people who signed up: by their next planned session (none: last), then id.
CREATE INDEX IF NOT EXISTS ix_synthetic_user_state_due
    ON synthetic_user_state ((coalesce(next_session_at, 'infinity'::timestamptz)), profile_id);

-- People who left, by their last session: the ones whose place goes to someone new.
CREATE INDEX IF NOT EXISTS ix_synthetic_user_state_churned
    ON synthetic_user_state (last_session_at) WHERE lifecycle = 'churned';

-- Whether a pool member has signed up (has a synthetic_user_state row), kept by the triggers
-- below whichever release writes the state, so the members who may still sign up are found
-- through a small index instead of every member checked against the state each tick.
ALTER TABLE synthetic_pool ADD COLUMN IF NOT EXISTS signed_up boolean NOT NULL DEFAULT false;
UPDATE synthetic_pool pm SET signed_up = true
WHERE NOT pm.signed_up AND EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = pm.profile_id);
CREATE INDEX IF NOT EXISTS ix_synthetic_pool_unsigned
    ON synthetic_pool (available_at NULLS FIRST, profile_id) WHERE retired_at IS NULL AND NOT signed_up;

CREATE OR REPLACE FUNCTION synthetic_pool_signed_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE synthetic_pool pm SET signed_up = true FROM new_states n WHERE pm.profile_id = n.profile_id AND NOT pm.signed_up;
    ELSE
        UPDATE synthetic_pool pm SET signed_up = false FROM old_states o
        WHERE pm.profile_id = o.profile_id AND pm.signed_up
          AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = o.profile_id);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION synthetic_pool_member_signed_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.signed_up := EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = NEW.profile_id);
    RETURN NEW;
END $$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'tr_synthetic_user_state_signed_up' AND tgrelid = 'synthetic_user_state'::regclass) THEN
        CREATE TRIGGER tr_synthetic_user_state_signed_up AFTER INSERT ON synthetic_user_state
            REFERENCING NEW TABLE AS new_states FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_signed_up();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'tr_synthetic_user_state_signed_off' AND tgrelid = 'synthetic_user_state'::regclass) THEN
        CREATE TRIGGER tr_synthetic_user_state_signed_off AFTER DELETE ON synthetic_user_state
            REFERENCING OLD TABLE AS old_states FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_signed_up();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'tr_synthetic_pool_signed_up' AND tgrelid = 'synthetic_pool'::regclass) THEN
        CREATE TRIGGER tr_synthetic_pool_signed_up BEFORE INSERT ON synthetic_pool
            FOR EACH ROW EXECUTE FUNCTION synthetic_pool_member_signed_up();
    END IF;
END $$;

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
