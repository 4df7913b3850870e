-- Learning paths (docs/paths.md). The paths an organizer added (`/admin paths add`): the
-- community's data, not a member's, kept as the validated file's text so the file format stays
-- the one definition of a path. Built-in paths ship in bot/data/paths/ and are not stored.
CREATE TABLE tenant_paths (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    path_id TEXT NOT NULL,
    definition TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, path_id)
);

-- The paths a member picked: one row per path, kept when they pick another (their progress on
-- it stays), at most one active. `picked_on` is their local day of the first pick: check-in
-- minutes count toward its milestones from that day on.
CREATE TABLE member_paths (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    path_id TEXT NOT NULL,
    picked_at TEXT NOT NULL,
    picked_on TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    PRIMARY KEY (tenant_id, member_id, path_id)
);
CREATE UNIQUE INDEX member_paths_active ON member_paths (tenant_id, member_id) WHERE active = 1;
CREATE INDEX member_paths_tenant ON member_paths (tenant_id, active, path_id);

-- Milestones a member reached: by check-in minutes or marked done (with a link to their work).
CREATE TABLE path_milestones (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    path_id TEXT NOT NULL,
    milestone_id TEXT NOT NULL,
    reached_at TEXT NOT NULL,
    link TEXT,
    PRIMARY KEY (tenant_id, member_id, path_id, milestone_id)
);
CREATE INDEX path_milestones_reached ON path_milestones (tenant_id, reached_at);
CREATE INDEX path_milestones_path ON path_milestones (tenant_id, path_id, milestone_id);
