-- "Did you meet?" for a group formed by /buddy rematch after its round's question went out:
-- that group's own time, halfway through what is left of the round. NULL (every group a
-- round forms, and rematches before its midpoint): the round's followup_at.
ALTER TABLE groups ADD COLUMN followup_at TEXT;
CREATE INDEX groups_late_followup ON groups (followup_at) WHERE followup_at IS NOT NULL;
