-- What the engine knows about this installation, one row (the engine's own table):
--   seed           the installation's seed: the per-day activity factor everyone shares is drawn
--                  from it and the date, so live ticks, backfills and reruns agree on each day;
--                  the seeder writes it at the first start.
--   history_start  where the synthetic history begins: the first cron run's window, or the
--                  start of a backfill window reaching further back. Covered days, cohorts and
--                  funnels of the realism check start here. Null until something is written.
CREATE TABLE IF NOT EXISTS synthetic_installation (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    seed          bigint NOT NULL,
    history_start timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- When a session's last row of the write is dated: with its start, how long the session ran,
-- so the check can tell sessions that begin right after the previous one ended. Null on pieces
-- written before this release (and by a release that does not know the column).
ALTER TABLE synthetic_realism_pieces ADD COLUMN IF NOT EXISTS last_event_at timestamptz;
