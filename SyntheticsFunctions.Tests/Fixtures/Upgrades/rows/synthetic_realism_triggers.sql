-- One real-world trigger's facts, as migration 0018 created the table.
INSERT INTO synthetic_realism_triggers (trigger_id, user_id, created_at, description) VALUES ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:04:00+00', 'A call with my manager');
