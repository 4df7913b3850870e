-- Slack OAuth installs (HTTP mode serving many workspaces, docs/slack-setup.md).

-- One row per workspace that installed the app: its bot token is a secret and lives only here.
-- Keyed by Slack's team id, not a tenant: the install is stored before the workspace's first
-- event creates its tenant. Deleted on app_uninstalled / tokens_revoked / tenant removal. No
-- member data: the installing user is not kept.
CREATE TABLE slack_installations (
    team_id TEXT PRIMARY KEY,
    enterprise_id TEXT,
    team_name TEXT NOT NULL,
    app_id TEXT NOT NULL,
    bot_token TEXT NOT NULL,
    bot_id TEXT NOT NULL,
    bot_user_id TEXT NOT NULL,
    bot_scopes TEXT NOT NULL,
    installed_at TEXT NOT NULL
);

-- An install link's OAuth state, in the database so the callback may reach any worker behind
-- a load balancer; consumed (deleted) once, refused after expires_at.
CREATE TABLE slack_oauth_states (
    state TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
