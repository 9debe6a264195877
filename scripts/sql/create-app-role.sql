-- postprovision hook, in database postgres, as the Entra administrator.
-- Creates the Entra role of the app's managed identity once (pgaadauth_create_principal is Azure's
-- function for it; the tests use a stand-in). psql variable: app_role.
SELECT format('SELECT * FROM pgaadauth_create_principal(%L, false, false)', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :'app_role')
\gexec
