-- The fixture's one event, as migration 0004's rollup counts it.
INSERT INTO synthetic_event_minutes (minute, event_type, events) VALUES ('2026-01-01 08:00:00+00', 'scene_opened', 1);
