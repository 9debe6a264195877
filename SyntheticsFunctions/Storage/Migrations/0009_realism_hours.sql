-- The realism check's cache (Storage/RealismStore.cs) by UTC hour instead of by day, one row per
-- hour with the hour's sessions packed in it, so that a check reads about 1,350 rows for 56 days
-- instead of a row per session, and while the engine runs only the current hour is computed
-- again, not the whole day.
-- An hour is computed again when the events rollup counts a different number of events for it
-- (rows written late, by a backfill, deleted by cleanup or purge). A cache: the hours fill on the
-- next check. The day tables of 0008 stay while the previous release may still serve (migrations
-- only add); this release no longer fills them and empties them as it prunes its own. The
-- engine's own tables; nothing else reads them.

CREATE TABLE IF NOT EXISTS synthetic_realism_hours (
    hour                timestamptz PRIMARY KEY,
    events              bigint NOT NULL,
    computed_at         timestamptz NOT NULL,
    -- The hour's rule checks: each a count checked and a count broken.
    triggers            bigint NOT NULL,
    triggers_outside    bigint NOT NULL,
    scenes_checked      bigint NOT NULL,
    contract_violations bigint NOT NULL,
    rows_checked        bigint NOT NULL,
    rows_out_of_order   bigint NOT NULL,
    -- The hour's latest capture texts (at most the check's sample).
    captures            integer NOT NULL,
    capture_texts       text[] NOT NULL,
    -- The hour's sessions and mindblock signals, packed as RealismStore declares them (SessionLayout,
    -- SignalLayout: fixed-size records of the columns' binary forms, concatenated in time order).
    -- A session crossing the hour has a piece in each hour and the check adds them up. Packed,
    -- not in arrays: reading 56 days of sessions then sends bytes, not half a million values.
    -- An hour packed to another layout (a release that changed it) is computed again, never read.
    layout              integer NOT NULL,
    sessions            bytea NOT NULL,
    signals             bytea NOT NULL
);

-- Not compressed: the check reads every byte of the window, and random ids do not compress.
ALTER TABLE synthetic_realism_hours ALTER COLUMN sessions SET STORAGE EXTERNAL;
ALTER TABLE synthetic_realism_hours ALTER COLUMN signals SET STORAGE EXTERNAL;
