-- Schema 7: free-text search through an index instead of a scan of every row. Searched: the
-- entity id, the provider's id, the last error and the customer's e-mail in the payload, as a
-- substring in any case. The index follows every write by itself (triggers on SQLite, a
-- generated column on PostgreSQL); existing rows are indexed here.

{{ONLY sqlite}}
-- FTS5 with trigrams (SQLite 3.34+): a quoted phrase matches any substring of three or more
-- characters. Contentless: the text stays in operations only, so a change deletes with the
-- old values the trigger still has.
CREATE VIRTUAL TABLE operations_search USING fts5(entity_id, external_id, last_error, email, content='', tokenize='trigram');
INSERT INTO operations_search (rowid, entity_id, external_id, last_error, email) SELECT id, entity_id, external_id, last_error, CASE WHEN json_valid(payload) THEN COALESCE(json_extract(payload, '$.customer_email'), '') ELSE '' END FROM operations;
CREATE TRIGGER operations_search_insert AFTER INSERT ON operations BEGIN INSERT INTO operations_search (rowid, entity_id, external_id, last_error, email) VALUES (new.id, new.entity_id, new.external_id, new.last_error, CASE WHEN json_valid(new.payload) THEN COALESCE(json_extract(new.payload, '$.customer_email'), '') ELSE '' END); END;
CREATE TRIGGER operations_search_update AFTER UPDATE OF entity_id, external_id, last_error, payload ON operations BEGIN INSERT INTO operations_search (operations_search, rowid, entity_id, external_id, last_error, email) VALUES ('delete', old.id, old.entity_id, old.external_id, old.last_error, CASE WHEN json_valid(old.payload) THEN COALESCE(json_extract(old.payload, '$.customer_email'), '') ELSE '' END); INSERT INTO operations_search (rowid, entity_id, external_id, last_error, email) VALUES (new.id, new.entity_id, new.external_id, new.last_error, CASE WHEN json_valid(new.payload) THEN COALESCE(json_extract(new.payload, '$.customer_email'), '') ELSE '' END); END;
CREATE TRIGGER operations_search_delete AFTER DELETE ON operations BEGIN INSERT INTO operations_search (operations_search, rowid, entity_id, external_id, last_error, email) VALUES ('delete', old.id, old.entity_id, old.external_id, old.last_error, CASE WHEN json_valid(old.payload) THEN COALESCE(json_extract(old.payload, '$.customer_email'), '') ELSE '' END); END;
{{END}}

{{ONLY postgresql}}
-- pg_trgm is a trusted extension: the database's owner may create it. The searched fields
-- joined by chr(31), which search text never holds (SqlDialect::searchIndexCan), so no match
-- spans two fields; ILIKE on it walks the trigram index and rechecks each candidate.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE operations ADD COLUMN search_text TEXT GENERATED ALWAYS AS (entity_id || chr(31) || external_id || chr(31) || last_error || chr(31) || COALESCE(payload::jsonb ->> 'customer_email', '')) STORED;
CREATE INDEX operations_search ON operations USING gin (search_text gin_trgm_ops);
-- Statistics for the new column, so the planner knows how common a searched text is.
ANALYZE operations;
{{END}}
