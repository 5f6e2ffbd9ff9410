-- Reconsole schema 1: providers, credentials metadata, operations, attempts, events, audit log.
-- {{AUTO_ID}} is expanded per database by SqlDialect. Times are epoch milliseconds.
-- Sortable text columns are NOT NULL DEFAULT '' so keyset paging never meets NULL.

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    base_url TEXT NOT NULL,
    credential_id TEXT NOT NULL DEFAULT '',
    rate_per_second DOUBLE PRECISION NOT NULL DEFAULT 25,
    burst INTEGER NOT NULL DEFAULT 25,
    timeout_ms INTEGER NOT NULL DEFAULT 10000
);

-- Metadata only: the secret itself lives in the OS keychain.
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'api-key',
    label TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    rotated_at BIGINT,
    expires_at BIGINT,
    verified_at BIGINT,
    verify_result TEXT NOT NULL DEFAULT '',
    revoked_at BIGINT
);

CREATE TABLE operations (
    id {{AUTO_ID}},
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    idempotency_key TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    last_error_class TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_until BIGINT NOT NULL DEFAULT 0,
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One index per sortable column, with id as the keyset tie-breaker.
CREATE INDEX operations_state ON operations (state, id);
CREATE INDEX operations_provider ON operations (provider_id, id);
CREATE INDEX operations_action ON operations (action, id);
CREATE INDEX operations_entity ON operations (entity_id, id);
CREATE INDEX operations_attempts ON operations (attempts, id);
CREATE INDEX operations_last_error ON operations (last_error, id);
CREATE INDEX operations_external ON operations (external_id, id);
CREATE INDEX operations_created ON operations (created_at, id);
CREATE INDEX operations_due ON operations (state, next_attempt_at);

CREATE TABLE attempts (
    id {{AUTO_ID}},
    operation_id BIGINT NOT NULL REFERENCES operations (id),
    number INTEGER NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    http_status INTEGER NOT NULL DEFAULT 0,
    latency_ms BIGINT NOT NULL DEFAULT 0,
    error_class TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '',
    UNIQUE (operation_id, number)
);

CREATE TABLE events (
    id {{AUTO_ID}},
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_type TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    operation_id BIGINT,
    occurred_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    UNIQUE (source, external_id)
);
CREATE INDEX events_entity ON events (entity_id, occurred_at);

-- Append-only: each row carries the hash of the one before it.
CREATE TABLE audit_log (
    id {{AUTO_ID}},
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    before_state TEXT NOT NULL DEFAULT '',
    after_state TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
