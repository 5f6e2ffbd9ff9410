-- Schema 16: our books' view of the money (models/ledger/LedgerEntry.h), what reconciliation
-- matches against statement lines and a provider's balance transactions. entry_id is ours and
-- unique: it makes imports, intake and bookings idempotent, and fingerprint (the SHA-256 of
-- everything but the source) tells a repeat from another entry under the same id. Amounts are
-- signed (money in positive) in the currency's minor units; booked_on is ISO (YYYY-MM-DD).
-- Append-only: the books are corrected by a correcting entry, never by an edit.
CREATE TABLE ledger_entries (
    id {{AUTO_ID}},
    entry_id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    booked_on TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    exponent INTEGER NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    counterparty TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    entity_type TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('import', 'intake', 'operation')),
    source_detail TEXT NOT NULL DEFAULT '',
    operation_id BIGINT REFERENCES operations (id),
    fingerprint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
-- Reconciliation reads an account's entries by date range.
CREATE INDEX ledger_entries_booked ON ledger_entries (account, booked_on);
{{APPEND_ONLY ledger_entries}}
