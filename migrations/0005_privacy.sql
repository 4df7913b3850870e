-- Erasure: /privacy delete and the auto-delete of members who left keep the member row as an
-- anonymous tombstone ("a former member", external_id 'erased:<id>') so that partners' history
-- and digests still add up and the id is never reused for someone else (SQLite reuses the
-- highest rowid after a DELETE, and idempotency keys and claims name member ids).
-- erased_at marks the tombstone; the sweep looks for members who left long enough ago.
ALTER TABLE members ADD COLUMN erased_at TEXT;
CREATE INDEX members_left ON members (tenant_id, left_at);
