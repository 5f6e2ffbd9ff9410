-- Schema 19: the Reconciliation workspace's text filter through an index on both databases,
-- as the operations table's is (schema 7). The searched fields of a row are joined by spaces
-- into one text; ReconRowsQuery looks a rare text up in the index and tests a common one on
-- each row of the walk by date or amount, which soon finds a page of it.

{{ONLY sqlite}}
-- FTS5 trigram, contentless: the text stays in the rows, a change deletes with the old values.
-- The ledger is append-only, so its rows are only ever added.
CREATE VIRTUAL TABLE ledger_entries_search USING fts5(text, content='', tokenize='trigram');
INSERT INTO ledger_entries_search (rowid, text) SELECT id, reference || ' ' || counterparty || ' ' || description || ' ' || entity_id FROM ledger_entries;
CREATE TRIGGER ledger_entries_search_insert AFTER INSERT ON ledger_entries BEGIN INSERT INTO ledger_entries_search (rowid, text) VALUES (new.id, new.reference || ' ' || new.counterparty || ' ' || new.description || ' ' || new.entity_id); END;
CREATE VIRTUAL TABLE statement_lines_search USING fts5(text, content='', tokenize='trigram');
INSERT INTO statement_lines_search (rowid, text) SELECT id, end_to_end_id || ' ' || refs || ' ' || bank_entry_id || ' ' || counterparty_name || ' ' || description FROM statement_lines;
CREATE TRIGGER statement_lines_search_insert AFTER INSERT ON statement_lines BEGIN INSERT INTO statement_lines_search (rowid, text) VALUES (new.id, new.end_to_end_id || ' ' || new.refs || ' ' || new.bank_entry_id || ' ' || new.counterparty_name || ' ' || new.description); END;
CREATE TRIGGER statement_lines_search_update AFTER UPDATE OF end_to_end_id, refs, bank_entry_id, counterparty_name, description ON statement_lines BEGIN INSERT INTO statement_lines_search (statement_lines_search, rowid, text) VALUES ('delete', old.id, old.end_to_end_id || ' ' || old.refs || ' ' || old.bank_entry_id || ' ' || old.counterparty_name || ' ' || old.description); INSERT INTO statement_lines_search (rowid, text) VALUES (new.id, new.end_to_end_id || ' ' || new.refs || ' ' || new.bank_entry_id || ' ' || new.counterparty_name || ' ' || new.description); END;
CREATE TRIGGER statement_lines_search_delete AFTER DELETE ON statement_lines BEGIN INSERT INTO statement_lines_search (statement_lines_search, rowid, text) VALUES ('delete', old.id, old.end_to_end_id || ' ' || old.refs || ' ' || old.bank_entry_id || ' ' || old.counterparty_name || ' ' || old.description); END;
{{END}}

{{ONLY postgresql}}
-- The joined text as a column, as operations.search_text is, so one SqlDialect::searchIndexMatch
-- serves every table. The expression index of schema 18 goes: left in place, the planner would
-- take it for common texts too and read every match before the first page.
DROP INDEX ledger_entries_search;
DROP INDEX statement_lines_search;
ALTER TABLE ledger_entries ADD COLUMN search_text TEXT GENERATED ALWAYS AS (reference || ' ' || counterparty || ' ' || description || ' ' || entity_id) STORED;
ALTER TABLE statement_lines ADD COLUMN search_text TEXT GENERATED ALWAYS AS (end_to_end_id || ' ' || refs || ' ' || bank_entry_id || ' ' || counterparty_name || ' ' || description) STORED;
CREATE INDEX ledger_entries_search ON ledger_entries USING gin (search_text gin_trgm_ops);
CREATE INDEX statement_lines_search ON statement_lines USING gin (search_text gin_trgm_ops);
ANALYZE ledger_entries;
ANALYZE statement_lines;
{{END}}
