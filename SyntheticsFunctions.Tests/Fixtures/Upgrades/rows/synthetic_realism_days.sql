-- One cached day, as migration 0008 created the table.
INSERT INTO synthetic_realism_days (day, events, computed_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, captures, capture_texts) VALUES ('2026-01-01', 1, '2026-01-02 00:00:00+00', 1, 0, 1, 0, 1, 0, 1, '{"My shoulders were tense."}');
