-- A practice session replays scenes the user already completed without moving the journey on
-- (a journey advances in at most one session a local day; someone who has done every journey
-- practises the last one). NULL for a session that moves its journey on.
-- IF NOT EXISTS: this migration first ran as 0006_practice_sessions, and a database that ran it
-- under that name has the column already.
ALTER TABLE synthetic_sessions ADD COLUMN IF NOT EXISTS practice_until_order int;
