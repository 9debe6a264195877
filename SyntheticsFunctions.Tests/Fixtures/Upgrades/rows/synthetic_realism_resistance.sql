-- One resistance check's facts, as migration 0018 created the table.
INSERT INTO synthetic_realism_resistance (check_id, user_id, created_at, level, strategy) VALUES ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:03:00+00', 6, 'breathe');
