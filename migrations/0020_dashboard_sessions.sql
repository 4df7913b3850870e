-- The organizers' web dashboard (adapters/dashboard/): one-time login links and the sessions
-- they open. In the database, not in the dashboard process, so a link minted by the bot is
-- accepted by any dashboard process, and used only once across all of them.

-- A login link's nonce, once redeemed: a second use finds the row and is refused.
CREATE TABLE dashboard_logins (
    nonce TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    used_at TEXT NOT NULL,
    expires_at TEXT NOT NULL  -- the link's own expiry: the row can be pruned after it
);

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
-- opens no session.
CREATE TABLE dashboard_sessions (
    token_hash TEXT PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT  -- logged out
);
CREATE INDEX dashboard_sessions_member ON dashboard_sessions (tenant_id, member_id);
CREATE INDEX dashboard_logins_member ON dashboard_logins (tenant_id, member_id);
