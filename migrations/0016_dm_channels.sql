-- The platform's id of the direct-message conversation with a member (a Slack D... id), so a
-- restart does not cost one conversations.open (Tier 3) per member again. Erased with the
-- member's data (/privacy delete).
CREATE TABLE dm_channels (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_external_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_external_id)
);
