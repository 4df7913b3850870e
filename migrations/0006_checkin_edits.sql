-- How many times a check-in was replaced by a later one the same local day. The upsert that
-- saves a check-in returns it, so one statement both writes and says whether it replaced one.
ALTER TABLE checkins ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;
