-- Schema 21: bulk retries, planned before anything is sent (RetryPlanner), confirmed by a
-- person, approved by a second above the provider's size threshold, then sent by the agents
-- sharing the database, each claiming its part (retry_run_items, FOR UPDATE SKIP LOCKED).
-- The plan and the position of every item are stored, so a run survives any restart.

-- What a bulk run may take of a provider: its rate limit less the headroom kept for live
-- traffic; how long the provider keeps an idempotency key (Stripe: 24 hours; 0: it keeps none
-- and a resend is safe by itself); above how many sends a run needs a second person.
ALTER TABLE providers ADD COLUMN retry_headroom_percent INTEGER NOT NULL DEFAULT 20;
ALTER TABLE providers ADD COLUMN idempotency_window_hours INTEGER NOT NULL DEFAULT 24;
ALTER TABLE providers ADD COLUMN bulk_approval_above INTEGER NOT NULL DEFAULT 1000;
UPDATE providers SET idempotency_window_hours = 0 WHERE kind = 'crm';

--   state: planned (a dry run, nothing sent) → awaiting_approval (confirmed, above the
--   threshold) → running ⇄ paused → finished; or cancelled, or discarded (a plan never run).
CREATE TABLE retry_runs (
    id {{AUTO_ID}},
    scope TEXT NOT NULL,
    description TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('planned', 'awaiting_approval', 'running', 'paused', 'finished', 'cancelled', 'discarded')),
    plan TEXT NOT NULL,
    to_send BIGINT NOT NULL,
    needs_approval INTEGER NOT NULL,
    planned_by TEXT NOT NULL,
    planned_at BIGINT NOT NULL,
    confirmed_by TEXT NOT NULL DEFAULT '',
    confirmed_at BIGINT NOT NULL DEFAULT 0,
    approved_by TEXT NOT NULL DEFAULT '',
    approved_at BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT NOT NULL DEFAULT 0,
    done BIGINT NOT NULL DEFAULT 0,
    succeeded BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX retry_runs_state ON retry_runs (state, id);

-- One operation of a run, in sending order. fresh_key: its idempotency key has expired at the
-- provider, so it is looked up first and sent under a new key only if none of its attempts
-- went through. outcome: the operation's state when its item was done, or why it was skipped.
CREATE TABLE retry_run_items (
    run_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    operation_id BIGINT NOT NULL,
    provider_id TEXT NOT NULL,
    fresh_key INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'claimed', 'done', 'skipped')),
    claimed_by TEXT NOT NULL DEFAULT '',
    claimed_until BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, position)
);
CREATE INDEX retry_run_items_todo ON retry_run_items (run_id, state, position);

-- The second person, checked by the database too: whoever planned a run cannot approve it.
{{ONLY postgresql}}
ALTER TABLE retry_runs ADD COLUMN planned_role TEXT NOT NULL DEFAULT session_user;
CREATE OR REPLACE FUNCTION reconsole_retry_run_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN NEW.planned_role := session_user; RETURN NEW; END IF; IF NEW.approved_by <> '' AND OLD.approved_by = '' AND session_user = OLD.planned_role THEN RAISE EXCEPTION 'four eyes: % planned retry run %, so another person must approve it', session_user, OLD.id; END IF; NEW.planned_role := OLD.planned_role; RETURN NEW; END $$;
CREATE TRIGGER retry_runs_four_eyes BEFORE INSERT OR UPDATE ON retry_runs FOR EACH ROW EXECUTE FUNCTION reconsole_retry_run_four_eyes();
{{END}}
