-- One change, as migration 0002's trigger records it.
INSERT INTO synthetic_settings_history (changed_at, source, old_values, new_values) VALUES ('2026-01-01 08:00:00+00', 'api', '{"enabled": true}', '{"enabled": false}');
