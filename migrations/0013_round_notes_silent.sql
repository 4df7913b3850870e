-- The round report also names who sat a round out for not answering "Still in?" (kind
-- 'silent'). SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE round_notes_new (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('waiting', 'paused', 'silent')),
    PRIMARY KEY (round_id, member_id, kind)
);
INSERT INTO round_notes_new (tenant_id, round_id, member_id, kind)
    SELECT tenant_id, round_id, member_id, kind FROM round_notes;
DROP TABLE round_notes;
ALTER TABLE round_notes_new RENAME TO round_notes;
CREATE INDEX round_notes_member ON round_notes (tenant_id, member_id);
