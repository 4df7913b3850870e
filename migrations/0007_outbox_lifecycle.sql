-- The outbox's lifecycle: messages expire, claimed rows carry an owner and a lease, attachments
-- are stored once, and every row lists the members it names so that erasure finds it by id.
-- SQLite cannot change a CHECK constraint in place (the new status 'expired'), so the table is
-- rebuilt; its rows keep their ids.

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL UNIQUE,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('channel', 'dm', 'room')),
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    message_id TEXT,
    -- After this instant the message is worth nothing (a reminder after the member's day): it
    -- is dropped as 'expired', never sent. NULL: it never expires.
    expires_at TEXT,
    -- While 'sending': which process claimed it and until when; an expired lease means that
    -- process died, and the row may be claimed again.
    claimed_by TEXT,
    lease_until TEXT,
    -- When the row reached its last status (sent, failed, cancelled, expired): pruning age.
    done_at TEXT
);
INSERT INTO outbox_new (id, tenant_id, idem_key, member_id, target_kind, target, payload, status,
    attempts, next_attempt_at, last_error, created_at, sent_at, message_id, done_at)
SELECT id, tenant_id, idem_key, member_id, target_kind, target, payload, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, message_id,
    CASE WHEN status IN ('sent', 'failed', 'cancelled') THEN COALESCE(sent_at, created_at) END
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_member ON outbox (member_id);
CREATE INDEX outbox_target ON outbox (tenant_id, target_kind, target, status);
CREATE INDEX outbox_done ON outbox (done_at);

-- The members a message names or is addressed to besides `member_id` (a digest's names, a
-- room's members, the sender of a nudge): erasure blanks every row that names the member.
CREATE TABLE outbox_mentions (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (outbox_id, member_id)
);
CREATE INDEX outbox_mentions_member ON outbox_mentions (tenant_id, member_id);

-- A file attached to a community's messages, stored once by the SHA-256 of its bytes (payloads
-- name it by that digest), removed when no message refers to it any more.
CREATE TABLE attachments (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, sha256)
);
CREATE TABLE outbox_attachments (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (outbox_id, sha256),
    FOREIGN KEY (tenant_id, sha256) REFERENCES attachments (tenant_id, sha256)
);
CREATE INDEX outbox_attachments_sha ON outbox_attachments (tenant_id, sha256);

-- Values of this installation, not of a community: the generated secret that signs buttons
-- and forms (unless STUDYBOT_SECRET_KEY is set).
CREATE TABLE instance_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- rooms: a row with channel_id '' records the intent to open that room, written before the
-- platform is asked; a restart that finds it looks for the room the first attempt may have
-- opened instead of opening a second one.
