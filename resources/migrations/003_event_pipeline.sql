-- Schema 3: the events pipeline. A received event is stored first (deduplicated by source
-- and event id) and processed after the provider has its answer: processed_at NULL marks the
-- durable queue. Sync cursors and webhook counters survive restarts.
ALTER TABLE events ADD COLUMN processed_at BIGINT;
ALTER TABLE events ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN deliveries INTEGER NOT NULL DEFAULT 1;
CREATE INDEX events_pending ON events (processed_at, id);
CREATE INDEX events_operation ON events (operation_id, occurred_at);
CREATE INDEX events_source_received ON events (source, received_at);

CREATE TABLE sync_cursors (
    provider_id TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    synced_at BIGINT NOT NULL
);

CREATE TABLE webhook_counters (
    provider_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    last_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (provider_id, outcome)
);
