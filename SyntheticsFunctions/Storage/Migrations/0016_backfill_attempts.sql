-- A backfill chunk that fails (the database refuses it, or the connection drops) is retried by
-- the next pass; failed_attempts counts the failures in a row and a committed chunk resets it.
-- At BackfillService.MaxFailedAttempts the job fails with the last error and the cron resumes.
ALTER TABLE synthetic_backfills ADD COLUMN IF NOT EXISTS failed_attempts integer NOT NULL DEFAULT 0;
