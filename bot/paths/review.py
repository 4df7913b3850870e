"""Peer review of a path's portfolio project: the rubric, its answers, who is asked to review.

Pure rules; the flow (asking, answering, replacing reviewers) is in cogs/paths/review.py and
the rows in bot/storage/reviews.py. docs/paths-review.md describes it for members.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

REVIEWS_WANTED = 2  # reviews a submission is after
ANSWER_WITHIN = timedelta(days=3)  # then another reviewer is asked
NOTE_LIMIT = 300


@dataclass(frozen=True)
class Criterion:
    name: str  # the command option and the answers' key
    question: str  # the form's label (Discord allows 45 characters)
    short: str  # how a review lists it


RUBRIC = (
    Criterion("problem", "Problem stated? (yes/no/partly + a note)", "Problem stated"),
    Criterion("setup", "Reproducible setup? (yes/no/partly + note)", "Reproducible setup"),
    Criterion("tests", "Tests? (yes/no/partly + a note)", "Tests"),
    Criterion("running", "Deployed or runnable service? (yes/no/partly)", "Deployed or runnable"),
    Criterion(
        "readme", "README with a STAR summary? (yes/no/partly)", "README with a STAR summary"
    ),
)
VERDICTS = {"yes": "yes", "y": "yes", "no": "no", "n": "no", "partly": "partly"}
VERDICTS |= {"partially": "partly", "partial": "partly", "somewhat": "partly"}
MARKS = {"yes": "✅", "partly": "🟡", "no": "❌"}
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)\b[\s,.:;!-]*(.*)", re.DOTALL)


@dataclass(frozen=True)
class Answer:
    verdict: str  # yes | partly | no
    note: str = ""


class AnswerError(ValueError):
    """An answer that does not start with yes, no or partly: the message says so."""


def parse_answer(criterion: Criterion, text: str) -> Answer:
    """'yes', 'No - there are none', 'partly: only unit tests' -> the verdict and the note."""
    found = _FIRST_WORD.match(text)
    verdict = VERDICTS.get(found.group(1).lower()) if found else None
    if found is None or verdict is None:
        raise AnswerError(
            f"Start the answer for {criterion.short.lower()} with yes, no or partly"
            f' (then a note if you like), e.g. {criterion.name}:"partly, only unit tests".'
        )
    return Answer(verdict, " ".join(found.group(2).split())[:NOTE_LIMIT])


@dataclass(frozen=True)
class Candidate:
    """A member who could review: how many of the capstone's skills their profile knows,
    whether they reached this capstone themselves, how many requests they have open now."""

    member_id: int
    overlap: int
    reached: bool = False
    open_requests: int = 0

    @property
    def qualified(self) -> bool:
        """Knows one of the capstone's skills, or did the capstone."""
        return self.overlap > 0 or self.reached


def rank(candidates: Sequence[Candidate]) -> list[int]:
    """Who to ask first, of those qualified: members who reached this capstone themselves,
    then those who know more of its skills, then those with fewer requests open (the asks
    are spread), then the longest-standing member."""
    ordered = sorted(
        (c for c in candidates if c.qualified),
        key=lambda c: (not c.reached, -c.overlap, c.open_requests, c.member_id),
    )
    return [c.member_id for c in ordered]
