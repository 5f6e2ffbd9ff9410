-- Schema 5: field maps as admins edited them (absent: the shipped defaults), "ignore this
-- difference" decisions that hold until either side changes, and what drift scans found.
CREATE TABLE field_rules (
    entity_type TEXT NOT NULL,
    position INTEGER NOT NULL,
    field TEXT NOT NULL,
    our_path TEXT NOT NULL,
    provider_path TEXT NOT NULL,
    owner TEXT NOT NULL,
    PRIMARY KEY (entity_type, field)
);

CREATE TABLE diff_ignores (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    ours TEXT NOT NULL,
    provider TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (entity_type, entity_id, field)
);

CREATE TABLE drift_findings (
    provider_id TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    external_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    conflicts INTEGER NOT NULL DEFAULT 0,
    found_at BIGINT NOT NULL,
    PRIMARY KEY (provider_id, entity_type, external_id)
);
