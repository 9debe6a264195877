-- How many capture texts each write kept, stored beside them: the check samples the newest
-- writes' texts until it has enough, and counting the texts of every write in the window read
-- each write's whole array back from TOAST (about 0.7 s over 56 days at 6.2 sessions a minute).
-- A generated column, so a release that does not know it still writes the table. The engine's own table.
ALTER TABLE synthetic_realism_checks
    ADD COLUMN IF NOT EXISTS capture_count integer GENERATED ALWAYS AS (cardinality(capture_texts)) STORED;
