-- Tenants (a Discord guild, a Slack workspace, the local console), their members and profiles,
-- plus the scheduling and delivery backbone: job claims and the outbox.
-- Portable SQL: SQLite today, PostgreSQL later (no AUTOINCREMENT quirks relied upon).

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

-- Per-community settings as typed-by-code key/value pairs, so a new setting needs no migration.
CREATE TABLE tenant_settings (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    joined_at TEXT NOT NULL,
    left_at TEXT,
    dm_closed INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, external_id)
);
CREATE INDEX members_tenant_name ON members (tenant_id, display_name);

CREATE TABLE profiles (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    timezone TEXT,
    goal TEXT,
    level TEXT,
    hours_start TEXT,
    hours_end TEXT,
    about TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE member_skills (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('learning', 'knows')),
    skill TEXT NOT NULL,
    PRIMARY KEY (member_id, kind, skill)
);
CREATE INDEX member_skills_tenant_skill ON member_skills (tenant_id, kind, skill);

-- A claim: the first tick to insert (tenant, job, period) owns that unit of work.
CREATE TABLE job_runs (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    job TEXT NOT NULL,
    period TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, job, period)
);

-- Every outgoing message. The idempotency key makes enqueueing the same message twice a no-op.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL UNIQUE,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('channel', 'dm', 'room')),
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    message_id TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_member ON outbox (member_id);

-- Private spaces opened for a group of members (thread, group DM, console room), by our key.
CREATE TABLE rooms (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    room_key TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, room_key)
);
