"""Portfolio submissions and their peer reviews (schema: migrations/0023_path_reviews.sql).

The rules these rows follow are in cogs/paths/review.py; who qualifies, in bot/paths/review.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.paths.review import Answer, Candidate
from bot.storage.buddies import blocked_either_way
from bot.storage.db import Database, Reader, Row, Tx, from_db, to_db
from bot.storage.privacy import FORMER_MEMBER


@dataclass(frozen=True)
class Submission:
    id: int
    tenant_id: int
    member_id: int
    path_id: str
    milestone_id: str
    link: str
    submitted_at: datetime
    replaced_at: datetime | None = None
    settled_at: datetime | None = None


@dataclass(frozen=True)
class ReviewRequest:
    id: int
    submission_id: int
    reviewer_id: int | None  # None: the reviewer erased their data ("a former member")
    reviewer_name: str
    asked_at: datetime
    status: str  # asked | declined | expired | withdrawn | done
    answered_at: datetime | None = None
    answers: Mapping[str, Answer] | None = None


@dataclass(frozen=True)
class ReviewWeek:
    """A week's review activity for the digest: who submitted, who reviewed (member ids)."""

    submitted: tuple[int, ...] = ()  # authors of the week's submissions, in order
    reviewed: int = 0  # submissions that got a review in the week
    reviewers: tuple[int, ...] = ()  # members with a review done in the week, in order


_SUBMISSION = (
    "SELECT id, tenant_id, member_id, path_id, milestone_id, link, submitted_at, replaced_at,"
    " settled_at FROM path_submissions"
)
_REQUEST = (
    "SELECT r.id, r.submission_id, r.reviewer_id, r.asked_at, r.status, r.answered_at,"
    f" r.answers, COALESCE(NULLIF(m.display_name, ''), m.external_id, '{FORMER_MEMBER}')"
    " AS reviewer_name FROM path_reviews r LEFT JOIN members m ON m.id = r.reviewer_id"
)


