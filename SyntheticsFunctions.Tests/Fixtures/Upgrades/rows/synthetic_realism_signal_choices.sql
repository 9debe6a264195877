-- One mindblock signal's facts, as migration 0018 created the table.
INSERT INTO synthetic_realism_signal_choices (event_id, user_id, created_at, signal) VALUES ('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:04:30+00', 'noticed');
