-- A cron tick flat in the pool's size (issue 28): what the tick asked of the whole pool each time
-- (who has not signed up, who is churned and not yet retired, how many active members live in
-- each time zone) is kept on the engine's own tables as its own writes change it, so the tick
-- reads it through an index that stops at its LIMIT, or from a row per time zone.
-- Kept by statement triggers on the engine's own tables only (synthetic_pool,
-- synthetic_user_state): never on the journey app's tables.

-- signed_up: the member has a row in synthetic_user_state. churned: that row's lifecycle is
-- 'churned'. listed: the member was in sim_users when the engine last looked (enlisted, or a
-- cron tick's slice of the pool, see PoolSql.ReconcileSlice); a claim still probes sim_users by
-- key for every person it takes.
ALTER TABLE synthetic_pool ADD COLUMN IF NOT EXISTS signed_up boolean NOT NULL DEFAULT false;
ALTER TABLE synthetic_pool ADD COLUMN IF NOT EXISTS churned boolean NOT NULL DEFAULT false;
ALTER TABLE synthetic_pool ADD COLUMN IF NOT EXISTS listed boolean NOT NULL DEFAULT true;
UPDATE synthetic_pool pm
SET signed_up = us.profile_id IS NOT NULL,
    churned = coalesce(us.lifecycle = 'churned', false),
    listed = EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = pm.profile_id)
FROM synthetic_pool p0
LEFT JOIN synthetic_user_state us ON us.profile_id = p0.profile_id
WHERE p0.profile_id = pm.profile_id;

-- Members who may still sign up, in the order the claim takes them (their profile's appearance,
-- unknown first, then id): only those without a state, so the claim's LIMIT reaches the index.
-- (0017's ix_synthetic_pool_available stays while the release before may serve; the next drops it.)
CREATE INDEX IF NOT EXISTS ix_synthetic_pool_unsigned
    ON synthetic_pool (available_at NULLS FIRST, profile_id) WHERE retired_at IS NULL AND listed AND NOT signed_up;

-- Members who left and have not retired yet: the ones a tick retires.
CREATE INDEX IF NOT EXISTS ix_synthetic_pool_churning ON synthetic_pool (profile_id) WHERE churned AND retired_at IS NULL;

-- Active members (not retired, listed) by time zone: the activity curve's pool and the cap's count.
CREATE TABLE IF NOT EXISTS synthetic_pool_zones (
    timezone text PRIMARY KEY,
    members  bigint NOT NULL
);
DELETE FROM synthetic_pool_zones;
INSERT INTO synthetic_pool_zones (timezone, members)
SELECT timezone, count(*) FROM synthetic_pool WHERE retired_at IS NULL AND listed GROUP BY timezone;

-- Where the cron tick's next slices of sim_users and of the pool start (by profile_id, inclusive).
CREATE TABLE IF NOT EXISTS synthetic_pool_cursor (
    id             boolean PRIMARY KEY DEFAULT true CHECK (id),
    sim_users_from uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    members_from   uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'
);
INSERT INTO synthetic_pool_cursor (id) VALUES (true) ON CONFLICT (id) DO NOTHING;

-- synthetic_pool_zones follows every change of synthetic_pool (one upsert per statement, zones in order).
CREATE OR REPLACE FUNCTION synthetic_pool_zones_follow() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO synthetic_pool_zones (timezone, members)
        SELECT n.timezone, count(*) FROM synthetic_pool_new n WHERE n.retired_at IS NULL AND n.listed GROUP BY n.timezone ORDER BY n.timezone
        ON CONFLICT (timezone) DO UPDATE SET members = synthetic_pool_zones.members + excluded.members;
        -- A member whose state was written before their pool row.
        IF EXISTS (SELECT 1 FROM synthetic_pool_new) THEN
            UPDATE synthetic_pool pm SET signed_up = true, churned = us.lifecycle = 'churned'
            FROM synthetic_pool_new n JOIN synthetic_user_state us ON us.profile_id = n.profile_id
            WHERE pm.profile_id = n.profile_id;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO synthetic_pool_zones (timezone, members)
        SELECT o.timezone, -count(*) FROM synthetic_pool_old o WHERE o.retired_at IS NULL AND o.listed GROUP BY o.timezone ORDER BY o.timezone
        ON CONFLICT (timezone) DO UPDATE SET members = synthetic_pool_zones.members + excluded.members;
    ELSE
        INSERT INTO synthetic_pool_zones (timezone, members)
        SELECT d.timezone, sum(d.members) FROM (
            SELECT n.timezone, 1 AS members FROM synthetic_pool_new n WHERE n.retired_at IS NULL AND n.listed
            UNION ALL
            SELECT o.timezone, -1 FROM synthetic_pool_old o WHERE o.retired_at IS NULL AND o.listed) d
        GROUP BY d.timezone HAVING sum(d.members) <> 0 ORDER BY d.timezone
        ON CONFLICT (timezone) DO UPDATE SET members = synthetic_pool_zones.members + excluded.members;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER synthetic_pool_zones_insert AFTER INSERT ON synthetic_pool
    REFERENCING NEW TABLE AS synthetic_pool_new FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_zones_follow();
CREATE OR REPLACE TRIGGER synthetic_pool_zones_update AFTER UPDATE ON synthetic_pool
    REFERENCING OLD TABLE AS synthetic_pool_old NEW TABLE AS synthetic_pool_new FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_zones_follow();
CREATE OR REPLACE TRIGGER synthetic_pool_zones_delete AFTER DELETE ON synthetic_pool
    REFERENCING OLD TABLE AS synthetic_pool_old FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_zones_follow();

-- synthetic_pool's signed_up and churned follow synthetic_user_state (only rows that change are written).
CREATE OR REPLACE FUNCTION synthetic_pool_state_follow() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE synthetic_pool pm SET signed_up = false, churned = false
        FROM synthetic_user_state_old o
        WHERE pm.profile_id = o.profile_id AND (pm.signed_up OR pm.churned)
          AND NOT EXISTS (SELECT 1 FROM synthetic_user_state us WHERE us.profile_id = o.profile_id);
    ELSE
        UPDATE synthetic_pool pm SET signed_up = true, churned = n.lifecycle = 'churned'
        FROM synthetic_user_state_new n
        WHERE pm.profile_id = n.profile_id AND (NOT pm.signed_up OR pm.churned <> (n.lifecycle = 'churned'));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER synthetic_pool_state_insert AFTER INSERT ON synthetic_user_state
    REFERENCING NEW TABLE AS synthetic_user_state_new FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_state_follow();
CREATE OR REPLACE TRIGGER synthetic_pool_state_update AFTER UPDATE ON synthetic_user_state
    REFERENCING NEW TABLE AS synthetic_user_state_new FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_state_follow();
CREATE OR REPLACE TRIGGER synthetic_pool_state_delete AFTER DELETE ON synthetic_user_state
    REFERENCING OLD TABLE AS synthetic_user_state_old FOR EACH STATEMENT EXECUTE FUNCTION synthetic_pool_state_follow();
