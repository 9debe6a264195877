-- One open instance, as migration 0017 created the table.
INSERT INTO synthetic_open_instances (instance_id, user_id, last_activity_at) VALUES ('00000000-0000-4000-8000-000000000006', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:05:00+00');
