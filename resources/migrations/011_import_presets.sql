-- Schema 11: named column mappings for importing files (our records now; statements and the
-- ledger later). The shipped presets live in code (ImportPreset::shippedPresets); a stored one
-- of the same name replaces it. `mapping` is a JSON array of {"field": ours, "column": theirs}.
CREATE TABLE import_presets (
    name TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    format TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX import_presets_target ON import_presets (target, name);
