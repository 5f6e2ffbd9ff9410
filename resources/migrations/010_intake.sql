-- Schema 10: operations handed in by the business's own systems (docs/intake.md).
-- client_key is the caller's idempotency key, request_hash the SHA-256 of the request it came
-- with: the same key with the same request is the same operation, with another request a 409.
-- Operations made before this schema, or inside Reconsole, have no client key ('').
-- not_before (epoch ms) is when an accepted operation may first be sent; 0 for operations the
-- agent does not start on its own (the demo's, a diff's push: their own flow sends them).
ALTER TABLE operations ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN request_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE operations ADD COLUMN not_before BIGINT NOT NULL DEFAULT 0;
-- No index of their own: every index is paid on each of the thousands of inserts a second the
-- API takes. The operation's idempotency_key is 'intake:' + client_key, already unique; and
-- next_attempt_at of a pending intake operation is its not_before, so the worker finds those
-- that fell due through operations_due (state, next_attempt_at), as it finds due retries.

-- Refusals of the intake API (wrong or revoked token, bad requests), counted like webhooks'.
CREATE TABLE intake_counters (
    outcome TEXT PRIMARY KEY,
    count BIGINT NOT NULL DEFAULT 0,
    last_at BIGINT NOT NULL DEFAULT 0
);

{{ONLY postgresql}}
-- The outbox a backend writes to in its own transaction, under its own database role, with
-- nothing but INSERT (and USAGE on operation_requests_id_seq). The column contract is in
-- docs/intake.md: a backend fills the first block; the agent claims new rows FOR UPDATE SKIP
-- LOCKED and writes the second block in the same transaction as the operation it makes.
CREATE TABLE operation_requests (
    id BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL,
    provider TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    idempotency_key TEXT NOT NULL,
    not_before TIMESTAMPTZ,
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'rejected')),
    operation_id BIGINT REFERENCES operations (id),
    error TEXT NOT NULL DEFAULT '',
    processed_at TIMESTAMPTZ,
    processed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX operation_requests_new ON operation_requests (id) WHERE status = 'new';
{{END}}
