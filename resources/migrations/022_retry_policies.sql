-- Schema 22: the agent's automatic retry policies, per provider and optionally per business
-- action (action '' is the provider's own, for every action without one). A provider with no
-- row uses its kind's defaults (RetryPolicy::defaultsFor). Admins edit them; each edit is
-- audited with the policy before and after. retried_classes: error class names, comma-separated.
CREATE TABLE retry_policies (
    provider_id TEXT NOT NULL REFERENCES providers (id),
    action TEXT NOT NULL DEFAULT '',
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    base_delay_ms BIGINT NOT NULL CHECK (base_delay_ms > 0),
    max_delay_ms BIGINT NOT NULL CHECK (max_delay_ms >= base_delay_ms),
    retried_classes TEXT NOT NULL,
    deadline_ms BIGINT NOT NULL CHECK (deadline_ms > 0),
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (provider_id, action)
);
