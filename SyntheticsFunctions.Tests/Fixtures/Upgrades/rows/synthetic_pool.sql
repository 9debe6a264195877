-- One member, as migration 0010 created the table.
INSERT INTO synthetic_pool (profile_id, persona, timezone, enlisted_at, available_at, retired_at) VALUES ('00000000-0000-4000-8000-000000000001', 'steady_habit_builder', 'Europe/London', '2026-01-01 08:00:00+00', '2026-01-01 08:00:00+00', NULL);
