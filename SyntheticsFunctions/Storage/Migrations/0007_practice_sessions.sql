-- A practice session replays scenes the user already completed without moving the journey on
-- (a journey advances in at most one session a local day; someone who has done every journey
-- practises the last one). NULL for a session that moves its journey on.
ALTER TABLE synthetic_sessions ADD COLUMN practice_until_order int;
