-- Schema 18: where finance works a reconciliation (docs/reconciliation.md, "Periods").
-- A period is one account and currency over adjacent dates with the statement's opening and
-- closing balance; signed off, it is locked until reopened with a reason. Its difference is
-- closing - opening - cleared, cleared being the ledger rows in confirmed matches plus the
-- approved adjustments (PeriodStore::cleared).
CREATE TABLE reconciliation_periods (
    id {{AUTO_ID}},
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    opening_minor BIGINT NOT NULL,
    closing_minor BIGINT NOT NULL,
    balances_from TEXT NOT NULL CHECK (balances_from IN ('statement', 'typed', 'previous')),
    state TEXT NOT NULL CHECK (state IN ('open', 'signed_off')),
    signed_off_by TEXT,
    signed_off_at BIGINT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX reconciliation_periods_account ON reconciliation_periods (account, currency, from_date);

-- What a match's rows do not explain, booked by a person: a fee, FX or rounding difference
-- of a match made by hand, or a write-off (the match holds the one row written off). amount
-- is what it adds to the cleared total: the statement side's total minus the ledger side's.
-- Above the account's threshold it waits for a second finance user (state pending); only an
-- approved one is cleared. The proposer never decides: refused in the engine, and on
-- PostgreSQL by the trigger below against the database users themselves.
CREATE TABLE reconciliation_adjustments (
    id {{AUTO_ID}},
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fee', 'fx', 'rounding', 'write_off')),
    amount_minor BIGINT NOT NULL,
    match_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'reversed')),
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reconciliation_adjustments_account ON reconciliation_adjustments (account, day);
CREATE INDEX reconciliation_adjustments_match ON reconciliation_adjustments (match_id);
{{ONLY postgresql}}
ALTER TABLE reconciliation_adjustments ADD COLUMN proposed_role TEXT NOT NULL DEFAULT session_user;
ALTER TABLE reconciliation_adjustments ADD COLUMN decided_role TEXT;
CREATE OR REPLACE FUNCTION reconsole_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN NEW.proposed_role := session_user; NEW.decided_role := NULL; RETURN NEW; END IF; IF NEW.state IN ('approved', 'rejected') AND OLD.state = 'pending' THEN IF session_user = OLD.proposed_role THEN RAISE EXCEPTION 'four eyes: % proposed adjustment %, so another finance user must decide it', session_user, OLD.id; END IF; NEW.decided_role := session_user; ELSE NEW.decided_role := OLD.decided_role; END IF; NEW.proposed_role := OLD.proposed_role; RETURN NEW; END $$;
CREATE TRIGGER reconciliation_adjustments_four_eyes BEFORE INSERT OR UPDATE ON reconciliation_adjustments FOR EACH ROW EXECUTE FUNCTION reconsole_four_eyes();
{{END}}

-- Above this amount (absolute, minor units) a write-off or adjustment needs a second finance
-- user. Set by an admin per account and currency; where none is set, every one does.
CREATE TABLE approval_thresholds (
    account TEXT NOT NULL,
    currency TEXT NOT NULL,
    threshold_minor BIGINT NOT NULL CHECK (threshold_minor >= 0),
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    PRIMARY KEY (account, currency)
);

-- A person's word on an unmatched row older than the exception age: investigating (with a
-- note and an assignee) or resolved. A row with no entry here is simply open.
CREATE TABLE reconciliation_exceptions (
    account TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('ledger', 'statement')),
    row_id BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'investigating', 'resolved')),
    note TEXT NOT NULL DEFAULT '',
    assignee TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account, side, row_id)
);

-- A statement line split by hand into parts that sum to it: the parts are lines of their own
-- (split_of names the original, identity the original's plus /k), the original is kept, marked
-- split, and no longer matched or listed.
ALTER TABLE statement_lines ADD COLUMN split_of BIGINT;
ALTER TABLE statement_lines ADD COLUMN is_split INTEGER NOT NULL DEFAULT 0;

-- The workspace's tables sort by amount as by date, a page at a time (keyset).
CREATE INDEX statement_lines_amount ON statement_lines (account, amount_minor);
CREATE INDEX ledger_entries_amount ON ledger_entries (account, amount_minor);

-- A match is cleared on the day the bank (or provider) booked it: its statement rows' last
-- day, else its ledger rows'. Its two sides' totals (statement lines net of fees) are kept
-- with it, so a period's cleared total is a sum over its matches, with no join to the rows.
ALTER TABLE reconciliation_matches ADD COLUMN cleared_on TEXT;
ALTER TABLE reconciliation_matches ADD COLUMN ledger_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reconciliation_matches ADD COLUMN statement_minor BIGINT NOT NULL DEFAULT 0;
UPDATE reconciliation_matches SET cleared_on = last_day, ledger_minor = COALESCE((SELECT SUM(l.amount_minor) FROM reconciliation_match_rows r JOIN ledger_entries l ON l.id = r.row_id WHERE r.match_id = reconciliation_matches.id AND r.side = 'ledger'), 0), statement_minor = COALESCE((SELECT SUM(s.amount_minor - s.fee_minor) FROM reconciliation_match_rows r JOIN statement_lines s ON s.id = r.row_id WHERE r.match_id = reconciliation_matches.id AND r.side = 'statement'), 0);
CREATE INDEX reconciliation_matches_cleared ON reconciliation_matches (account, cleared_on);

-- The workspace's text filter (ReconRowsQuery): one ILIKE over the searched fields joined,
-- answered on PostgreSQL by a trigram index of the same expression (pg_trgm, schema 7).
{{ONLY postgresql}}
CREATE INDEX ledger_entries_search ON ledger_entries USING gin ((reference || ' ' || counterparty || ' ' || description || ' ' || entity_id) gin_trgm_ops);
CREATE INDEX statement_lines_search ON statement_lines USING gin ((end_to_end_id || ' ' || refs || ' ' || bank_entry_id || ' ' || counterparty_name || ' ' || description) gin_trgm_ops);
-- Keyset pages order by (day, id): SQLite's indexes end in the rowid already, PostgreSQL's need the id.
CREATE INDEX ledger_entries_booked_id ON ledger_entries (account, booked_on, id);
CREATE INDEX statement_lines_booked_id ON statement_lines (account, booking_date, id);
{{END}}
