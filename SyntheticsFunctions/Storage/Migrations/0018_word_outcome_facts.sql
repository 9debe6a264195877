-- The word and outcome figures' facts as plain rows, kept by the writers like the session pieces
-- (0011): the run's transaction and each backfill chunk write a row per capture, real-world
-- trigger, resistance check and mindblock event they write (Storage/Declarations/RealismTables.cs),
-- so the check reads these narrow tables instead of scanning the journey app's (issue 28: the
-- first check after a 56-day backfill took 22-26 s). The engine's own tables.

-- Each capture: a 64-bit key of its normalised text and whether it has a seam, computed by the
-- writer from the text (Engine/Realism/WordFacts.cs: CaptureFact).
CREATE TABLE IF NOT EXISTS synthetic_realism_captures (
    capture_id uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL,
    text_key   bigint NOT NULL,
    seam       boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_captures_created_at ON synthetic_realism_captures (created_at);

-- Each real-world trigger's description.
CREATE TABLE IF NOT EXISTS synthetic_realism_triggers (
    trigger_id  uuid NOT NULL,
    user_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    description text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_triggers_created_at ON synthetic_realism_triggers (created_at);

-- Each resistance check's level and strategy.
CREATE TABLE IF NOT EXISTS synthetic_realism_resistance (
    check_id   uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL,
    level      integer NOT NULL,
    strategy   text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_resistance_created_at ON synthetic_realism_resistance (created_at);

-- Each mindblock event's signal.
CREATE TABLE IF NOT EXISTS synthetic_realism_signal_choices (
    event_id   uuid NOT NULL,
    user_id    uuid NOT NULL,
    created_at timestamptz NOT NULL,
    signal     text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_realism_signal_choices_created_at ON synthetic_realism_signal_choices (created_at);

-- Captures dated before captures_before have no facts (written before this migration, or rows a
-- rebuild found): the check reads those from journey_scene_captures and keys them as the writers
-- do. No row: every capture has its facts. Retention and purge delete the row once the captures
-- before it are gone.
CREATE TABLE IF NOT EXISTS synthetic_realism_word_history (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    captures_before timestamptz NOT NULL
);

-- The history an upgrade finds: the captures' keys need the engine's code (left to the check, by
-- the row above); the rest is copied here from the synthetic rows (read once; the tables are not altered).
INSERT INTO synthetic_realism_word_history (captures_before)
SELECT now() WHERE EXISTS (SELECT 1 FROM journey_scene_captures WHERE metadata->>'synthetic' = 'true')
ON CONFLICT (id) DO NOTHING;

-- The facts SQL can derive from the tables since a moment (the synthetic rows, as the writers
-- derive them from theirs), and the rest of the realism facts as 0011 rebuilds them. The captures'
-- facts are dropped and the check reads every capture from the table: it fills the history an
-- upgrade finds, and the facts of rows written by hand.
CREATE OR REPLACE FUNCTION synthetic_realism_rebuild_words_and_outcomes(since timestamptz) RETURNS void
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

-- The history an upgrade finds: every synthetic trigger, check and mindblock event (the check
-- reads them from the window's start, whatever retain_days was), keeping the captures' facts.
INSERT INTO synthetic_realism_triggers (trigger_id, user_id, created_at, description)
SELECT t.id, t.user_id, t.created_at, t.description FROM journey_real_world_triggers t WHERE t.metadata->>'synthetic' = 'true';
INSERT INTO synthetic_realism_resistance (check_id, user_id, created_at, level, strategy)
SELECT r.id, r.user_id, r.created_at, r.resistance_level, r.strategy FROM journey_resistance_checks r WHERE r.metadata->>'synthetic' = 'true';
INSERT INTO synthetic_realism_signal_choices (event_id, user_id, created_at, signal)
SELECT m.id, m.user_id, m.created_at, m.signal FROM mindblock_events m WHERE m.metadata->>'synthetic' = 'true';

-- One rebuild of every realism fact: 0011's (the sessions' facts, left as it is for the release
-- before this one) and the above.
CREATE OR REPLACE FUNCTION synthetic_realism_rebuild_all(since timestamptz) RETURNS void
LANGUAGE sql
AS $$
    SELECT synthetic_realism_rebuild(since);
    SELECT synthetic_realism_rebuild_words_and_outcomes(since);
$$;
