-- A session in progress keeps its user's persona: a session's plan depends on it (the outcomes its
-- resistance checks and mindblock signals show, Engine/Outcomes.cs), and a session planned again
-- in a later tick must give the same rows. Null for a session stored before this migration (it
-- finishes with no persona's shift or preferences).
ALTER TABLE synthetic_sessions ADD COLUMN IF NOT EXISTS persona text;
