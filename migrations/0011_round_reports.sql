-- Buddy rounds people trust: extra rounds, and what the organizer's round report needs.
-- docs/buddies.md ("Schema") describes these.

-- extra: started with /admin match now extra:yes, outside the one round per period (its
-- period is "extra-N"). It counts as history like any round: its members did meet.
ALTER TABLE rounds ADD COLUMN extra INTEGER NOT NULL DEFAULT 0;

-- Whether a group had study hours in common on the round's date, as its intro said:
-- 'shared', 'no_hours' (someone has none set) or 'no_overlap'. NULL for older rounds.
ALTER TABLE groups ADD COLUMN study_time TEXT
    CHECK (study_time IN ('shared', 'no_hours', 'no_overlap'));

-- Members a round did not group: 'waiting' (enrolled and in, but no group for them) or
-- 'paused' (paused for inactivity when the round started). Erasure deletes the member's rows.
CREATE TABLE round_notes (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('waiting', 'paused')),
    PRIMARY KEY (round_id, member_id, kind)
);
CREATE INDEX round_notes_member ON round_notes (tenant_id, member_id);

-- Who hears about rounds: the member who last ran /admin buddies or /admin match now (the
-- platforms tell the bot who is an admin only per event; nothing else lists organizers).
CREATE TABLE buddy_organizers (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    recorded_at TEXT NOT NULL
);
