-- Backfill jobs (POST synthetics/backfill): the engine's own table. A job plays the last `days`
-- days on a simulated clock in chunks, each one transaction that advances `cursor` (the simulated
-- time written up to); a crash loses at most the uncommitted chunk. The settings are kept as the
-- job saw them, so a job resumed after a restart plays the same rows.
CREATE TABLE IF NOT EXISTS synthetic_backfills (
    id               uuid PRIMARY KEY,
    state            text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    days             integer NOT NULL CHECK (days BETWEEN 1 AND 3650),
    seed             bigint NOT NULL,
    purge_first      boolean NOT NULL,
    settings         jsonb NOT NULL,
    existing_users   integer,
    window_start     timestamptz NOT NULL,
    window_end       timestamptz NOT NULL,
    cursor           timestamptz NOT NULL,
    chunks           integer NOT NULL DEFAULT 0,
    rows_written     jsonb NOT NULL DEFAULT '{}'::jsonb,
    write_ms         double precision NOT NULL DEFAULT 0,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    updated_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    error            text
);

-- One job at a time: a second one while one is queued or running violates this (409).
CREATE UNIQUE INDEX IF NOT EXISTS ux_synthetic_backfills_one_active ON synthetic_backfills ((true))
    WHERE state IN ('queued', 'running');

-- Each chunk records its simulated hours in the run journal with trigger 'backfill'. Widening a
-- check keeps the old code working (it writes 'cron' and 'manual' only): the constraint is
-- replaced by a wider one of the same name in one statement.
ALTER TABLE synthetic_runs
    DROP CONSTRAINT IF EXISTS synthetic_runs_trigger_check,
    ADD CONSTRAINT synthetic_runs_trigger_check CHECK (trigger IN ('cron', 'manual', 'backfill'));
