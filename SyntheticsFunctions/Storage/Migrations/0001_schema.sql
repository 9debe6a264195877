-- Creates what is missing and never alters what exists: the app may be pointed at the
-- journey app's own database, whose tables are the app's, not ours. Every table created here
-- is recorded in synthetic_created_tables, so seeding knows where it may add rows.
-- Runs with search_path set to the configured schema.

CREATE TABLE IF NOT EXISTS synthetic_created_tables (
    table_name text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

DO $$
DECLARE
    fk record;
BEGIN
    IF to_regclass('profiles') IS NULL THEN
        CREATE TABLE profiles (
            id           uuid PRIMARY KEY,
            display_name text NOT NULL,
            created_at   timestamptz NOT NULL,
            metadata     jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('profiles');
    END IF;

    IF to_regclass('sim_users') IS NULL THEN
        CREATE TABLE sim_users (
            profile_id uuid NOT NULL PRIMARY KEY,
            persona    text NOT NULL,
            timezone   text NOT NULL,
            created_at timestamptz NOT NULL,
            retired_at timestamptz
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('sim_users');
    END IF;

    IF to_regclass('journeys') IS NULL THEN
        CREATE TABLE journeys (
            id             uuid PRIMARY KEY,
            slug           text NOT NULL UNIQUE,
            title          text NOT NULL,
            clinical_focus text NOT NULL,
            created_at     timestamptz NOT NULL,
            metadata       jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journeys');
    END IF;

    IF to_regclass('journey_scenes') IS NULL THEN
        CREATE TABLE journey_scenes (
            id          uuid PRIMARY KEY,
            journey_id  uuid NOT NULL,
            scene_order integer NOT NULL,
            title       text NOT NULL,
            created_at  timestamptz NOT NULL,
            metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
            UNIQUE (journey_id, scene_order)
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_scenes');
    END IF;

    IF to_regclass('scene_contracts') IS NULL THEN
        CREATE TABLE scene_contracts (
            id                        uuid PRIMARY KEY,
            scene_id                  uuid NOT NULL UNIQUE,
            required_captures         integer NOT NULL CHECK (required_captures BETWEEN 0 AND 5),
            capture_prompt            text,
            requires_resistance_check boolean NOT NULL,
            min_dwell_seconds         integer NOT NULL CHECK (min_dwell_seconds > 0),
            max_dwell_seconds         integer NOT NULL CHECK (max_dwell_seconds >= min_dwell_seconds),
            created_at                timestamptz NOT NULL,
            metadata                  jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('scene_contracts');
    END IF;

    IF to_regclass('mindblocks') IS NULL THEN
        CREATE TABLE mindblocks (
            id             uuid PRIMARY KEY,
            slug           text NOT NULL UNIQUE,
            name           text NOT NULL,
            clinical_focus text NOT NULL,
            created_at     timestamptz NOT NULL,
            metadata       jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('mindblocks');
    END IF;

    IF to_regclass('journey_instances') IS NULL THEN
        CREATE TABLE journey_instances (
            id                  uuid PRIMARY KEY,
            user_id             uuid NOT NULL,
            journey_id          uuid NOT NULL,
            status              text NOT NULL CHECK (status IN ('active', 'completed', 'abandoned')),
            current_scene_order integer NOT NULL,
            started_at          timestamptz NOT NULL,
            last_activity_at    timestamptz NOT NULL,
            completed_at        timestamptz,
            created_at          timestamptz NOT NULL,
            metadata            jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_instances');
    END IF;

    IF to_regclass('journey_instance_scenes') IS NULL THEN
        CREATE TABLE journey_instance_scenes (
            id           uuid PRIMARY KEY,
            instance_id  uuid NOT NULL,
            user_id      uuid NOT NULL,
            scene_id     uuid NOT NULL,
            status       text NOT NULL CHECK (status IN ('in_progress', 'completed', 'abandoned')),
            opened_at    timestamptz NOT NULL,
            completed_at timestamptz,
            created_at   timestamptz NOT NULL,
            metadata     jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_instance_scenes');
    END IF;

    IF to_regclass('journey_scene_events') IS NULL THEN
        CREATE TABLE journey_scene_events (
            id                uuid PRIMARY KEY,
            instance_id       uuid NOT NULL,
            instance_scene_id uuid,
            user_id           uuid NOT NULL,
            scene_id          uuid,
            event_type        text NOT NULL,
            event_payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at        timestamptz NOT NULL
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_scene_events');
    END IF;

    IF to_regclass('journey_scene_captures') IS NULL THEN
        CREATE TABLE journey_scene_captures (
            id                uuid PRIMARY KEY,
            instance_id       uuid NOT NULL,
            instance_scene_id uuid NOT NULL,
            user_id           uuid NOT NULL,
            scene_id          uuid NOT NULL,
            prompt            text NOT NULL,
            response          text NOT NULL,
            created_at        timestamptz NOT NULL,
            metadata          jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_scene_captures');
    END IF;

    IF to_regclass('journey_resistance_checks') IS NULL THEN
        CREATE TABLE journey_resistance_checks (
            id                uuid PRIMARY KEY,
            instance_id       uuid NOT NULL,
            instance_scene_id uuid NOT NULL,
            user_id           uuid NOT NULL,
            scene_id          uuid NOT NULL,
            resistance_level  integer NOT NULL CHECK (resistance_level BETWEEN 0 AND 10),
            strategy          text NOT NULL,
            created_at        timestamptz NOT NULL,
            metadata          jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_resistance_checks');
    END IF;

    IF to_regclass('journey_real_world_triggers') IS NULL THEN
        CREATE TABLE journey_real_world_triggers (
            id           uuid PRIMARY KEY,
            instance_id  uuid NOT NULL,
            user_id      uuid NOT NULL,
            trigger_type text NOT NULL,
            description  text NOT NULL,
            created_at   timestamptz NOT NULL,
            metadata     jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('journey_real_world_triggers');
    END IF;

    IF to_regclass('mindblock_events') IS NULL THEN
        CREATE TABLE mindblock_events (
            id           uuid PRIMARY KEY,
            user_id      uuid NOT NULL,
            mindblock_id uuid NOT NULL,
            instance_id  uuid,
            signal       text NOT NULL,
            intensity    integer NOT NULL CHECK (intensity BETWEEN 1 AND 10),
            created_at   timestamptz NOT NULL,
            metadata     jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('mindblock_events');
    END IF;

    IF to_regclass('user_mindblock_status') IS NULL THEN
        CREATE TABLE user_mindblock_status (
            id            uuid PRIMARY KEY,
            user_id       uuid NOT NULL,
            mindblock_id  uuid NOT NULL,
            status        text NOT NULL,
            intensity     integer NOT NULL CHECK (intensity BETWEEN 1 AND 10),
            event_count   integer NOT NULL,
            last_event_at timestamptz NOT NULL,
            updated_at    timestamptz NOT NULL,
            metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
            UNIQUE (user_id, mindblock_id)
        );
        INSERT INTO synthetic_created_tables (table_name) VALUES ('user_mindblock_status');
    END IF;
    -- Foreign keys only between tables this app created: a key to a table of the journey app's
    -- would take a lock on it and add triggers to it. The seed's tables reference each other by id.
    FOR fk IN SELECT * FROM (VALUES
            ('sim_users', 'profile_id', 'profiles'),
            ('journey_scenes', 'journey_id', 'journeys'),
            ('scene_contracts', 'scene_id', 'journey_scenes'),
            ('journey_instances', 'user_id', 'profiles'),
            ('journey_instances', 'journey_id', 'journeys'),
            ('journey_instance_scenes', 'instance_id', 'journey_instances'),
            ('journey_instance_scenes', 'user_id', 'profiles'),
            ('journey_instance_scenes', 'scene_id', 'journey_scenes'),
            ('journey_scene_events', 'instance_id', 'journey_instances'),
            ('journey_scene_events', 'instance_scene_id', 'journey_instance_scenes'),
            ('journey_scene_events', 'user_id', 'profiles'),
            ('journey_scene_events', 'scene_id', 'journey_scenes'),
            ('journey_scene_captures', 'instance_id', 'journey_instances'),
            ('journey_scene_captures', 'instance_scene_id', 'journey_instance_scenes'),
            ('journey_scene_captures', 'user_id', 'profiles'),
            ('journey_scene_captures', 'scene_id', 'journey_scenes'),
            ('journey_resistance_checks', 'instance_id', 'journey_instances'),
            ('journey_resistance_checks', 'instance_scene_id', 'journey_instance_scenes'),
            ('journey_resistance_checks', 'user_id', 'profiles'),
            ('journey_resistance_checks', 'scene_id', 'journey_scenes'),
            ('journey_real_world_triggers', 'instance_id', 'journey_instances'),
            ('journey_real_world_triggers', 'user_id', 'profiles'),
            ('mindblock_events', 'user_id', 'profiles'),
            ('mindblock_events', 'mindblock_id', 'mindblocks'),
            ('mindblock_events', 'instance_id', 'journey_instances'),
            ('user_mindblock_status', 'user_id', 'profiles'),
            ('user_mindblock_status', 'mindblock_id', 'mindblocks')
        ) AS v(child, child_column, parent)
    LOOP
        IF EXISTS (SELECT 1 FROM synthetic_created_tables WHERE table_name = fk.child)
           AND EXISTS (SELECT 1 FROM synthetic_created_tables WHERE table_name = fk.parent) THEN
            EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (%I) REFERENCES %I (id)', fk.child, fk.child_column, fk.parent);
        END IF;
    END LOOP;
END $$;

-- Control tables belong to this app alone.
CREATE TABLE IF NOT EXISTS synthetic_settings (
    id                int PRIMARY KEY CHECK (id = 1),
    enabled           boolean NOT NULL DEFAULT true,
    sessions_per_min  numeric NOT NULL DEFAULT 2 CHECK (sessions_per_min BETWEEN 0 AND 120),
    max_per_run       integer NOT NULL DEFAULT 5 CHECK (max_per_run BETWEEN 1 AND 200),
    error_rate        numeric NOT NULL DEFAULT 0.03 CHECK (error_rate BETWEEN 0 AND 1),
    abandon_rate      numeric NOT NULL DEFAULT 0.08 CHECK (abandon_rate BETWEEN 0 AND 1),
    mindblock_chance  numeric NOT NULL DEFAULT 0.45 CHECK (mindblock_chance BETWEEN 0 AND 1),
    retain_days       integer NOT NULL DEFAULT 45 CHECK (retain_days BETWEEN 1 AND 3650),
    idle_abandon_days integer NOT NULL DEFAULT 7 CHECK (idle_abandon_days BETWEEN 1 AND 365)
);
INSERT INTO synthetic_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS synthetic_runs (
    id                 uuid PRIMARY KEY,
    trigger            text NOT NULL CHECK (trigger IN ('cron', 'manual')),
    status             text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    seed               bigint NOT NULL,
    window_start       timestamptz NOT NULL,
    window_end         timestamptz NOT NULL,
    sessions_requested integer NOT NULL,
    sessions_started   integer NOT NULL,
    sessions_continued integer NOT NULL,
    carry_over         integer NOT NULL,
    rows_written       jsonb NOT NULL,
    duration_ms        double precision NOT NULL,
    retries            integer NOT NULL,
    error              text
);
CREATE INDEX IF NOT EXISTS ix_synthetic_runs_trigger_window ON synthetic_runs (trigger, status, window_end DESC);
CREATE INDEX IF NOT EXISTS ix_synthetic_runs_window_end ON synthetic_runs (window_end DESC);

-- A session in progress: its plan is a pure function of these inputs, so only the seed,
-- the start state and how far it has been written are kept.
CREATE TABLE IF NOT EXISTS synthetic_sessions (
    profile_id        uuid PRIMARY KEY,
    session_id        uuid NOT NULL,
    seed              bigint NOT NULL,
    started_at        timestamptz NOT NULL,
    ends_at           timestamptz NOT NULL,
    written_until     timestamptz NOT NULL,
    instance_id       uuid NOT NULL,
    journey_id        uuid NOT NULL,
    start_scene_order integer NOT NULL,
    new_instance      boolean NOT NULL,
    instance_started_at timestamptz NOT NULL,
    mindblock_chance  numeric NOT NULL,
    abandon_rate      numeric NOT NULL,
    error_rate        numeric NOT NULL
);

-- The indexes on the journey tables (the seed's monitoring queries and this app's own reads)
-- are declared in Storage/Declarations/Indexes.cs: built by the migrator on tables this app
-- created, only recommended on tables that already existed (a plain CREATE INDEX there would
-- block the journey app's writes while it builds).
