-- Rollups keep status and activity independent of table size: runs add to them in the same
-- transaction as their rows, cleanup and purge subtract what they delete. They count the
-- engine's rows only: sim users' rows that carry the synthetic tag.
CREATE TABLE IF NOT EXISTS synthetic_event_minutes (
    minute     timestamptz NOT NULL,
    event_type text NOT NULL,
    events     bigint NOT NULL,
    PRIMARY KEY (minute, event_type)
);

-- metric: 'event:<event_type>', sessions, journeys_started, journeys_completed,
-- journeys_abandoned, captures, resistance_checks, mindblock_events.
CREATE TABLE IF NOT EXISTS synthetic_activity_hours (
    hour   timestamptz NOT NULL,
    metric text NOT NULL,
    count  bigint NOT NULL,
    PRIMARY KEY (hour, metric)
);

-- Recomputes both rollups from the tables: after bulk loads, or after rows were deleted by hand.
CREATE OR REPLACE FUNCTION synthetic_rebuild_rollups() RETURNS void
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    DELETE FROM synthetic_event_minutes;
    DELETE FROM synthetic_activity_hours;

    INSERT INTO synthetic_event_minutes (minute, event_type, events)
    SELECT date_trunc('minute', created_at), event_type, count(*)
    FROM journey_scene_events
    WHERE (event_payload->>'synthetic') = 'true' AND user_id IN (SELECT profile_id FROM sim_users)
    GROUP BY 1, 2;

    INSERT INTO synthetic_activity_hours (hour, metric, count)
    SELECT date_trunc('hour', minute), 'event:' || event_type, sum(events) FROM synthetic_event_minutes GROUP BY 1, 2
    UNION ALL
    SELECT date_trunc('hour', window_end), 'sessions', sum(sessions_started) FROM synthetic_runs
    WHERE status = 'succeeded' AND sessions_started > 0 GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', started_at), 'journeys_started', count(*) FROM journey_instances
    WHERE metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', completed_at), 'journeys_completed', count(*) FROM journey_instances
    WHERE status = 'completed' AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', last_activity_at), 'journeys_abandoned', count(*) FROM journey_instances
    WHERE status = 'abandoned' AND metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', created_at), 'captures', count(*) FROM journey_scene_captures
    WHERE metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', created_at), 'resistance_checks', count(*) FROM journey_resistance_checks
    WHERE metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1
    UNION ALL
    SELECT date_trunc('hour', created_at), 'mindblock_events', count(*) FROM mindblock_events
    WHERE metadata->>'synthetic' = 'true' AND user_id IN (SELECT profile_id FROM sim_users) GROUP BY 1;
END $$;

SELECT synthetic_rebuild_rollups();
