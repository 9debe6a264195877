-- The rule checks of migration 0011, the same figures, with a plan that no longer depends on the
-- journey tables' statistics. The writers call the check in the transaction that wrote the rows,
-- often just after a purge or on a fresh install: the statistics then may say a table with
-- thousands of pages holds no row (an ANALYZE that ran while a chunk's COPY was uncommitted, or
-- a VACUUM after a purge), the planner takes it for one row, and a nested loop over a full index
-- scan of journey_instances, inside a loop over the chunk's triggers, turns a check of a few
-- thousand events into millions of probes (over 30 s on a 2-day test backfill). The engine may
-- not ANALYZE the journey app's tables, so the check's shape is fixed instead:
--   * every lookup is a probe by key, driven by the given events: each joined row is fetched in a
--     LATERAL subquery fenced with OFFSET 0 (LIMIT 1 for the sim-user test, an EXISTS as before),
--     so the planner cannot reorder or flatten it;
--   * enable_seqscan is off while the function runs (a function-level SET), so a probe is an index
--     scan whatever the statistics say (every probe has an index: primary keys, scene_contracts'
--     unique scene_id, and the recommended instance_id indexes).
-- A check then costs a few index probes per event it is given, however large the tables are.
CREATE OR REPLACE FUNCTION synthetic_realism_check(event_ids uuid[], checked_at timestamptz)
RETURNS TABLE (first_at timestamptz, last_at timestamptz, triggers bigint, triggers_outside bigint, scenes_checked bigint,
               contract_violations bigint, rows_checked bigint, rows_out_of_order bigint)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    WITH given AS MATERIALIZED (
        SELECT x.id, x.user_id, x.instance_id, x.instance_scene_id, x.event_type, x.event_payload, x.created_at
        FROM journey_scene_events x
        WHERE x.id = ANY (event_ids)),
    w AS MATERIALIZED (
        SELECT x.id, x.instance_id, x.instance_scene_id, x.event_type, x.event_payload, x.created_at
        FROM given x
        CROSS JOIN LATERAL (SELECT 1 FROM sim_users su WHERE su.profile_id = x.user_id LIMIT 1) su
        WHERE x.event_payload->>'synthetic' = 'true')
    SELECT (SELECT min(w.created_at) FROM w), (SELECT max(w.created_at) FROM w), t.n, t.outside, c.n, c.violations, o.n, o.bad
    FROM (SELECT count(*) AS n,
                 count(*) FILTER (WHERE i.completed_at < tr.created_at OR (i.status = 'abandoned' AND i.last_activity_at < tr.created_at)) AS outside
          FROM w
          CROSS JOIN LATERAL (
              SELECT tr.instance_id, tr.created_at FROM journey_real_world_triggers tr
              WHERE tr.id = (w.event_payload->>'trigger_id')::uuid AND tr.metadata->>'synthetic' = 'true' OFFSET 0) tr
          CROSS JOIN LATERAL (
              SELECT i.completed_at, i.status, i.last_activity_at FROM journey_instances i WHERE i.id = tr.instance_id OFFSET 0) i
          WHERE w.event_type = 'real_world_trigger') t,
         (SELECT count(*) AS n,
                 count(*) FILTER (WHERE s.status <> 'completed' OR s.completed_at IS NULL
                     OR s.completed_at - s.opened_at < make_interval(secs => k.min_dwell_seconds - 1)
                     OR s.completed_at - s.opened_at > make_interval(secs => k.max_dwell_seconds + 1)
                     OR (SELECT count(*) FROM journey_scene_captures x WHERE x.instance_id = s.instance_id AND x.instance_scene_id = s.id) < k.required_captures
                     OR (k.requires_resistance_check AND NOT EXISTS (
                         SELECT 1 FROM journey_resistance_checks r WHERE r.instance_id = s.instance_id AND r.instance_scene_id = s.id OFFSET 0))) AS violations
          FROM w
          CROSS JOIN LATERAL (
              SELECT s.id, s.instance_id, s.scene_id, s.status, s.opened_at, s.completed_at FROM journey_instance_scenes s
              WHERE s.id = w.instance_scene_id OFFSET 0) s
          CROSS JOIN LATERAL (
              SELECT k.min_dwell_seconds, k.max_dwell_seconds, k.required_captures, k.requires_resistance_check FROM scene_contracts k
              WHERE k.scene_id = s.scene_id OFFSET 0) k
          WHERE w.event_type = 'scene_completed') c,
         (SELECT count(*) AS n,
                 count(*) FILTER (WHERE w.created_at > checked_at OR w.created_at < i.started_at OR w.created_at < s.opened_at OR w.created_at > s.completed_at) AS bad
          FROM w
          CROSS JOIN LATERAL (SELECT i.started_at FROM journey_instances i WHERE i.id = w.instance_id OFFSET 0) i
          LEFT JOIN LATERAL (
              SELECT s.opened_at, s.completed_at FROM journey_instance_scenes s WHERE s.id = w.instance_scene_id OFFSET 0) s ON true) o
$$;
