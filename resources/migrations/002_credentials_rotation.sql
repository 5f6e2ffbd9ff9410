-- Schema 2: credential rotation keeps the old entry until it is revoked, so each row says
-- what replaced it; revocation records who did it.
ALTER TABLE credentials ADD COLUMN replaced_by TEXT NOT NULL DEFAULT '';
ALTER TABLE credentials ADD COLUMN rotated_from TEXT NOT NULL DEFAULT '';
CREATE INDEX credentials_provider ON credentials (provider_id);
CREATE INDEX providers_credential ON providers (credential_id);
