-- PostgreSQL database dump

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

-- Name: synthetic_pool_state_follow(); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_pool_state_follow() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO '$user', 'public'
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

-- Name: synthetic_pool_zones_follow(); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_pool_zones_follow() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO '$user', 'public'
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

-- Name: synthetic_realism_check(uuid[], timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_realism_check(event_ids uuid[], checked_at timestamp with time zone) RETURNS TABLE(first_at timestamp with time zone, last_at timestamp with time zone, triggers bigint, triggers_outside bigint, scenes_checked bigint, contract_violations bigint, rows_checked bigint, rows_out_of_order bigint)
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

-- Name: synthetic_realism_rebuild(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_realism_rebuild(since timestamp with time zone) RETURNS void
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

-- Name: synthetic_realism_rebuild_all(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_realism_rebuild_all(since timestamp with time zone) RETURNS void
    LANGUAGE sql
    AS $$
    SELECT synthetic_realism_rebuild(since);
    SELECT synthetic_realism_rebuild_words_and_outcomes(since);
$$;

-- Name: synthetic_realism_rebuild_words_and_outcomes(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_realism_rebuild_words_and_outcomes(since timestamp with time zone) RETURNS void
    LANGUAGE sql
    AS $$
    DELETE FROM synthetic_realism_triggers WHERE created_at >= since;
    DELETE FROM synthetic_realism_resistance WHERE created_at >= since;
    DELETE FROM synthetic_realism_signal_choices WHERE created_at >= since;
    DELETE FROM synthetic_realism_captures;
    INSERT INTO synthetic_realism_word_history (captures_before) VALUES ('infinity')
    ON CONFLICT (id) DO UPDATE SET captures_before = 'infinity';

    INSERT INTO synthetic_realism_triggers (trigger_id, user_id, created_at, description)
    SELECT t.id, t.user_id, t.created_at, t.description FROM journey_real_world_triggers t
    WHERE t.created_at >= since AND t.metadata->>'synthetic' = 'true';

    INSERT INTO synthetic_realism_resistance (check_id, user_id, created_at, level, strategy)
    SELECT r.id, r.user_id, r.created_at, r.resistance_level, r.strategy FROM journey_resistance_checks r
    WHERE r.created_at >= since AND r.metadata->>'synthetic' = 'true';

    INSERT INTO synthetic_realism_signal_choices (event_id, user_id, created_at, signal)
    SELECT m.id, m.user_id, m.created_at, m.signal FROM mindblock_events m
    WHERE m.created_at >= since AND m.metadata->>'synthetic' = 'true';
$$;

-- Name: synthetic_rebuild_rollups(); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_rebuild_rollups() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO '$user', 'public'
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

-- Name: synthetic_settings_audit(); Type: FUNCTION; Schema: public; Owner: -

CREATE FUNCTION public.synthetic_settings_audit() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO '$user', 'public'
    AS $$
BEGIN
    IF to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
        INSERT INTO synthetic_settings_history (changed_at, source, old_values, new_values)
        VALUES (
            coalesce(nullif(current_setting('synthetics.changed_at', true), '')::timestamptz, clock_timestamp()),
            coalesce(nullif(current_setting('synthetics.source', true), ''), 'sql:' || current_user),
            to_jsonb(OLD) - 'id',
            to_jsonb(NEW) - 'id');
    END IF;
    RETURN NEW;
END $$;

SET default_tablespace = '';

-- Name: journey_instance_scenes; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_instance_scenes (
    id uuid NOT NULL,
    instance_id uuid NOT NULL,
    user_id uuid NOT NULL,
    scene_id uuid NOT NULL,
    status text NOT NULL,
    opened_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT journey_instance_scenes_status_check CHECK ((status = ANY (ARRAY['in_progress'::text, 'completed'::text, 'abandoned'::text])))
);

-- Name: journey_instances; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_instances (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    journey_id uuid NOT NULL,
    status text NOT NULL,
    current_scene_order integer NOT NULL,
    started_at timestamp with time zone NOT NULL,
    last_activity_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT journey_instances_status_check CHECK ((status = ANY (ARRAY['active'::text, 'completed'::text, 'abandoned'::text])))
);

-- Name: journey_real_world_triggers; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_real_world_triggers (
    id uuid NOT NULL,
    instance_id uuid NOT NULL,
    user_id uuid NOT NULL,
    trigger_type text NOT NULL,
    description text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: journey_resistance_checks; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_resistance_checks (
    id uuid NOT NULL,
    instance_id uuid NOT NULL,
    instance_scene_id uuid NOT NULL,
    user_id uuid NOT NULL,
    scene_id uuid NOT NULL,
    resistance_level integer NOT NULL,
    strategy text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT journey_resistance_checks_resistance_level_check CHECK (((resistance_level >= 0) AND (resistance_level <= 10)))
);

-- Name: journey_scene_captures; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_scene_captures (
    id uuid NOT NULL,
    instance_id uuid NOT NULL,
    instance_scene_id uuid NOT NULL,
    user_id uuid NOT NULL,
    scene_id uuid NOT NULL,
    prompt text NOT NULL,
    response text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: journey_scene_events; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_scene_events (
    id uuid NOT NULL,
    instance_id uuid NOT NULL,
    instance_scene_id uuid,
    user_id uuid NOT NULL,
    scene_id uuid,
    event_type text NOT NULL,
    event_payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL
);

-- Name: journey_scenes; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journey_scenes (
    id uuid NOT NULL,
    journey_id uuid NOT NULL,
    scene_order integer NOT NULL,
    title text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: journeys; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.journeys (
    id uuid NOT NULL,
    slug text NOT NULL,
    title text NOT NULL,
    clinical_focus text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: mindblock_events; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.mindblock_events (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    mindblock_id uuid NOT NULL,
    instance_id uuid,
    signal text NOT NULL,
    intensity integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT mindblock_events_intensity_check CHECK (((intensity >= 1) AND (intensity <= 10)))
);

-- Name: mindblocks; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.mindblocks (
    id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    clinical_focus text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: profiles; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.profiles (
    id uuid NOT NULL,
    display_name text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);

-- Name: scene_contracts; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.scene_contracts (
    id uuid NOT NULL,
    scene_id uuid NOT NULL,
    required_captures integer NOT NULL,
    capture_prompt text,
    requires_resistance_check boolean NOT NULL,
    min_dwell_seconds integer NOT NULL,
    max_dwell_seconds integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT scene_contracts_check CHECK ((max_dwell_seconds >= min_dwell_seconds)),
    CONSTRAINT scene_contracts_min_dwell_seconds_check CHECK ((min_dwell_seconds > 0)),
    CONSTRAINT scene_contracts_required_captures_check CHECK (((required_captures >= 0) AND (required_captures <= 5)))
);

-- Name: sim_users; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.sim_users (
    profile_id uuid NOT NULL,
    persona text NOT NULL,
    timezone text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    retired_at timestamp with time zone
);

-- Name: synthetic_activity_hours; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_activity_hours (
    hour timestamp with time zone NOT NULL,
    metric text NOT NULL,
    count bigint NOT NULL
);

-- Name: synthetic_backfills; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_backfills (
    id uuid NOT NULL,
    state text NOT NULL,
    days integer NOT NULL,
    seed bigint NOT NULL,
    purge_first boolean NOT NULL,
    settings jsonb NOT NULL,
    existing_users integer,
    window_start timestamp with time zone NOT NULL,
    window_end timestamp with time zone NOT NULL,
    cursor timestamp with time zone NOT NULL,
    chunks integer DEFAULT 0 NOT NULL,
    rows_written jsonb DEFAULT '{}'::jsonb NOT NULL,
    write_ms double precision DEFAULT 0 NOT NULL,
    cancel_requested boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    error text,
    members jsonb,
    failed_attempts integer DEFAULT 0 NOT NULL,
    CONSTRAINT synthetic_backfills_days_check CHECK (((days >= 1) AND (days <= 3650))),
    CONSTRAINT synthetic_backfills_state_check CHECK ((state = ANY (ARRAY['queued'::text, 'running'::text, 'succeeded'::text, 'failed'::text, 'cancelled'::text])))
);

-- Name: synthetic_cleanups; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_cleanups (
    id uuid NOT NULL,
    kind text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    cutoff timestamp with time zone,
    retain_days integer,
    rows_deleted jsonb NOT NULL,
    transactions integer NOT NULL,
    max_rows_per_transaction integer NOT NULL,
    CONSTRAINT synthetic_cleanups_kind_check CHECK ((kind = ANY (ARRAY['cleanup'::text, 'retention'::text, 'purge'::text])))
);

-- Name: synthetic_created_tables; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_created_tables (
    table_name text NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);

-- Name: synthetic_event_minutes; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_event_minutes (
    minute timestamp with time zone NOT NULL,
    event_type text NOT NULL,
    events bigint NOT NULL
);

-- Name: synthetic_installation; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_installation (
    id boolean DEFAULT true NOT NULL,
    seed bigint NOT NULL,
    history_start timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT synthetic_installation_id_check CHECK (id)
);

-- Name: synthetic_open_instances; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_open_instances (
    instance_id uuid NOT NULL,
    user_id uuid NOT NULL,
    last_activity_at timestamp with time zone NOT NULL
);

-- Name: synthetic_pool; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_pool (
    profile_id uuid NOT NULL,
    persona text NOT NULL,
    timezone text NOT NULL,
    enlisted_at timestamp with time zone NOT NULL,
    available_at timestamp with time zone,
    retired_at timestamp with time zone,
    signed_up boolean DEFAULT false NOT NULL,
    churned boolean DEFAULT false NOT NULL,
    listed boolean DEFAULT true NOT NULL
);

-- Name: synthetic_pool_cursor; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_pool_cursor (
    id boolean DEFAULT true NOT NULL,
    sim_users_from uuid DEFAULT '00000000-0000-0000-0000-000000000000'::uuid NOT NULL,
    members_from uuid DEFAULT '00000000-0000-0000-0000-000000000000'::uuid NOT NULL,
    CONSTRAINT synthetic_pool_cursor_id_check CHECK (id)
);

-- Name: synthetic_pool_zones; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_pool_zones (
    timezone text NOT NULL,
    members bigint NOT NULL
);

-- Name: synthetic_realism_captures; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_captures (
    capture_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    text_key bigint NOT NULL,
    seam boolean NOT NULL
);

-- Name: synthetic_realism_checks; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_checks (
    write_id uuid NOT NULL,
    first_at timestamp with time zone NOT NULL,
    last_at timestamp with time zone NOT NULL,
    triggers bigint NOT NULL,
    triggers_outside bigint NOT NULL,
    scenes_checked bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked bigint NOT NULL,
    rows_out_of_order bigint NOT NULL,
    capture_texts text[] NOT NULL,
    capture_count integer GENERATED ALWAYS AS (cardinality(capture_texts)) STORED
);

-- Name: synthetic_realism_days; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_days (
    day date NOT NULL,
    events bigint NOT NULL,
    computed_at timestamp with time zone NOT NULL,
    triggers bigint NOT NULL,
    triggers_outside bigint NOT NULL,
    scenes_checked bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked bigint NOT NULL,
    rows_out_of_order bigint NOT NULL,
    captures integer NOT NULL,
    capture_texts text[] NOT NULL
);

-- Name: synthetic_realism_hours; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_hours (
    hour timestamp with time zone NOT NULL,
    events bigint NOT NULL,
    computed_at timestamp with time zone NOT NULL,
    triggers bigint NOT NULL,
    triggers_outside bigint NOT NULL,
    scenes_checked bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked bigint NOT NULL,
    rows_out_of_order bigint NOT NULL,
    captures integer NOT NULL,
    capture_texts text[] NOT NULL,
    layout integer NOT NULL,
    sessions bytea NOT NULL,
    signals bytea NOT NULL
);
ALTER TABLE ONLY public.synthetic_realism_hours ALTER COLUMN sessions SET STORAGE EXTERNAL;
ALTER TABLE ONLY public.synthetic_realism_hours ALTER COLUMN signals SET STORAGE EXTERNAL;

-- Name: synthetic_realism_pieces; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_pieces (
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    instance_id uuid,
    started_at timestamp with time zone NOT NULL,
    events integer NOT NULL,
    errored boolean NOT NULL,
    scenes_opened integer NOT NULL,
    scenes_completed integer NOT NULL,
    mindblock_signals integer NOT NULL,
    last_scene_order integer NOT NULL,
    resistance_sum integer NOT NULL,
    resistance_count integer NOT NULL,
    intensity_sum integer NOT NULL,
    intensity_count integer NOT NULL,
    last_event_at timestamp with time zone
);

-- Name: synthetic_realism_resistance; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_resistance (
    check_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    level integer NOT NULL,
    strategy text NOT NULL
);

-- Name: synthetic_realism_sessions; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_sessions (
    day date NOT NULL,
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    instance_id uuid NOT NULL,
    started_at timestamp with time zone NOT NULL,
    events integer NOT NULL,
    abandoned boolean NOT NULL,
    errored boolean NOT NULL,
    scenes_opened integer NOT NULL,
    mindblock_signals integer NOT NULL,
    last_scene_order integer NOT NULL,
    resistance_sum integer NOT NULL,
    resistance_count integer NOT NULL,
    intensity_sum integer NOT NULL,
    intensity_count integer NOT NULL,
    mindblock_ids uuid[] NOT NULL,
    intensities integer[] NOT NULL
);

-- Name: synthetic_realism_signal_choices; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_signal_choices (
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    signal text NOT NULL
);

-- Name: synthetic_realism_signals; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_signals (
    event_id uuid NOT NULL,
    session_id uuid NOT NULL,
    mindblock_id uuid NOT NULL,
    intensity integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);

-- Name: synthetic_realism_triggers; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_triggers (
    trigger_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    description text NOT NULL
);

-- Name: synthetic_realism_word_history; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_realism_word_history (
    id boolean DEFAULT true NOT NULL,
    captures_before timestamp with time zone NOT NULL,
    CONSTRAINT synthetic_realism_word_history_id_check CHECK (id)
);

-- Name: synthetic_runs; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_runs (
    id uuid NOT NULL,
    trigger text NOT NULL,
    status text NOT NULL,
    seed bigint NOT NULL,
    window_start timestamp with time zone NOT NULL,
    window_end timestamp with time zone NOT NULL,
    sessions_requested integer NOT NULL,
    sessions_started integer NOT NULL,
    sessions_continued integer NOT NULL,
    carry_over integer NOT NULL,
    rows_written jsonb NOT NULL,
    duration_ms double precision NOT NULL,
    retries integer NOT NULL,
    error text,
    failure_category text,
    correlation_id text,
    CONSTRAINT synthetic_runs_failure_category_check CHECK ((failure_category = ANY (ARRAY['database_unavailable'::text, 'internal_error'::text, 'owner_function'::text]))),
    CONSTRAINT synthetic_runs_status_check CHECK ((status = ANY (ARRAY['succeeded'::text, 'failed'::text]))),
    CONSTRAINT synthetic_runs_trigger_check CHECK ((trigger = ANY (ARRAY['cron'::text, 'manual'::text, 'backfill'::text])))
);

-- Name: synthetic_sessions; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_sessions (
    profile_id uuid NOT NULL,
    session_id uuid NOT NULL,
    seed bigint NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    written_until timestamp with time zone NOT NULL,
    instance_id uuid NOT NULL,
    journey_id uuid NOT NULL,
    start_scene_order integer NOT NULL,
    new_instance boolean NOT NULL,
    instance_started_at timestamp with time zone NOT NULL,
    mindblock_chance numeric NOT NULL,
    abandon_rate numeric NOT NULL,
    error_rate numeric NOT NULL,
    progress double precision DEFAULT 0 NOT NULL,
    practice_until_order integer,
    persona text
);

-- Name: synthetic_settings; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_settings (
    id integer NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    sessions_per_min numeric DEFAULT 2 NOT NULL,
    max_per_run integer DEFAULT 5 NOT NULL,
    error_rate numeric DEFAULT 0.03 NOT NULL,
    abandon_rate numeric DEFAULT 0.08 NOT NULL,
    mindblock_chance numeric DEFAULT 0.45 NOT NULL,
    retain_days integer DEFAULT 45 NOT NULL,
    idle_abandon_days integer DEFAULT 7 NOT NULL,
    growth_percent_per_30_days numeric DEFAULT 0 NOT NULL,
    holiday_damping boolean DEFAULT true NOT NULL,
    CONSTRAINT synthetic_settings_abandon_rate_check CHECK (((abandon_rate >= (0)::numeric) AND (abandon_rate <= (1)::numeric))),
    CONSTRAINT synthetic_settings_error_rate_check CHECK (((error_rate >= (0)::numeric) AND (error_rate <= (1)::numeric))),
    CONSTRAINT synthetic_settings_growth_percent_per_30_days_check CHECK (((growth_percent_per_30_days >= (0)::numeric) AND (growth_percent_per_30_days <= (200)::numeric))),
    CONSTRAINT synthetic_settings_id_check CHECK ((id = 1)),
    CONSTRAINT synthetic_settings_idle_abandon_days_check CHECK (((idle_abandon_days >= 1) AND (idle_abandon_days <= 365))),
    CONSTRAINT synthetic_settings_max_per_run_check CHECK (((max_per_run >= 1) AND (max_per_run <= 200))),
    CONSTRAINT synthetic_settings_mindblock_chance_check CHECK (((mindblock_chance >= (0)::numeric) AND (mindblock_chance <= (1)::numeric))),
    CONSTRAINT synthetic_settings_retain_days_check CHECK (((retain_days >= 1) AND (retain_days <= 3650))),
    CONSTRAINT synthetic_settings_sessions_per_min_check CHECK (((sessions_per_min >= (0)::numeric) AND (sessions_per_min <= (120)::numeric)))
);

-- Name: synthetic_settings_history; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_settings_history (
    id bigint NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    source text NOT NULL,
    old_values jsonb NOT NULL,
    new_values jsonb NOT NULL
);

-- Name: synthetic_settings_history_id_seq; Type: SEQUENCE; Schema: public; Owner: -

ALTER TABLE public.synthetic_settings_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.synthetic_settings_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: synthetic_user_state; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetic_user_state (
    profile_id uuid NOT NULL,
    signup_at timestamp with time zone NOT NULL,
    persona text NOT NULL,
    engagement double precision NOT NULL,
    chronotype_shift_hours double precision NOT NULL,
    lifecycle text NOT NULL,
    next_session_at timestamp with time zone,
    last_session_at timestamp with time zone,
    local_day date,
    sessions_that_day integer NOT NULL,
    sessions integer NOT NULL,
    last_session_ends_at timestamp with time zone,
    progress double precision DEFAULT 0 NOT NULL,
    CONSTRAINT synthetic_user_state_lifecycle_check CHECK ((lifecycle = ANY (ARRAY['new'::text, 'active'::text, 'lapsing'::text, 'lapsed'::text, 'returning'::text, 'churned'::text])))
);

-- Name: synthetics_schema_versions; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.synthetics_schema_versions (
    schemaversionsid integer NOT NULL,
    scriptname character varying(255) NOT NULL,
    applied timestamp without time zone NOT NULL
);

-- Name: synthetics_schema_versions_schemaversionsid_seq; Type: SEQUENCE; Schema: public; Owner: -

CREATE SEQUENCE public.synthetics_schema_versions_schemaversionsid_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- Name: synthetics_schema_versions_schemaversionsid_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -

ALTER SEQUENCE public.synthetics_schema_versions_schemaversionsid_seq OWNED BY public.synthetics_schema_versions.schemaversionsid;

-- Name: user_mindblock_status; Type: TABLE; Schema: public; Owner: -

CREATE TABLE public.user_mindblock_status (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    mindblock_id uuid NOT NULL,
    status text NOT NULL,
    intensity integer NOT NULL,
    event_count integer NOT NULL,
    last_event_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT user_mindblock_status_intensity_check CHECK (((intensity >= 1) AND (intensity <= 10)))
);

-- Name: synthetics_schema_versions schemaversionsid; Type: DEFAULT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetics_schema_versions ALTER COLUMN schemaversionsid SET DEFAULT nextval('public.synthetics_schema_versions_schemaversionsid_seq'::regclass);

-- Data for Name: journey_instance_scenes; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_instance_scenes VALUES
	('00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'completed', '2026-01-01 08:00:00+00', '2026-01-01 08:05:00+00', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: journey_instances; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_instances VALUES
	('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'completed', 1, '2026-01-01 08:00:00+00', '2026-01-01 08:05:00+00', '2026-01-01 08:05:00+00', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: journey_real_world_triggers; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_real_world_triggers VALUES
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', 'reminder', 'Practise before the meeting', '2026-01-01 08:04:00+00', '{"synthetic": true}');

-- Data for Name: journey_resistance_checks; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_resistance_checks VALUES
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 4, 'breathing', '2026-01-01 08:03:00+00', '{"synthetic": true}');

-- Data for Name: journey_scene_captures; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_scene_captures VALUES
	('00000000-0000-4000-8000-000000000009', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'What did you notice?', 'My shoulders were tense.', '2026-01-01 08:02:00+00', '{"synthetic": true}');

-- Data for Name: journey_scene_events; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_scene_events VALUES
	('00000000-0000-4000-8000-000000000008', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000007', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', 'scene_opened', '{"synthetic": true}', '2026-01-01 08:00:00+00');

-- Data for Name: journey_scenes; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journey_scenes VALUES
	('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', 1, 'Fixture scene', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: journeys; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.journeys VALUES
	('00000000-0000-4000-8000-000000000002', 'fixture-journey', 'Fixture journey', 'stress', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: mindblock_events; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.mindblock_events VALUES
	('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000006', 'noticed', 5, '2026-01-01 08:04:00+00', '{"synthetic": true}');

-- Data for Name: mindblocks; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.mindblocks VALUES
	('00000000-0000-4000-8000-000000000005', 'fixture-block', 'Fixture block', 'stress', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: profiles; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.profiles VALUES
	('00000000-0000-4000-8000-000000000001', 'Fixture user', '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: scene_contracts; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.scene_contracts VALUES
	('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000003', 1, 'What did you notice?', true, 30, 120, '2026-01-01 08:00:00+00', '{"synthetic": true}');

-- Data for Name: sim_users; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.sim_users VALUES
	('00000000-0000-4000-8000-000000000001', 'steady_habit_builder', 'Europe/London', '2026-01-01 08:00:00+00', NULL);

-- Data for Name: synthetic_activity_hours; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_activity_hours VALUES
	('2026-01-01 08:00:00+00', 'event:scene_opened', 1);

-- Data for Name: synthetic_backfills; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_backfills VALUES
	('00000000-0000-4000-8000-000000000011', 'succeeded', 1, 7, false, '{}', 1, '2025-12-31 08:00:00+00', '2026-01-01 07:00:00+00', '2026-01-01 07:00:00+00', 0, '{}', 0, false, '2025-12-31 08:00:00+00', '2025-12-31 08:00:00+00', '2026-01-01 07:00:00+00', '2026-01-01 07:00:00+00', NULL, NULL, 0);

-- Data for Name: synthetic_cleanups; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_cleanups VALUES
	('00000000-0000-4000-8000-000000000010', 'retention', '2026-01-01 08:00:00+00', '2025-11-17 08:00:00+00', 45, '{}', 0, 0);

-- Data for Name: synthetic_created_tables; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_created_tables VALUES
	('profiles', '2026-01-01 00:00:01+00'),
	('sim_users', '2026-01-01 00:00:01+00'),
	('journeys', '2026-01-01 00:00:01+00'),
	('journey_scenes', '2026-01-01 00:00:01+00'),
	('scene_contracts', '2026-01-01 00:00:01+00'),
	('mindblocks', '2026-01-01 00:00:01+00'),
	('journey_instances', '2026-01-01 00:00:01+00'),
	('journey_instance_scenes', '2026-01-01 00:00:01+00'),
	('journey_scene_events', '2026-01-01 00:00:01+00'),
	('journey_scene_captures', '2026-01-01 00:00:01+00'),
	('journey_resistance_checks', '2026-01-01 00:00:01+00'),
	('journey_real_world_triggers', '2026-01-01 00:00:01+00'),
	('mindblock_events', '2026-01-01 00:00:01+00'),
	('user_mindblock_status', '2026-01-01 00:00:01+00');

-- Data for Name: synthetic_event_minutes; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_event_minutes VALUES
	('2026-01-01 08:00:00+00', 'scene_opened', 1);

-- Data for Name: synthetic_installation; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_installation VALUES
	(true, 42, '2026-01-01 08:00:00+00', '2026-01-01 08:00:00+00');

-- Data for Name: synthetic_open_instances; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_open_instances VALUES
	('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:05:00+00');

-- Data for Name: synthetic_pool; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_pool VALUES
	('00000000-0000-4000-8000-000000000001', 'steady_habit_builder', 'Europe/London', '2026-01-01 08:00:00+00', '2026-01-01 08:00:00+00', NULL, true, false, true);

-- Data for Name: synthetic_pool_cursor; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_pool_cursor VALUES
	(true, '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000');

-- Data for Name: synthetic_pool_zones; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_pool_zones VALUES
	('Europe/London', 1);

-- Data for Name: synthetic_realism_captures; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_captures VALUES
	('00000000-0000-4000-8000-000000000009', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:02:00+00', 0, false);

-- Data for Name: synthetic_realism_checks; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_checks VALUES
	('00000000-0000-4000-8000-000000000022', '2026-01-01 08:00:00+00', '2026-01-01 08:01:00+00', 0, 0, 0, 0, 2, 0, '{"My shoulders were tense."}', DEFAULT);

-- Data for Name: synthetic_realism_days; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_days VALUES
	('2026-01-01', 1, '2026-01-02 00:00:00+00', 1, 0, 1, 0, 1, 0, 1, '{"My shoulders were tense."}');

-- Data for Name: synthetic_realism_hours; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_hours VALUES
	('2026-01-01 08:00:00+00', 1, '2026-01-01 09:00:00+00', 1, 0, 1, 0, 1, 0, 1, '{"My shoulders were tense."}', 0, '\x', '\x');

-- Data for Name: synthetic_realism_pieces; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_pieces VALUES
	('00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', '2026-01-01 08:00:00+00', 2, false, 1, 0, 1, 1, 0, 0, 6, 1, NULL);

-- Data for Name: synthetic_realism_resistance; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_resistance VALUES
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:03:00+00', 6, 'breathe');

-- Data for Name: synthetic_realism_sessions; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_sessions VALUES
	('2026-01-01', '00000000-0000-4000-8000-00000000000f', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000006', '2026-01-01 08:00:00+00', 1, false, false, 1, 1, 1, 4, 1, 5, 1, '{00000000-0000-4000-8000-000000000005}', '{5}');

-- Data for Name: synthetic_realism_signal_choices; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_signal_choices VALUES
	('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:04:30+00', 'noticed');

-- Data for Name: synthetic_realism_signals; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_signals VALUES
	('00000000-0000-4000-8000-000000000021', '00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000004', 6, '2026-01-01 08:01:00+00');

-- Data for Name: synthetic_realism_triggers; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_triggers VALUES
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:04:00+00', 'A call with my manager');

-- Data for Name: synthetic_realism_word_history; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_realism_word_history VALUES
	(true, '2026-01-01 08:00:00+00');

-- Data for Name: synthetic_runs; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_runs VALUES
	('00000000-0000-4000-8000-00000000000e', 'cron', 'succeeded', 1, '2026-01-01 07:59:00+00', '2026-01-01 08:00:00+00', 1, 1, 0, 0, '{"journey_scene_events": 1}', 12.5, 0, NULL, NULL, NULL);

-- Data for Name: synthetic_sessions; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_sessions VALUES
	('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000f', 1, '2026-01-01 08:00:00+00', '2026-01-01 08:05:00+00', '2026-01-01 08:05:00+00', '00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000002', 1, true, '2026-01-01 08:00:00+00', 0.45, 0.08, 0.03, 0, NULL, NULL);

-- Data for Name: synthetic_settings; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_settings VALUES
	(1, true, 2, 5, 0.03, 0.08, 0.45, 45, 7, 0, true);

-- Data for Name: synthetic_settings_history; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_settings_history OVERRIDING SYSTEM VALUE VALUES
	(1, '2026-01-01 08:00:00+00', 'api', '{"enabled": true}', '{"enabled": false}');

-- Data for Name: synthetic_user_state; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetic_user_state VALUES
	('00000000-0000-4000-8000-000000000001', '2026-01-01 08:00:00+00', 'steady_habit_builder', 1, 0, 'active', '2026-01-02 08:00:00+00', '2026-01-01 08:00:00+00', '2026-01-01', 1, 1, '2026-01-01 08:05:00+00', 0.1);

-- Data for Name: synthetics_schema_versions; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.synthetics_schema_versions VALUES
	(1, 'SyntheticsFunctions.Storage.Migrations.0001_schema.sql', '2026-01-01 00:00:01'),
	(2, 'SyntheticsFunctions.Storage.Migrations.0002_settings_history.sql', '2026-01-01 00:00:02'),
	(3, 'SyntheticsFunctions.Storage.Migrations.0003_cleanups.sql', '2026-01-01 00:00:03'),
	(4, 'SyntheticsFunctions.Storage.Migrations.0004_rollups.sql', '2026-01-01 00:00:04'),
	(5, 'SyntheticsFunctions.Storage.Migrations.0005_runs_and_population.sql', '2026-01-01 00:00:05'),
	(6, 'SyntheticsFunctions.Storage.Migrations.0006_backfill.sql', '2026-01-01 00:00:06'),
	(7, 'SyntheticsFunctions.Storage.Migrations.0007_practice_sessions.sql', '2026-01-01 00:00:07'),
	(8, 'SyntheticsFunctions.Storage.Migrations.0008_realism.sql', '2026-01-01 00:00:08'),
	(9, 'SyntheticsFunctions.Storage.Migrations.0009_realism_hours.sql', '2026-01-01 00:00:09'),
	(10, 'SyntheticsFunctions.Storage.Migrations.0010_pool.sql', '2026-01-01 00:00:10'),
	(11, 'SyntheticsFunctions.Storage.Migrations.0011_realism_facts.sql', '2026-01-01 00:00:11'),
	(12, 'SyntheticsFunctions.Storage.Migrations.0012_realism_capture_count.sql', '2026-01-01 00:00:12'),
	(13, 'SyntheticsFunctions.Storage.Migrations.0013_installation.sql', '2026-01-01 00:00:13'),
	(14, 'SyntheticsFunctions.Storage.Migrations.0014_activity_days.sql', '2026-01-01 00:00:14'),
	(15, 'SyntheticsFunctions.Storage.Migrations.0015_session_persona.sql', '2026-01-01 00:00:15'),
	(16, 'SyntheticsFunctions.Storage.Migrations.0016_backfill_attempts.sql', '2026-01-01 00:00:16'),
	(17, 'SyntheticsFunctions.Storage.Migrations.0017_flat_tick.sql', '2026-01-01 00:00:17'),
	(18, 'SyntheticsFunctions.Storage.Migrations.0018_word_outcome_facts.sql', '2026-01-01 00:00:18'),
	(19, 'SyntheticsFunctions.Storage.Migrations.0019_flat_pool.sql', '2026-01-01 00:00:19');

-- Data for Name: user_mindblock_status; Type: TABLE DATA; Schema: public; Owner: -

INSERT INTO public.user_mindblock_status VALUES
	('00000000-0000-4000-8000-00000000000d', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000005', 'active', 5, 1, '2026-01-01 08:04:00+00', '2026-01-01 08:04:00+00', '{"synthetic": true}');

-- Name: synthetic_settings_history_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -

SELECT pg_catalog.setval('public.synthetic_settings_history_id_seq', 1, true);

-- Name: synthetics_schema_versions_schemaversionsid_seq; Type: SEQUENCE SET; Schema: public; Owner: -

SELECT pg_catalog.setval('public.synthetics_schema_versions_schemaversionsid_seq', 19, true);

-- Name: synthetics_schema_versions PK_synthetics_schema_versions_Id; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetics_schema_versions
    ADD CONSTRAINT "PK_synthetics_schema_versions_Id" PRIMARY KEY (schemaversionsid);

-- Name: journey_instance_scenes journey_instance_scenes_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instance_scenes
    ADD CONSTRAINT journey_instance_scenes_pkey PRIMARY KEY (id);

-- Name: journey_instances journey_instances_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instances
    ADD CONSTRAINT journey_instances_pkey PRIMARY KEY (id);

-- Name: journey_real_world_triggers journey_real_world_triggers_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_real_world_triggers
    ADD CONSTRAINT journey_real_world_triggers_pkey PRIMARY KEY (id);

-- Name: journey_resistance_checks journey_resistance_checks_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_resistance_checks
    ADD CONSTRAINT journey_resistance_checks_pkey PRIMARY KEY (id);

-- Name: journey_scene_captures journey_scene_captures_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_captures
    ADD CONSTRAINT journey_scene_captures_pkey PRIMARY KEY (id);

-- Name: journey_scene_events journey_scene_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_events
    ADD CONSTRAINT journey_scene_events_pkey PRIMARY KEY (id);

-- Name: journey_scenes journey_scenes_journey_id_scene_order_key; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scenes
    ADD CONSTRAINT journey_scenes_journey_id_scene_order_key UNIQUE (journey_id, scene_order);

-- Name: journey_scenes journey_scenes_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scenes
    ADD CONSTRAINT journey_scenes_pkey PRIMARY KEY (id);

-- Name: journeys journeys_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journeys
    ADD CONSTRAINT journeys_pkey PRIMARY KEY (id);

-- Name: journeys journeys_slug_key; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journeys
    ADD CONSTRAINT journeys_slug_key UNIQUE (slug);

-- Name: mindblock_events mindblock_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblock_events
    ADD CONSTRAINT mindblock_events_pkey PRIMARY KEY (id);

-- Name: mindblocks mindblocks_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblocks
    ADD CONSTRAINT mindblocks_pkey PRIMARY KEY (id);

-- Name: mindblocks mindblocks_slug_key; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblocks
    ADD CONSTRAINT mindblocks_slug_key UNIQUE (slug);

-- Name: profiles profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.profiles
    ADD CONSTRAINT profiles_pkey PRIMARY KEY (id);

-- Name: scene_contracts scene_contracts_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.scene_contracts
    ADD CONSTRAINT scene_contracts_pkey PRIMARY KEY (id);

-- Name: scene_contracts scene_contracts_scene_id_key; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.scene_contracts
    ADD CONSTRAINT scene_contracts_scene_id_key UNIQUE (scene_id);

-- Name: sim_users sim_users_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.sim_users
    ADD CONSTRAINT sim_users_pkey PRIMARY KEY (profile_id);

-- Name: synthetic_activity_hours synthetic_activity_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_activity_hours
    ADD CONSTRAINT synthetic_activity_hours_pkey PRIMARY KEY (hour, metric);

-- Name: synthetic_backfills synthetic_backfills_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_backfills
    ADD CONSTRAINT synthetic_backfills_pkey PRIMARY KEY (id);

-- Name: synthetic_cleanups synthetic_cleanups_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_cleanups
    ADD CONSTRAINT synthetic_cleanups_pkey PRIMARY KEY (id);

-- Name: synthetic_created_tables synthetic_created_tables_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_created_tables
    ADD CONSTRAINT synthetic_created_tables_pkey PRIMARY KEY (table_name);

-- Name: synthetic_event_minutes synthetic_event_minutes_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_event_minutes
    ADD CONSTRAINT synthetic_event_minutes_pkey PRIMARY KEY (minute, event_type);

-- Name: synthetic_installation synthetic_installation_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_installation
    ADD CONSTRAINT synthetic_installation_pkey PRIMARY KEY (id);

-- Name: synthetic_open_instances synthetic_open_instances_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_open_instances
    ADD CONSTRAINT synthetic_open_instances_pkey PRIMARY KEY (instance_id);

-- Name: synthetic_pool_cursor synthetic_pool_cursor_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_pool_cursor
    ADD CONSTRAINT synthetic_pool_cursor_pkey PRIMARY KEY (id);

-- Name: synthetic_pool synthetic_pool_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_pool
    ADD CONSTRAINT synthetic_pool_pkey PRIMARY KEY (profile_id);

-- Name: synthetic_pool_zones synthetic_pool_zones_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_pool_zones
    ADD CONSTRAINT synthetic_pool_zones_pkey PRIMARY KEY (timezone);

-- Name: synthetic_realism_checks synthetic_realism_checks_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_checks
    ADD CONSTRAINT synthetic_realism_checks_pkey PRIMARY KEY (write_id);

-- Name: synthetic_realism_days synthetic_realism_days_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_days
    ADD CONSTRAINT synthetic_realism_days_pkey PRIMARY KEY (day);

-- Name: synthetic_realism_hours synthetic_realism_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_hours
    ADD CONSTRAINT synthetic_realism_hours_pkey PRIMARY KEY (hour);

-- Name: synthetic_realism_sessions synthetic_realism_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_sessions
    ADD CONSTRAINT synthetic_realism_sessions_pkey PRIMARY KEY (day, session_id);

-- Name: synthetic_realism_signals synthetic_realism_signals_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_signals
    ADD CONSTRAINT synthetic_realism_signals_pkey PRIMARY KEY (event_id);

-- Name: synthetic_realism_word_history synthetic_realism_word_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_realism_word_history
    ADD CONSTRAINT synthetic_realism_word_history_pkey PRIMARY KEY (id);

-- Name: synthetic_runs synthetic_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_runs
    ADD CONSTRAINT synthetic_runs_pkey PRIMARY KEY (id);

-- Name: synthetic_sessions synthetic_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_sessions
    ADD CONSTRAINT synthetic_sessions_pkey PRIMARY KEY (profile_id);

-- Name: synthetic_settings_history synthetic_settings_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_settings_history
    ADD CONSTRAINT synthetic_settings_history_pkey PRIMARY KEY (id);

-- Name: synthetic_settings synthetic_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_settings
    ADD CONSTRAINT synthetic_settings_pkey PRIMARY KEY (id);

-- Name: synthetic_user_state synthetic_user_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.synthetic_user_state
    ADD CONSTRAINT synthetic_user_state_pkey PRIMARY KEY (profile_id);

-- Name: user_mindblock_status user_mindblock_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.user_mindblock_status
    ADD CONSTRAINT user_mindblock_status_pkey PRIMARY KEY (id);

-- Name: user_mindblock_status user_mindblock_status_user_id_mindblock_id_key; Type: CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.user_mindblock_status
    ADD CONSTRAINT user_mindblock_status_user_id_mindblock_id_key UNIQUE (user_id, mindblock_id);

-- Name: ix_synthetic_cleanups_started_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_cleanups_started_at ON public.synthetic_cleanups USING btree (started_at DESC);

-- Name: ix_synthetic_open_instances_last_activity; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_open_instances_last_activity ON public.synthetic_open_instances USING btree (last_activity_at);

-- Name: ix_synthetic_pool_active; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_pool_active ON public.synthetic_pool USING btree (profile_id) WHERE (retired_at IS NULL);

-- Name: ix_synthetic_pool_available; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_pool_available ON public.synthetic_pool USING btree (available_at NULLS FIRST, profile_id) WHERE (retired_at IS NULL);

-- Name: ix_synthetic_pool_churning; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_pool_churning ON public.synthetic_pool USING btree (profile_id) WHERE (churned AND (retired_at IS NULL));

-- Name: ix_synthetic_pool_unsigned; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_pool_unsigned ON public.synthetic_pool USING btree (available_at NULLS FIRST, profile_id) WHERE ((retired_at IS NULL) AND listed AND (NOT signed_up));

-- Name: ix_synthetic_realism_captures_created_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_captures_created_at ON public.synthetic_realism_captures USING btree (created_at);

-- Name: ix_synthetic_realism_checks_last_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_checks_last_at ON public.synthetic_realism_checks USING btree (last_at);

-- Name: ix_synthetic_realism_pieces_started_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_pieces_started_at ON public.synthetic_realism_pieces USING btree (started_at);

-- Name: ix_synthetic_realism_resistance_created_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_resistance_created_at ON public.synthetic_realism_resistance USING btree (created_at);

-- Name: ix_synthetic_realism_signal_choices_created_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_signal_choices_created_at ON public.synthetic_realism_signal_choices USING btree (created_at);

-- Name: ix_synthetic_realism_signals_created_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_signals_created_at ON public.synthetic_realism_signals USING btree (created_at);

-- Name: ix_synthetic_realism_triggers_created_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_realism_triggers_created_at ON public.synthetic_realism_triggers USING btree (created_at);

-- Name: ix_synthetic_runs_trigger_window; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_runs_trigger_window ON public.synthetic_runs USING btree (trigger, status, window_end DESC);

-- Name: ix_synthetic_runs_window_end; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_runs_window_end ON public.synthetic_runs USING btree (window_end DESC);

-- Name: ix_synthetic_sessions_instance_id; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_sessions_instance_id ON public.synthetic_sessions USING btree (instance_id);

-- Name: ix_synthetic_settings_history_changed_at; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_settings_history_changed_at ON public.synthetic_settings_history USING btree (changed_at DESC);

-- Name: ix_synthetic_user_state_churned; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_user_state_churned ON public.synthetic_user_state USING btree (last_session_at) WHERE (lifecycle = 'churned'::text);

-- Name: ix_synthetic_user_state_due; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_user_state_due ON public.synthetic_user_state USING btree (COALESCE(next_session_at, 'infinity'::timestamp with time zone), profile_id);

-- Name: ix_synthetic_user_state_next_session; Type: INDEX; Schema: public; Owner: -

CREATE INDEX ix_synthetic_user_state_next_session ON public.synthetic_user_state USING btree (next_session_at);

-- Name: ux_synthetic_backfills_one_active; Type: INDEX; Schema: public; Owner: -

CREATE UNIQUE INDEX ux_synthetic_backfills_one_active ON public.synthetic_backfills USING btree ((true)) WHERE (state = ANY (ARRAY['queued'::text, 'running'::text]));

-- Name: synthetic_user_state synthetic_pool_state_delete; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_state_delete AFTER DELETE ON public.synthetic_user_state REFERENCING OLD TABLE AS synthetic_user_state_old FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_state_follow();

-- Name: synthetic_user_state synthetic_pool_state_insert; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_state_insert AFTER INSERT ON public.synthetic_user_state REFERENCING NEW TABLE AS synthetic_user_state_new FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_state_follow();

-- Name: synthetic_user_state synthetic_pool_state_update; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_state_update AFTER UPDATE ON public.synthetic_user_state REFERENCING NEW TABLE AS synthetic_user_state_new FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_state_follow();

-- Name: synthetic_pool synthetic_pool_zones_delete; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_zones_delete AFTER DELETE ON public.synthetic_pool REFERENCING OLD TABLE AS synthetic_pool_old FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_zones_follow();

-- Name: synthetic_pool synthetic_pool_zones_insert; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_zones_insert AFTER INSERT ON public.synthetic_pool REFERENCING NEW TABLE AS synthetic_pool_new FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_zones_follow();

-- Name: synthetic_pool synthetic_pool_zones_update; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_pool_zones_update AFTER UPDATE ON public.synthetic_pool REFERENCING OLD TABLE AS synthetic_pool_old NEW TABLE AS synthetic_pool_new FOR EACH STATEMENT EXECUTE FUNCTION public.synthetic_pool_zones_follow();

-- Name: synthetic_settings synthetic_settings_audit; Type: TRIGGER; Schema: public; Owner: -

CREATE TRIGGER synthetic_settings_audit AFTER UPDATE ON public.synthetic_settings FOR EACH ROW EXECUTE FUNCTION public.synthetic_settings_audit();

-- Name: journey_instance_scenes journey_instance_scenes_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instance_scenes
    ADD CONSTRAINT journey_instance_scenes_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: journey_instance_scenes journey_instance_scenes_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instance_scenes
    ADD CONSTRAINT journey_instance_scenes_scene_id_fkey FOREIGN KEY (scene_id) REFERENCES public.journey_scenes(id);

-- Name: journey_instance_scenes journey_instance_scenes_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instance_scenes
    ADD CONSTRAINT journey_instance_scenes_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_instances journey_instances_journey_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instances
    ADD CONSTRAINT journey_instances_journey_id_fkey FOREIGN KEY (journey_id) REFERENCES public.journeys(id);

-- Name: journey_instances journey_instances_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_instances
    ADD CONSTRAINT journey_instances_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_real_world_triggers journey_real_world_triggers_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_real_world_triggers
    ADD CONSTRAINT journey_real_world_triggers_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: journey_real_world_triggers journey_real_world_triggers_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_real_world_triggers
    ADD CONSTRAINT journey_real_world_triggers_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_resistance_checks journey_resistance_checks_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_resistance_checks
    ADD CONSTRAINT journey_resistance_checks_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: journey_resistance_checks journey_resistance_checks_instance_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_resistance_checks
    ADD CONSTRAINT journey_resistance_checks_instance_scene_id_fkey FOREIGN KEY (instance_scene_id) REFERENCES public.journey_instance_scenes(id);

-- Name: journey_resistance_checks journey_resistance_checks_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_resistance_checks
    ADD CONSTRAINT journey_resistance_checks_scene_id_fkey FOREIGN KEY (scene_id) REFERENCES public.journey_scenes(id);

-- Name: journey_resistance_checks journey_resistance_checks_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_resistance_checks
    ADD CONSTRAINT journey_resistance_checks_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_scene_captures journey_scene_captures_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_captures
    ADD CONSTRAINT journey_scene_captures_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: journey_scene_captures journey_scene_captures_instance_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_captures
    ADD CONSTRAINT journey_scene_captures_instance_scene_id_fkey FOREIGN KEY (instance_scene_id) REFERENCES public.journey_instance_scenes(id);

-- Name: journey_scene_captures journey_scene_captures_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_captures
    ADD CONSTRAINT journey_scene_captures_scene_id_fkey FOREIGN KEY (scene_id) REFERENCES public.journey_scenes(id);

-- Name: journey_scene_captures journey_scene_captures_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_captures
    ADD CONSTRAINT journey_scene_captures_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_scene_events journey_scene_events_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_events
    ADD CONSTRAINT journey_scene_events_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: journey_scene_events journey_scene_events_instance_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_events
    ADD CONSTRAINT journey_scene_events_instance_scene_id_fkey FOREIGN KEY (instance_scene_id) REFERENCES public.journey_instance_scenes(id);

-- Name: journey_scene_events journey_scene_events_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_events
    ADD CONSTRAINT journey_scene_events_scene_id_fkey FOREIGN KEY (scene_id) REFERENCES public.journey_scenes(id);

-- Name: journey_scene_events journey_scene_events_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scene_events
    ADD CONSTRAINT journey_scene_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: journey_scenes journey_scenes_journey_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.journey_scenes
    ADD CONSTRAINT journey_scenes_journey_id_fkey FOREIGN KEY (journey_id) REFERENCES public.journeys(id);

-- Name: mindblock_events mindblock_events_instance_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblock_events
    ADD CONSTRAINT mindblock_events_instance_id_fkey FOREIGN KEY (instance_id) REFERENCES public.journey_instances(id);

-- Name: mindblock_events mindblock_events_mindblock_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblock_events
    ADD CONSTRAINT mindblock_events_mindblock_id_fkey FOREIGN KEY (mindblock_id) REFERENCES public.mindblocks(id);

-- Name: mindblock_events mindblock_events_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.mindblock_events
    ADD CONSTRAINT mindblock_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- Name: scene_contracts scene_contracts_scene_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.scene_contracts
    ADD CONSTRAINT scene_contracts_scene_id_fkey FOREIGN KEY (scene_id) REFERENCES public.journey_scenes(id);

-- Name: sim_users sim_users_profile_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.sim_users
    ADD CONSTRAINT sim_users_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id);

-- Name: user_mindblock_status user_mindblock_status_mindblock_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.user_mindblock_status
    ADD CONSTRAINT user_mindblock_status_mindblock_id_fkey FOREIGN KEY (mindblock_id) REFERENCES public.mindblocks(id);

-- Name: user_mindblock_status user_mindblock_status_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -

ALTER TABLE ONLY public.user_mindblock_status
    ADD CONSTRAINT user_mindblock_status_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id);

-- PostgreSQL database dump complete

