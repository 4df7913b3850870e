-- Organizers: members who ran an admin command, and when they last did. The platforms say who
-- is an admin only with each event; this is who the bot can turn to when something needs an
-- organizer (a post the platform refused for a missing permission).
CREATE TABLE organizers (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, member_id)
);
