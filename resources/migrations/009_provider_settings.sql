-- Schema 9: providers set up by an admin. Each says whether it is the provider's test or live
-- environment, why the business uses it and who answers for it (for the runbook), an extra CA
-- (PEM, public: a company proxy's) trusted beside the system store for its requests only, and
-- whether new attempts may go to it. The webhook secret needs no column: it is the provider's
-- credential of kind 'webhook-secret' (credentials.provider_id, credentials.kind).
-- Existing rows are the demo's sandboxes: test, enabled.
ALTER TABLE providers ADD COLUMN environment TEXT NOT NULL DEFAULT 'test';
ALTER TABLE providers ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN extra_ca_pem TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
