-- One retention pass, as migration 0003 created the table.
INSERT INTO synthetic_cleanups (id, kind, started_at, cutoff, retain_days, rows_deleted, transactions, max_rows_per_transaction) VALUES ('00000000-0000-4000-8000-000000000010', 'retention', '2026-01-01 08:00:00+00', '2025-11-17 08:00:00+00', 45, '{}', 0, 0);
