-- The fixture's one event, as migration 0004's rollup counts it.
INSERT INTO synthetic_activity_hours (hour, metric, count) VALUES ('2026-01-01 08:00:00+00', 'event:scene_opened', 1);
