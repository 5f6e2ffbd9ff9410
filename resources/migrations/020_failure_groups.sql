-- Schema 20: failed operations grouped by what went wrong, as Sentry groups errors. A group is
-- one fingerprint (provider, action, error class, the error text with ids, numbers and amounts
-- stripped: FailureFingerprint). It is kept up to date as failures are written, in the same
-- transaction (FailureGroupStore::recordFailure), never by a scan.
--   failures: every failure counted, retries included; affected: operations that ever failed
--   this way; failing: those of them not settled yet (succeeded, resolved or cancelled settle).
--   state: open, acknowledged, resolved or ignored. Ignored lasts until ignore_until (epoch ms),
--   or until the failures count reaches ignore_until_failures, or forever (both 0).
--   regressed: the group was resolved and failed again, which reopened it.
CREATE TABLE failure_groups (
    id {{AUTO_ID}},
    fingerprint TEXT NOT NULL UNIQUE,
    provider_id TEXT NOT NULL,
    action TEXT NOT NULL,
    error_class TEXT NOT NULL,
    normalized TEXT NOT NULL,
    sample_error TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved', 'ignored')),
    ignore_until BIGINT NOT NULL DEFAULT 0,
    ignore_until_failures BIGINT NOT NULL DEFAULT 0,
    regressed INTEGER NOT NULL DEFAULT 0,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    affected BIGINT NOT NULL DEFAULT 0,
    failing BIGINT NOT NULL DEFAULT 0,
    state_by TEXT NOT NULL DEFAULT '',
    state_at BIGINT NOT NULL DEFAULT 0,
    state_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX failure_groups_last_seen ON failure_groups (last_seen);

-- Failures per group per minute, for the Failures view's sparklines.
CREATE TABLE failure_group_minutes (
    group_id BIGINT NOT NULL,
    minute BIGINT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, minute)
);

-- The group an operation last failed in; it stays after the operation is settled, so a group
-- opens onto every operation it affected.
ALTER TABLE operations ADD COLUMN failure_group_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX operations_failure_group ON operations (failure_group_id, id);
