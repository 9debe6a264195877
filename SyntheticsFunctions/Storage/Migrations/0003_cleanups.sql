-- One row per deletion pass (cleanup, retention timer, purge): when and how much, per table.
CREATE TABLE IF NOT EXISTS synthetic_cleanups (
    id                         uuid PRIMARY KEY,
    kind                       text NOT NULL CHECK (kind IN ('cleanup', 'retention', 'purge')),
    started_at                 timestamptz NOT NULL,
    cutoff                     timestamptz,
    retain_days                integer,
    rows_deleted               jsonb NOT NULL,
    transactions               integer NOT NULL,
    max_rows_per_transaction   integer NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_cleanups_started_at ON synthetic_cleanups (started_at DESC);
CREATE INDEX IF NOT EXISTS ix_synthetic_sessions_instance_id ON synthetic_sessions (instance_id);
