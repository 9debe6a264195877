-- The installation's row, as migration 0013 created the table.
INSERT INTO synthetic_installation (id, seed, history_start, created_at) VALUES (true, 42, '2026-01-01 08:00:00+00', '2026-01-01 08:00:00+00');
