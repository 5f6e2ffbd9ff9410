-- Schema 12: bank and card statements as imported (camt.053, MT940, OFX, CSV), each line once
-- per account however often its file is imported: (account, identity) is unique, and the
-- identity is the bank's id or a documented hash (models/statements/StatementIdentity.h).
CREATE TABLE statements (
    id {{AUTO_ID}},
    account TEXT NOT NULL,
    reference TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT '',
    opening_minor BIGINT,
    opening_currency TEXT,
    opening_date TEXT,
    closing_minor BIGINT,
    closing_currency TEXT,
    closing_date TEXT,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (account, reference)
);

-- Amounts signed (credits positive) in the currency's minor units; dates ISO (YYYY-MM-DD).
CREATE TABLE statement_lines (
    id {{AUTO_ID}},
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    account TEXT NOT NULL,
    identity TEXT NOT NULL,
    booking_date TEXT NOT NULL,
    value_date TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    exponent INTEGER NOT NULL,
    bank_entry_id TEXT NOT NULL DEFAULT '',
    end_to_end_id TEXT NOT NULL DEFAULT '',
    refs TEXT NOT NULL DEFAULT '',
    counterparty_name TEXT NOT NULL DEFAULT '',
    counterparty_account TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    source_line INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, identity)
);
CREATE INDEX statement_lines_booked ON statement_lines (account, booking_date);
