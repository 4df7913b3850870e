-- The time zone the member's chat platform reports for them (Slack's `tz` from users.info), an
-- IANA name checked with zoneinfo before it is stored. It is their default until they set a
-- zone of their own (profiles.timezone); the community's zone applies when neither is known.
-- NULL: the platform never told us (Discord, the console, or Slack could not be asked yet).
ALTER TABLE members ADD COLUMN platform_timezone TEXT;
