-- When the bot was removed from the community (a Discord server kicked it, a Slack workspace
-- uninstalled it or revoked its token): its jobs stop and nothing is sent there until it is
-- added again. NULL: the bot is in. The community's data is kept (docs/operations.md).
ALTER TABLE tenants ADD COLUMN removed_at TEXT;
