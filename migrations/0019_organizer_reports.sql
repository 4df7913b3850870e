-- Whether an organizer gets the weekly report (the digest's figures and the latest buddy round
-- report, by DM): on unless they ran /admin reports off:yes. Erased with the organizer's row.
ALTER TABLE organizers ADD COLUMN reports INTEGER NOT NULL DEFAULT 1;
