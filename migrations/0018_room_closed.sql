-- When a finished round's room was closed (a Discord buddy thread archived and locked): the
-- hourly job closes each room of a closed round once; NULL: still open.
ALTER TABLE rooms ADD COLUMN closed_at TEXT;
