-- One user's state as 0005_reliability created the table (profile_id and last_session_ends_at only).
INSERT INTO synthetic_user_state (profile_id, last_session_ends_at) VALUES ('00000000-0000-4000-8000-000000000001', '2026-01-01 08:05:00+00');
