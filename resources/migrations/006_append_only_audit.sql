-- Schema 6: the audit log refuses UPDATE and DELETE from anyone, its owner included (DESIGN.md,
-- Roles: insert-only). Tampering now needs someone who can drop triggers, and the hash chain
-- still shows what they did.
{{APPEND_ONLY audit_log}}
