-- The realism check's daily cache (Storage/RealismStore.cs): each UTC day's synthetic sessions,
-- as the day's scene events show them, and the day's rule checks. A day is computed once and
-- computed again only when the events rollup counts a different number of events for it (rows
-- written late, by a backfill, deleted by cleanup or purge), so the check reads rollups, not the
-- event table, on all but the changed days. The engine's own tables; nothing else reads them.
CREATE TABLE IF NOT EXISTS synthetic_realism_days (
    day                 date PRIMARY KEY,
    events              bigint NOT NULL,
    computed_at         timestamptz NOT NULL,
    triggers            bigint NOT NULL,
    triggers_outside    bigint NOT NULL,
    scenes_checked      bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked        bigint NOT NULL,
    rows_out_of_order   bigint NOT NULL,
    captures            integer NOT NULL,
    capture_texts       text[] NOT NULL
);

-- A session that crosses midnight has a row on each day; the check adds them up.
CREATE TABLE IF NOT EXISTS synthetic_realism_sessions (
    day               date NOT NULL,
    session_id        uuid NOT NULL,
    user_id           uuid NOT NULL,
    instance_id       uuid NOT NULL,
    started_at        timestamptz NOT NULL,
    events            integer NOT NULL,
    abandoned         boolean NOT NULL,
    errored           boolean NOT NULL,
    scenes_opened     integer NOT NULL,
    mindblock_signals integer NOT NULL,
    last_scene_order  integer NOT NULL,
    resistance_sum    integer NOT NULL,
    resistance_count  integer NOT NULL,
    intensity_sum     integer NOT NULL,
    intensity_count   integer NOT NULL,
    mindblock_ids     uuid[] NOT NULL,
    intensities       integer[] NOT NULL,
    PRIMARY KEY (day, session_id)
);
