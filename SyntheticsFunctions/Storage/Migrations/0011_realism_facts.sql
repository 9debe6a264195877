-- The realism check's facts as plain rows, kept by the writers themselves: the run's transaction
-- and each backfill chunk write a row per session piece and per mindblock signal they wrote
-- (Storage/Declarations/RealismTables.cs), and a row of rule checks per write, so a check only
-- reads and the first check after a backfill has nothing to compute. The engine's own tables.
--
-- The caches of 0008 and 0009 are no longer read or written; they stay while the previous release
-- may still serve (migrations only add) and the next release drops them.

-- A session has a piece per write that added rows to it (a live session spans several ticks);
-- started_at is the session's start on every piece, so a window takes a session whole.
CREATE TABLE IF NOT EXISTS synthetic_realism_pieces (
    session_id        uuid NOT NULL,
    user_id           uuid NOT NULL,
    instance_id       uuid,
    started_at        timestamptz NOT NULL,
    events            integer NOT NULL,
    errored           boolean NOT NULL,
    scenes_opened     integer NOT NULL,
    scenes_completed  integer NOT NULL,
    mindblock_signals integer NOT NULL,
    last_scene_order  integer NOT NULL,
    resistance_sum    integer NOT NULL,
    resistance_count  integer NOT NULL,
    intensity_sum     integer NOT NULL,
    intensity_count   integer NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_pieces_started_at ON synthetic_realism_pieces (started_at);

-- Each mindblock signal event of a session: which mindblock, how intense.
CREATE TABLE IF NOT EXISTS synthetic_realism_signals (
    event_id     uuid PRIMARY KEY,
    session_id   uuid NOT NULL,
    mindblock_id uuid NOT NULL,
    intensity    integer NOT NULL,
    created_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_signals_created_at ON synthetic_realism_signals (created_at);

-- Each write's rule checks over the events it wrote (history from before this table: one row per
-- hour), the span of those events, and its latest capture texts (at most the check's sample).
CREATE TABLE IF NOT EXISTS synthetic_realism_checks (
    write_id            uuid PRIMARY KEY,
    first_at            timestamptz NOT NULL,
    last_at             timestamptz NOT NULL,
    triggers            bigint NOT NULL,
    triggers_outside    bigint NOT NULL,
    scenes_checked      bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked        bigint NOT NULL,
    rows_out_of_order   bigint NOT NULL,
    capture_texts       text[] NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_checks_last_at ON synthetic_realism_checks (last_at);

-- The rule checks, defined once, over the scene events given by id (sim users' tagged ones), as
-- the tables stand when called: a trigger is outside its journey when dated after the journey
-- completed or was abandoned; a completed scene breaks its contract when a required capture or
-- check is missing or its dwell time is outside the limits (a second's rounding allowed); a row
-- is out of order when dated before its journey started, before its scene opened, after its
-- scene completed, or after checked_at. The writers call it in their transaction, after their rows.
CREATE OR REPLACE FUNCTION synthetic_realism_check(event_ids uuid[], checked_at timestamptz)
RETURNS TABLE (first_at timestamptz, last_at timestamptz, triggers bigint, triggers_outside bigint, scenes_checked bigint,
               contract_violations bigint, rows_checked bigint, rows_out_of_order bigint)
LANGUAGE sql STABLE
AS $$
    -- The events by their keys first (an index probe each), then the tag and the sim user: asked
    -- together, the planner may read every tagged event through the tag's index instead.
    WITH given AS MATERIALIZED (
        SELECT x.id, x.user_id, x.instance_id, x.instance_scene_id, x.event_type, x.event_payload, x.created_at
        FROM journey_scene_events x
        WHERE x.id = ANY (event_ids)),
    w AS MATERIALIZED (
        SELECT x.id, x.instance_id, x.instance_scene_id, x.event_type, x.event_payload, x.created_at
        FROM given x
        WHERE x.event_payload->>'synthetic' = 'true' AND EXISTS (SELECT 1 FROM sim_users su WHERE su.profile_id = x.user_id))
    SELECT (SELECT min(w.created_at) FROM w), (SELECT max(w.created_at) FROM w), t.n, t.outside, c.n, c.violations, o.n, o.bad
    FROM (SELECT count(*) AS n,
                 count(*) FILTER (WHERE i.completed_at < tr.created_at OR (i.status = 'abandoned' AND i.last_activity_at < tr.created_at)) AS outside
          FROM w
          JOIN journey_real_world_triggers tr ON tr.id = (w.event_payload->>'trigger_id')::uuid AND tr.metadata->>'synthetic' = 'true'
          JOIN journey_instances i ON i.id = tr.instance_id
          WHERE w.event_type = 'real_world_trigger') t,
         (SELECT count(*) AS n,
                 count(*) FILTER (WHERE s.status <> 'completed' OR s.completed_at IS NULL
                     OR s.completed_at - s.opened_at < make_interval(secs => k.min_dwell_seconds - 1)
                     OR s.completed_at - s.opened_at > make_interval(secs => k.max_dwell_seconds + 1)
                     OR (SELECT count(*) FROM journey_scene_captures x WHERE x.instance_id = s.instance_id AND x.instance_scene_id = s.id) < k.required_captures
                     OR (k.requires_resistance_check AND NOT EXISTS (
                         SELECT 1 FROM journey_resistance_checks r WHERE r.instance_id = s.instance_id AND r.instance_scene_id = s.id))) AS violations
          FROM w
          JOIN journey_instance_scenes s ON s.id = w.instance_scene_id
          JOIN scene_contracts k ON k.scene_id = s.scene_id
          WHERE w.event_type = 'scene_completed') c,
         (SELECT count(*) AS n,
                 count(*) FILTER (WHERE w.created_at > checked_at OR w.created_at < i.started_at OR w.created_at < s.opened_at OR w.created_at > s.completed_at) AS bad
          FROM w
          JOIN journey_instances i ON i.id = w.instance_id
          LEFT JOIN journey_instance_scenes s ON s.id = w.instance_scene_id) o
$$;

-- The facts of the scene events since a moment, derived from the tables as the writers derive
-- them from their rows (a session's pieces as one, the rule checks by hour): fills the history
-- an upgrade finds, and rebuilds the facts of rows written by hand.
CREATE OR REPLACE FUNCTION synthetic_realism_rebuild(since timestamptz) RETURNS void
LANGUAGE sql
AS $$
    DELETE FROM synthetic_realism_pieces WHERE started_at >= since;
    DELETE FROM synthetic_realism_signals WHERE created_at >= since;
    DELETE FROM synthetic_realism_checks WHERE first_at >= since;

    INSERT INTO synthetic_realism_pieces (
        session_id, user_id, instance_id, started_at, events, errored, scenes_opened, scenes_completed, mindblock_signals,
        last_scene_order, resistance_sum, resistance_count, intensity_sum, intensity_count)
    SELECT (e.event_payload->>'session_id')::uuid, (array_agg(e.user_id ORDER BY e.created_at, e.id))[1],
           (array_agg(e.instance_id ORDER BY e.created_at, e.id))[1], min(e.created_at), count(*)::int,
           coalesce(bool_or(e.event_type = 'client_error'), false),
           count(*) FILTER (WHERE e.event_type = 'scene_opened')::int,
           count(*) FILTER (WHERE e.event_type = 'scene_completed')::int,
           count(*) FILTER (WHERE e.event_type = 'mindblock_signal')::int,
           coalesce(max(js.scene_order), 0),
           coalesce(sum((e.event_payload->>'resistance_level')::int) FILTER (WHERE e.event_type = 'resistance_check_completed'), 0)::int,
           count(*) FILTER (WHERE e.event_type = 'resistance_check_completed')::int,
           coalesce(sum((e.event_payload->>'intensity')::int) FILTER (WHERE e.event_type = 'mindblock_signal'), 0)::int,
           count(*) FILTER (WHERE e.event_type = 'mindblock_signal')::int
    FROM journey_scene_events e
    LEFT JOIN journey_scenes js ON js.id = e.scene_id AND e.event_type = 'scene_opened'
    WHERE e.created_at >= since AND e.event_payload->>'synthetic' = 'true' AND e.user_id IN (SELECT profile_id FROM sim_users)
      AND e.event_payload ? 'session_id'
    GROUP BY e.event_payload->>'session_id';

    INSERT INTO synthetic_realism_signals (event_id, session_id, mindblock_id, intensity, created_at)
    SELECT e.id, (e.event_payload->>'session_id')::uuid, (e.event_payload->>'mindblock_id')::uuid, (e.event_payload->>'intensity')::int, e.created_at
    FROM journey_scene_events e
    WHERE e.created_at >= since AND e.event_type = 'mindblock_signal'
      AND e.event_payload->>'synthetic' = 'true' AND e.user_id IN (SELECT profile_id FROM sim_users)
      AND e.event_payload ? 'session_id' AND e.event_payload ? 'mindblock_id' AND e.event_payload ? 'intensity';

    INSERT INTO synthetic_realism_checks (
        write_id, first_at, last_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, capture_texts)
    SELECT md5('realism:' || h.hour::text)::uuid, c.first_at, c.last_at, c.triggers, c.triggers_outside, c.scenes_checked,
           c.contract_violations, c.rows_checked, c.rows_out_of_order, coalesce(x.texts, '{}')
    FROM (SELECT date_trunc('hour', e.created_at) AS hour, array_agg(e.id) AS ids
          FROM journey_scene_events e
          WHERE e.created_at >= since AND e.event_payload->>'synthetic' = 'true' AND e.user_id IN (SELECT profile_id FROM sim_users)
          GROUP BY 1) h
    CROSS JOIN LATERAL synthetic_realism_check(h.ids, now()) c
    LEFT JOIN LATERAL (
        SELECT array_agg(l.response ORDER BY l.created_at DESC) AS texts
        FROM (SELECT x.response, e.created_at
              FROM journey_scene_events e
              JOIN journey_scene_captures x ON x.id = (e.event_payload->>'capture_id')::uuid AND x.metadata->>'synthetic' = 'true'
              WHERE e.id = ANY(h.ids) AND e.event_type = 'capture_submitted'
              ORDER BY e.created_at DESC
              LIMIT 10000) l) x ON true
    WHERE c.first_at IS NOT NULL;
$$;

-- The history an upgrade finds, as far back as a check may look.
SELECT synthetic_realism_rebuild(now() - make_interval(days => coalesce((SELECT retain_days FROM synthetic_settings WHERE id = 1), 45) + 1));
