-- Two engine settings that shape each day's volume (declared in Engine/SettingDeclarations.cs;
-- DeclarationTests compares each default and range with this column's):
--   growth_percent_per_30_days  the growth trend: sessions times (1 + g/100)^(days since the
--                               installation's history start / 30), live and in a backfill alike.
--                               Growth only: the population model cannot yet shed the people a
--                               shrinking volume leaves due (docs/configuration.md).
--   holiday_damping             New Year's Day and Christmas Day are quieter in each person's
--                               local calendar.
ALTER TABLE synthetic_settings
    ADD COLUMN IF NOT EXISTS growth_percent_per_30_days numeric NOT NULL DEFAULT 0
        CHECK (growth_percent_per_30_days BETWEEN 0 AND 200),
    ADD COLUMN IF NOT EXISTS holiday_damping boolean NOT NULL DEFAULT true;
