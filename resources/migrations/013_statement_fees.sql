-- Schema 13: a payments provider's balance transactions are statement lines of the provider's
-- account (from its report exports or pulled over its API), and they carry what a bank's line
-- does not: the provider's fee (amount_minor stays the gross), the payout that settled the line,
-- and its category (Stripe's reporting_category: charge, refund, payout, …).
ALTER TABLE statement_lines ADD COLUMN fee_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE statement_lines ADD COLUMN payout_id TEXT NOT NULL DEFAULT '';
ALTER TABLE statement_lines ADD COLUMN category TEXT NOT NULL DEFAULT '';
CREATE INDEX statement_lines_payout ON statement_lines (account, payout_id);
