-- Incoming events already handled, by the platform's own id (issue 19): Slack retries an event
-- it thinks was answered late, and with several processes or a restart the same Discord
-- interaction or Slack payload can arrive twice. The first process to record an id handles it.
-- Ids only, no tenant and no member: nothing here is personal data. Pruned after a day.
CREATE TABLE seen_events (
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (platform, event_id)
);
CREATE INDEX seen_events_seen_at ON seen_events (seen_at);
