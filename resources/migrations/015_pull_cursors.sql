-- Schema 15: where each pull of a provider's lists stands (integrations/statements/
-- BalanceTransactionPull), so the next pull fetches only what is new. Per provider and stream
-- ("balance_transactions", "balance_transactions:type=charge", "payouts"): `newest` is the
-- newest object stored with everything older stored too; while a first pull is unfinished,
-- `backfill_after` is the oldest object it stored (it continues after it, back to `since`,
-- unix seconds, 0 for all).
CREATE TABLE pull_cursors (
    provider_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    newest TEXT NOT NULL DEFAULT '',
    backfill_after TEXT NOT NULL DEFAULT '',
    since BIGINT NOT NULL DEFAULT 0,
    pulled_at BIGINT NOT NULL,
    pulled_by TEXT NOT NULL,
    PRIMARY KEY (provider_id, stream)
);