def _when(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _submission(r: Row) -> Submission:
    return Submission(
        id=r["id"],
        tenant_id=r["tenant_id"],
        member_id=r["member_id"],
        path_id=r["path_id"],
        milestone_id=r["milestone_id"],
        link=r["link"],
        submitted_at=from_db(r["submitted_at"]),
        replaced_at=_when(r["replaced_at"]),
        settled_at=_when(r["settled_at"]),
    )


def _answers(text: str | None) -> dict[str, Answer] | None:
    if text is None:
        return None
    return {name: Answer(a["verdict"], a["note"]) for name, a in json.loads(text).items()}


def _request(r: Row) -> ReviewRequest:
    return ReviewRequest(
        id=r["id"],
        submission_id=r["submission_id"],
        reviewer_id=r["reviewer_id"],
        reviewer_name=r["reviewer_name"],
        asked_at=from_db(r["asked_at"]),
        status=r["status"],
        answered_at=_when(r["answered_at"]),
        answers=_answers(r["answers"]),
    )


class ReviewRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- submissions --------------------------------------------------------------------------

    async def open_submission(
        self, reader: Reader, tenant_id: int, member_id: int, path_id: str
    ) -> Submission | None:
        row = await reader.fetchone(
            f"{_SUBMISSION} WHERE tenant_id = ? AND member_id = ? AND path_id = ?"
            " AND replaced_at IS NULL",
            (tenant_id, member_id, path_id),
        )
        return _submission(row) if row else None

    async def open_submissions(
        self, reader: Reader, tenant_id: int, member_id: int
    ) -> list[Submission]:
        """The member's open submission on each path they submitted on, oldest first."""
        rows = await reader.fetchall(
            f"{_SUBMISSION} WHERE tenant_id = ? AND member_id = ? AND replaced_at IS NULL"
            " ORDER BY id",
            (tenant_id, member_id),
        )
        return [_submission(r) for r in rows]

    async def submission(self, reader: Reader, tenant_id: int, submission_id: int) -> Submission:
        row = await reader.fetchone(
            f"{_SUBMISSION} WHERE tenant_id = ? AND id = ?", (tenant_id, submission_id)
        )
        assert row is not None, "a request's submission is deleted with it"
        return _submission(row)

    async def submit(
        self,
        tx: Tx,
        tenant_id: int,
        member_id: int,
        path_id: str,
        milestone_id: str,
        link: str,
        now: datetime,
    ) -> tuple[Submission, Submission | None, int]:
        """Open a submission, replacing the member's open one on the path: the new one, the
        one it replaced, and how many unanswered requests about that one were withdrawn."""
        before = await self.open_submission(tx, tenant_id, member_id, path_id)
        withdrawn = 0
        if before is not None:
            await tx.execute(
                "UPDATE path_submissions SET replaced_at = ? WHERE tenant_id = ? AND id = ?",
                (to_db(now), tenant_id, before.id),
            )
            withdrawn = await tx.execute(
                "UPDATE path_reviews SET status = 'withdrawn', answered_at = ?"
                " WHERE tenant_id = ? AND submission_id = ? AND status = 'asked'",
                (to_db(now), tenant_id, before.id),
            )
        row = await tx.fetchone(
            "INSERT INTO path_submissions (tenant_id, member_id, path_id, milestone_id, link,"
            " submitted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (tenant_id, member_id, path_id, milestone_id, link, to_db(now)),
        )
        assert row is not None
        return await self.submission(tx, tenant_id, row["id"]), before, withdrawn

    async def unsettled(self, reader: Reader) -> list[Submission]:
        """Open submissions still after reviews, in every community, oldest first: the tick's
        work. Those of authors who left are not looked at."""
        rows = await reader.fetchall(
            f"{_SUBMISSION} s WHERE s.replaced_at IS NULL AND s.settled_at IS NULL"
            " AND EXISTS (SELECT 1 FROM members m WHERE m.id = s.member_id"
            "  AND m.tenant_id = s.tenant_id AND m.left_at IS NULL)"
            " ORDER BY s.submitted_at, s.id"
        )
        return [_submission(r) for r in rows]

    async def still_open(self, tx: Tx, tenant_id: int, submission_id: int) -> bool:
        """Whether the submission is still after reviews: not replaced, not settled, and its
        author still a member (read in the transaction that would ask someone)."""
        row = await tx.fetchone(
            "SELECT 1 FROM path_submissions s JOIN members m ON m.id = s.member_id"
            " AND m.tenant_id = s.tenant_id AND m.left_at IS NULL"
            " WHERE s.tenant_id = ? AND s.id = ? AND s.replaced_at IS NULL"
            " AND s.settled_at IS NULL",
            (tenant_id, submission_id),
        )
        return row is not None

    async def settle(self, tx: Tx, tenant_id: int, submission_id: int, now: datetime) -> bool:
        """Mark it settled (reviews complete, or nobody else qualifies); False if it was."""
        changed = await tx.execute(
            "UPDATE path_submissions SET settled_at = ? WHERE tenant_id = ? AND id = ?"
            " AND settled_at IS NULL",
            (to_db(now), tenant_id, submission_id),
        )
        return changed == 1

    async def reopen(self, tx: Tx, submission: Submission) -> Submission:
        """After nobody else qualified: after reviews again (nobody asked before is asked)."""
        await tx.execute(
            "UPDATE path_submissions SET settled_at = NULL WHERE tenant_id = ? AND id = ?",
            (submission.tenant_id, submission.id),
        )
        return await self.submission(tx, submission.tenant_id, submission.id)

    # --- requests -----------------------------------------------------------------------------

    async def requests(
        self, reader: Reader, tenant_id: int, submission_id: int
    ) -> list[ReviewRequest]:
        rows = await reader.fetchall(
            f"{_REQUEST} WHERE r.tenant_id = ? AND r.submission_id = ? ORDER BY r.id",
            (tenant_id, submission_id),
        )
        return [_request(r) for r in rows]

    async def request(
        self, reader: Reader, tenant_id: int, request_id: int
    ) -> ReviewRequest | None:
        row = await reader.fetchone(
            f"{_REQUEST} WHERE r.tenant_id = ? AND r.id = ?", (tenant_id, request_id)
        )
        return _request(row) if row else None

    async def open_requests(self, reader: Reader, tenant_id: int, reviewer_id: int) -> list[int]:
        """The ids of the requests waiting for this reviewer's answer, oldest first."""
        rows = await reader.fetchall(
            "SELECT id FROM path_reviews WHERE tenant_id = ? AND reviewer_id = ?"
            " AND status = 'asked' ORDER BY id",
            (tenant_id, reviewer_id),
        )
        return [r["id"] for r in rows]

    async def candidates(
        self, reader: Reader, submission: Submission, skills: Sequence[str]
    ) -> list[Candidate]:
        """Members who may be asked to review `submission`: still here, not its author, in no
        block with the author either way, never asked about it before, and either knowing
        one of `skills` (the capstone's) or having reached the capstone themselves."""
        marks = ", ".join("?" for _ in skills) or "NULL"
        # Driven from who knows a skill and who reached the capstone (indexed by skill and by
        # milestone), never from the whole community's members.
        rows = await reader.fetchall(
            "WITH pool (member_id) AS ("
            " SELECT k.member_id FROM member_skills k WHERE k.tenant_id = ?"
            f"  AND k.kind = 'knows' AND k.skill IN ({marks})"
            " UNION SELECT pm.member_id FROM path_milestones pm WHERE pm.tenant_id = ?"
            "  AND pm.path_id = ? AND pm.milestone_id = ?)"
            " SELECT m.id, (SELECT COUNT(*) FROM member_skills k WHERE k.member_id = m.id"
            f"  AND k.kind = 'knows' AND k.skill IN ({marks})) AS overlap,"
            " EXISTS (SELECT 1 FROM path_milestones pm WHERE pm.tenant_id = m.tenant_id"
            "  AND pm.member_id = m.id AND pm.path_id = ? AND pm.milestone_id = ?) AS reached,"
            " (SELECT COUNT(*) FROM path_reviews o WHERE o.tenant_id = m.tenant_id"
            "  AND o.reviewer_id = m.id AND o.status = 'asked') AS open_requests"
            " FROM pool JOIN members m ON m.id = pool.member_id"
            " WHERE m.tenant_id = ? AND m.left_at IS NULL AND m.id <> ?"
            f" AND NOT {blocked_either_way('m.id', '?')}"
            " AND NOT EXISTS (SELECT 1 FROM path_reviews r WHERE r.submission_id = ?"
            "  AND r.reviewer_id = m.id)",
            (
                submission.tenant_id,
                *skills,
                submission.tenant_id,
                submission.path_id,
                submission.milestone_id,
                *skills,
                submission.path_id,
                submission.milestone_id,
                submission.tenant_id,
                submission.member_id,
                submission.member_id,
                submission.member_id,
                submission.id,
            ),
        )
        return [
            Candidate(r["id"], r["overlap"], bool(r["reached"]), r["open_requests"]) for r in rows
        ]

    async def ask(
        self, tx: Tx, tenant_id: int, submission_id: int, reviewer_id: int, now: datetime
    ) -> ReviewRequest | None:
        """Record the request; None if this member was asked about this submission before."""
        row = await tx.fetchone(
            "INSERT INTO path_reviews (tenant_id, submission_id, reviewer_id, asked_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (submission_id, reviewer_id) DO NOTHING"
            " RETURNING id",
            (tenant_id, submission_id, reviewer_id, to_db(now)),
        )
        return await self.request(tx, tenant_id, row["id"]) if row else None

    async def answer(
        self, tx: Tx, tenant_id: int, request_id: int, answers: Mapping[str, Answer], now: datetime
    ) -> bool:
        """The reviewer's rubric answers; False unless the request was still open."""
        encoded = {k: {"verdict": a.verdict, "note": a.note} for k, a in answers.items()}
        return await self._close(tx, tenant_id, request_id, "done", now, json.dumps(encoded))

    async def decline(self, tx: Tx, tenant_id: int, request_id: int, now: datetime) -> bool:
        return await self._close(tx, tenant_id, request_id, "declined", now)

    async def withdraw(self, tx: Tx, tenant_id: int, request_id: int, now: datetime) -> bool:
        """An open request that needs no answer any more (a block since it was sent)."""
        return await self._close(tx, tenant_id, request_id, "withdrawn", now)

    async def _close(
        self,
        tx: Tx,
        tenant_id: int,
        request_id: int,
        status: str,
        now: datetime,
        answers: str | None = None,
    ) -> bool:
        """The reviewer's answer to an open request; False if it was closed already."""
        changed = await tx.execute(
            "UPDATE path_reviews SET status = ?, answered_at = ?, answers = ?"
            " WHERE tenant_id = ? AND id = ? AND status = 'asked'",
            (status, to_db(now), answers, tenant_id, request_id),
        )
        return changed == 1

    async def expire(
        self, tx: Tx, tenant_id: int, submission_id: int, asked_before: datetime
    ) -> int:
        """Requests about `submission_id` unanswered since before `asked_before`, or whose
        reviewer left, stop counting (expired); how many."""
        return await tx.execute(
            "UPDATE path_reviews SET status = 'expired' WHERE tenant_id = ?"
            " AND submission_id = ? AND status = 'asked' AND (asked_at < ?"
            "  OR EXISTS (SELECT 1 FROM members m"
            "   WHERE m.id = path_reviews.reviewer_id AND m.left_at IS NOT NULL))",
            (tenant_id, submission_id, to_db(asked_before)),
        )

    # --- the digest ---------------------------------------------------------------------------

    async def week(self, tenant_id: int, start: datetime, end: datetime) -> ReviewWeek:
        """Submissions made and reviews done from `start` to `end` (exclusive), by members
        still here."""
        submitted = await self._db.fetchall(
            "SELECT s.member_id FROM path_submissions s JOIN members m ON m.id = s.member_id"
            " WHERE s.tenant_id = ? AND s.submitted_at >= ? AND s.submitted_at < ?"
            " AND s.replaced_at IS NULL AND m.left_at IS NULL ORDER BY s.submitted_at, s.id",
            (tenant_id, to_db(start), to_db(end)),
        )
        done = await self._db.fetchall(
            "SELECT r.submission_id, r.reviewer_id, m.left_at FROM path_reviews r"
            " LEFT JOIN members m ON m.id = r.reviewer_id WHERE r.tenant_id = ?"
            " AND r.status = 'done' AND r.answered_at >= ? AND r.answered_at < ?"
            " ORDER BY r.answered_at, r.id",
            (tenant_id, to_db(start), to_db(end)),
        )
        reviewers = [r["reviewer_id"] for r in done if r["reviewer_id"] and not r["left_at"]]
        return ReviewWeek(
            submitted=tuple(dict.fromkeys(r["member_id"] for r in submitted)),
            reviewed=len({r["submission_id"] for r in done}),
            reviewers=tuple(dict.fromkeys(reviewers)),
        )

    # --- personal data ------------------------------------------------------------------------

    async def export(self, tenant_id: int, member_id: int) -> dict[str, Any]:
        """The member's submissions with the reviews they got, and the reviews asked of them."""
        own = await self._db.fetchall(
            f"{_SUBMISSION} WHERE tenant_id = ? AND member_id = ? ORDER BY id",
            (tenant_id, member_id),
        )
        submissions = []
        for s in map(_submission, own):
            got = await self.requests(self._db, tenant_id, s.id)
            submissions.append(
                {
                    "path": s.path_id,
                    "link": s.link,
                    "submitted_at": s.submitted_at,
                    "replaced_at": s.replaced_at,
                    "reviews": [_exported(r) for r in got if r.status == "done"],
                }
            )
        asked = await self._db.fetchall(
            f"{_REQUEST} WHERE r.tenant_id = ? AND r.reviewer_id = ? ORDER BY r.id",
            (tenant_id, member_id),
        )
        return {
            "submissions": submissions,
            "review_requests": [_exported(_request(r), reviewer=False) for r in asked],
        }

    async def erase(self, tx: Tx, tenant_id: int, member_id: int) -> int:
        """Delete the member's submissions (with the reviews about them); the reviews they
        wrote lose their reviewer and keep their answers, for the authors; their open
        requests are withdrawn, so someone else is asked."""
        deleted = await tx.execute(
            "DELETE FROM path_submissions WHERE tenant_id = ? AND member_id = ?",
            (tenant_id, member_id),
        )
        anonymised = await tx.execute(
            "UPDATE path_reviews SET reviewer_id = NULL, status = CASE status"
            " WHEN 'asked' THEN 'withdrawn' ELSE status END WHERE tenant_id = ?"
            " AND reviewer_id = ?",
            (tenant_id, member_id),
        )
        return deleted + anonymised


def _exported(request: ReviewRequest, *, reviewer: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "status": request.status,
        "asked_at": request.asked_at,
        "answered_at": request.answered_at,
        "answers": {k: {"verdict": a.verdict, "note": a.note} for k, a in request.answers.items()}
        if request.answers
        else None,
    }
    if reviewer:
        out["reviewer"] = request.reviewer_name
    return out
