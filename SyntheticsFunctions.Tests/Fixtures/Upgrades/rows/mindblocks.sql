-- One row as the engine writes it, with the columns the table had when migration 0001 created it (later migrations only add columns that have defaults or allow NULL).
INSERT INTO mindblocks (id, slug, name, clinical_focus, created_at, metadata) VALUES ('00000000-0000-4000-8000-000000000005', 'fixture-block', 'Fixture block', 'stress', '2026-01-01 08:00:00+00', '{"synthetic": true}');
