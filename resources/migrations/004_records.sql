-- Schema 4: our own records beside the providers', and how to find each on every side.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    access TEXT NOT NULL DEFAULT 'basic',
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_email ON customers (email);

-- External ids per (entity, system), so every record can be looked up on every side.
CREATE TABLE external_ids (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (entity_type, entity_id, system)
);
CREATE INDEX external_ids_lookup ON external_ids (system, entity_type, external_id);
