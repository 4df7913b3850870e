-- Learning paths' portfolio projects and their peer reviews (issue 20; rules in
-- cogs/paths/review.py, docs/paths-review.md).
--
-- A submission is a capstone's project link. A member has at most one open submission per
-- path: resubmitting marks the old one replaced (its pending requests withdrawn) and opens a
-- new one. `settled_at`: it has its reviews, or nobody else qualified and the author was told.
-- Ids are AUTOINCREMENT, never handed out again after an erasure: claims (job_runs) and
-- outbox keys are made from them, and a reused id would find them taken.
CREATE TABLE path_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    path_id TEXT NOT NULL,
    milestone_id TEXT NOT NULL,
    link TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    replaced_at TEXT,
    settled_at TEXT
);
CREATE UNIQUE INDEX path_submissions_open ON path_submissions (tenant_id, member_id, path_id)
    WHERE replaced_at IS NULL;
-- The review job's work: the open submissions still after reviews, whatever the community.
CREATE INDEX path_submissions_unsettled ON path_submissions (submitted_at)
    WHERE settled_at IS NULL AND replaced_at IS NULL;
CREATE INDEX path_submissions_week ON path_submissions (tenant_id, submitted_at);

-- One request to one reviewer about one submission: asked, then declined, expired (no answer
-- in time, or the reviewer left), withdrawn (the link was replaced) or done (the rubric's
-- answers, JSON). Nobody is asked twice about the same submission. An erased reviewer's done
-- review keeps its answers for the author and loses its reviewer (NULL: "a former member").
CREATE TABLE path_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    submission_id INTEGER NOT NULL REFERENCES path_submissions (id) ON DELETE CASCADE,
    reviewer_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    asked_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'asked'
        CHECK (status IN ('asked', 'declined', 'expired', 'withdrawn', 'done')),
    answered_at TEXT,
    answers TEXT,
    UNIQUE (submission_id, reviewer_id)
);
CREATE INDEX path_reviews_reviewer ON path_reviews (tenant_id, reviewer_id, status);
CREATE INDEX path_reviews_open ON path_reviews (tenant_id, status, asked_at);
CREATE INDEX path_reviews_answered ON path_reviews (tenant_id, answered_at);
