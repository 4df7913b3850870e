-- No ghosts (docs/buddies.md "No ghosts", docs/checkins.md "Reminders"): members who never
-- show up stop costing their buddies rounds, and stop getting a reminder every day.

-- "Still in for next round?": the period key of the scheduled round a silent member was asked
-- about (setting it is the ask's claim), and when they last answered Yes. A member asked about
-- a round who neither answered Yes nor checked in since the last round is not paired in it
-- while the community setting buddy_silence is 'out' (the default).
ALTER TABLE buddies ADD COLUMN stillin_asked TEXT;
ALTER TABLE buddies ADD COLUMN stillin_yes_at TEXT;

-- /buddy rematch: when this member's buddy moved on because there was no word from them. Such
-- a row is not their current group any more and never makes the group count as met; it still
-- counts towards their missed rounds when the round closes.
ALTER TABLE group_members ADD COLUMN quiet_at TEXT;

-- Reminder back-off: the local date daily reminders turned weekly for a member who ignored 7
-- in a row. Daily reminders come back with any check-in on or after it (or a new time).
ALTER TABLE reminders ADD COLUMN weekly_from TEXT;
