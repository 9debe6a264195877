-- One write's rule checks, as migration 0011 created the table.
INSERT INTO synthetic_realism_checks (write_id, first_at, last_at, triggers, triggers_outside, scenes_checked, contract_violations, rows_checked, rows_out_of_order, capture_texts) VALUES ('00000000-0000-4000-8000-000000000022', '2026-01-01 08:00:00+00', '2026-01-01 08:01:00+00', 0, 0, 0, 0, 2, 0, '{"My shoulders were tense."}');
