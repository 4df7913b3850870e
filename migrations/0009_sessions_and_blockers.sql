-- A day's check-in gathers every session of that day: a second /checkin adds to the first
-- (texts in order, minutes added, skills merged) instead of replacing it. `sessions` counts them.
ALTER TABLE checkins ADD COLUMN sessions INTEGER NOT NULL DEFAULT 1;

-- A blocker stays open until its author marks it solved (or a week passes): a later check-in
-- that does not repeat it does not close it. One row per blocker a check-in reported; the
-- check-in's own `blockers` column keeps the day's text for export.
CREATE TABLE blockers (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    solved_at TEXT
);
CREATE INDEX blockers_member ON blockers (tenant_id, member_id, solved_at);
CREATE INDEX blockers_week ON blockers (tenant_id, local_date);
CREATE INDEX blockers_checkin ON blockers (checkin_id);
INSERT INTO blockers (tenant_id, member_id, checkin_id, local_date, text, created_at)
SELECT tenant_id, member_id, id, local_date, blockers, updated_at FROM checkins
WHERE blockers <> '';
