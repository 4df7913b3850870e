-- Study-buddy matching: who takes part, who blocked whom, and each round's groups.
-- Digests and privacy read rounds, groups and group_members; docs/buddies.md describes them.

-- Enrolment: a row exists once a member ran /buddy join. status 'left' keeps the settings
-- (and the nudge date) should they join again. paused_until is an instant (UTC) for
-- /buddy pause weeks:N; NULL with status 'paused' means "until /buddy resume" (auto-pause).
CREATE TABLE buddies (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    paused_until TEXT,
    share_checkins INTEGER NOT NULL DEFAULT 1,
    last_nudge_on TEXT,  -- the nudger's local date (YYYY-MM-DD) of their last /buddy nudge
    missed_rounds INTEGER NOT NULL DEFAULT 0,  -- consecutive rounds with no answer, no check-in
    joined_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX buddies_tenant_status ON buddies (tenant_id, status);

-- A block is private to the blocker; the blocked member is never told. Both directions keep
-- the two apart.
CREATE TABLE blocks (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    blocker_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_tenant ON blocks (tenant_id);
CREATE INDEX blocks_blocked ON blocks (blocked_id);

-- One matching round per tenant and period ("2026-W10" for a scheduled round, "manual-3" for
-- /admin match now). number counts a tenant's rounds from 1. The follow-up ("Did you meet?")
-- is due at followup_at; a round is closed when the next one starts.
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    period TEXT NOT NULL,
    started_at TEXT NOT NULL,
    followup_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at TEXT,
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, period)
);
CREATE INDEX rounds_open ON rounds (status, followup_at);

-- A group of 2 or 3 members in a round; room_key names its private room (see the rooms table).
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    room_key TEXT NOT NULL,
    UNIQUE (tenant_id, room_key)
);
CREATE INDEX groups_round ON groups (round_id);

-- member_id is NULL once the member's data was erased: display_name then reads
-- 'a former member', so partners' history keeps its shape. met: NULL unanswered, 1 yes, 0 no.
-- left_at: the member left the server or workspace during the round.
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    display_name TEXT NOT NULL,
    met INTEGER CHECK (met IN (0, 1)),
    answered_at TEXT,
    left_at TEXT,
    UNIQUE (group_id, member_id)
);
CREATE INDEX group_members_member ON group_members (tenant_id, member_id);
