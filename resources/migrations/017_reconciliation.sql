-- Schema 17: what reconciliation found, per account and date range. A run records what was
-- asked (rules as JSON) and what came of it; a match holds the rows it put together. A row is
-- in at most one match of its account (UNIQUE below), so the unmatched rows of a range are
-- simply those of the range in no match (ReconciliationStore::unmatched*). A match a person
-- confirmed (confirmed_by set) survives later runs; the others are replaced by each run.
CREATE TABLE reconciliation_runs (
    id {{AUTO_ID}},
    account TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    rules TEXT NOT NULL,
    matches INTEGER NOT NULL,
    confirmed_kept INTEGER NOT NULL,
    unmatched_ledger INTEGER NOT NULL,
    unmatched_statement INTEGER NOT NULL,
    difference TEXT NOT NULL, -- JSON: {"EUR": minor, …}
    ran_at BIGINT NOT NULL,
    ran_by TEXT NOT NULL
);
CREATE INDEX reconciliation_runs_account ON reconciliation_runs (account, ran_at);

CREATE TABLE reconciliation_matches (
    id {{AUTO_ID}},
    run_id BIGINT NOT NULL REFERENCES reconciliation_runs (id),
    account TEXT NOT NULL,
    rule TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    difference_minor BIGINT NOT NULL DEFAULT 0,
    first_day TEXT NOT NULL, -- the earliest booking date of its rows, to find a range's matches
    last_day TEXT NOT NULL,
    confirmed_by TEXT,
    confirmed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX reconciliation_matches_range ON reconciliation_matches (account, first_day);

-- side: 'ledger' (ledger_entries.id) or 'statement' (statement_lines.id).
CREATE TABLE reconciliation_match_rows (
    match_id BIGINT NOT NULL REFERENCES reconciliation_matches (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('ledger', 'statement')),
    row_id BIGINT NOT NULL,
    UNIQUE (account, side, row_id)
);
CREATE INDEX reconciliation_match_rows_match ON reconciliation_match_rows (match_id);
