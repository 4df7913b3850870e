-- Weekly digests: what was posted for which week, when the schedule was armed, and members who
-- asked not to be suggested as helpers for blockers. docs/digests.md describes them.
-- The exactly-once guarantee itself is the claim (tenant, 'digest', week key) in job_runs,
-- written in the same transaction as the digests row and its outbox message.

-- One row per digest queued. week_key is the ISO week of the local posting day ("2026-W10");
-- first_day..last_day are the local dates reported on. trigger: 'schedule' (the weekly tick),
-- 'manual' (/digest post, which takes the week's claim) or 'forced' (/digest post force:yes
-- after the week's digest was already posted; no claim). idem_key is the outbox message's key.
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    week_key TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'forced')),
    requested_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    idem_key TEXT NOT NULL UNIQUE,
    checked_in INTEGER NOT NULL,
    active_members INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX digests_tenant_week ON digests (tenant_id, week_key);

-- When the current schedule (channel, day, time) was set: slots before it are never due, so
-- choosing "monday" on a Wednesday does not post last Monday's digest at once.
CREATE TABLE digest_schedules (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    armed_at TEXT NOT NULL
);

-- Members who do not want to be suggested as helpers for others' blockers (/digest helper off).
CREATE TABLE digest_helper_optouts (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX digest_helper_optouts_tenant ON digest_helper_optouts (tenant_id);
