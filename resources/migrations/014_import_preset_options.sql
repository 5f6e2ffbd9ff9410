-- Schema 14: how a preset's CSV writes its values (ImportOptions: delimiter, decimal
-- separator, date format), which statement exports differ in by bank and country. A JSON
-- object; '{}' is a plain CSV with '.' decimals and yyyy-MM-dd dates, as presets saved before.
ALTER TABLE import_presets ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
