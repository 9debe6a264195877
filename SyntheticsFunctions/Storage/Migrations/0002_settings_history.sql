-- Every change of synthetic_settings, through the API or the seed's SQL UPDATEs, is recorded.
-- The API sets synthetics.source and synthetics.changed_at (its own clock) for its transaction;
-- a direct UPDATE is recorded as 'sql:<role>' at the database's clock.
CREATE TABLE IF NOT EXISTS synthetic_settings_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at timestamptz NOT NULL,
    source     text NOT NULL,
    old_values jsonb NOT NULL,
    new_values jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_synthetic_settings_history_changed_at ON synthetic_settings_history (changed_at DESC);

CREATE OR REPLACE FUNCTION synthetic_settings_audit() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
    IF to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
        INSERT INTO synthetic_settings_history (changed_at, source, old_values, new_values)
        VALUES (
            coalesce(nullif(current_setting('synthetics.changed_at', true), '')::timestamptz, clock_timestamp()),
            coalesce(nullif(current_setting('synthetics.source', true), ''), 'sql:' || current_user),
            to_jsonb(OLD) - 'id',
            to_jsonb(NEW) - 'id');
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS synthetic_settings_audit ON synthetic_settings;
CREATE TRIGGER synthetic_settings_audit
    AFTER UPDATE ON synthetic_settings
    FOR EACH ROW EXECUTE FUNCTION synthetic_settings_audit();
