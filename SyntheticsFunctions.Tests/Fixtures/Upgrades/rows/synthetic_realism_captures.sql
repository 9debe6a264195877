-- One capture's facts, as migration 0018 created the table (the fixture's capture: its key and no seam).
INSERT INTO synthetic_realism_captures (capture_id, user_id, created_at, text_key, seam) VALUES ('00000000-0000-4000-8000-000000000009', '00000000-0000-4000-8000-000000000001', '2026-01-01 08:02:00+00', 0, false);
