-- Schema 8: the journal tells a request that did the operation from a lookup that only asked
-- the provider what became of it (before a resend after an unknown outcome). Earlier rows were
-- all sends.
ALTER TABLE attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'send';
