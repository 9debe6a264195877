-- One mindblock signal, as migration 0011 created the table.
INSERT INTO synthetic_realism_signals (event_id, session_id, mindblock_id, intensity, created_at) VALUES ('00000000-0000-4000-8000-000000000021', '00000000-0000-4000-8000-000000000020', '00000000-0000-4000-8000-000000000004', 6, '2026-01-01 08:01:00+00');
