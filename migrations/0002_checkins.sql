-- Daily skill check-ins, the skills practised in each, and members' reminder settings.
-- Streaks and freezes are derived from checkins.local_date (bot/streaks.py); the number of
-- freezes per ISO week is the community setting `streak_freezes` in tenant_settings.
-- Schema and query notes for other cogs: docs/checkins.md.

-- One row per member per local day. local_date is the member's calendar date (YYYY-MM-DD) in
-- `timezone` at the moment of the first check-in that day; a second check-in the same local
-- day updates the row. Optional text fields are '' when not given; minutes is NULL then.
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    timezone TEXT NOT NULL,
    did TEXT NOT NULL,
    next TEXT NOT NULL DEFAULT '',
    blockers TEXT NOT NULL DEFAULT '',
    minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 720),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, member_id, local_date)
);
CREATE INDEX checkins_tenant_date ON checkins (tenant_id, local_date);

-- Catalogue skill ids (bot/skills.py) practised in a check-in.
CREATE TABLE checkin_skills (
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    skill TEXT NOT NULL,
    PRIMARY KEY (checkin_id, skill)
);
CREATE INDEX checkin_skills_tenant_skill ON checkin_skills (tenant_id, skill);

-- A member's daily reminder at local wall-clock time remind_at (HH:MM). Reminders whose
-- instant falls before updated_at are not sent, so setting a time that has already passed
-- today does not fire at once.
CREATE TABLE reminders (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    remind_at TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL
);
CREATE INDEX reminders_enabled ON reminders (enabled, tenant_id);
