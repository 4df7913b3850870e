"""What peer review says in DMs and replies (the flow is in cogs/paths/review.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.paths.model import Milestone, Path
from bot.paths.review import ANSWER_WITHIN, MARKS, REVIEWS_WANTED, RUBRIC, Answer
from bot.ports import Button, Message
from bot.skills import SkillCatalogue
from bot.text import join, literal, plural

NOTHING_YET = (
    "No peer reviews yet: submit your path's capstone project with /path submit "
    "link:https://..., and review requests sent to you show here too."
)
RUBRIC_LINE = (
    "Is the problem stated? Is the setup reproducible? Are there tests? Is it deployed or "
    "runnable? Does the README have a short situation-task-action-result (STAR) summary?"
)


def request_buttons(request_id: int) -> tuple[Button, ...]:
    return (
        Button("Review", f"path review request:{request_id}", "primary"),
        Button("Can't review", f"path decline request:{request_id}"),
    )


def ask(
    request_id: int,
    author: str,
    path: Path,
    capstone: Milestone,
    link: str,
    why: str,
) -> Message:
    days = ANSWER_WITHIN.days
    return Message(
        f"**Peer review request** (#{request_id})\n"
        f"Would you review {literal(author)}'s project for the {literal(path.name)} path's "
        f"capstone, *{literal(capstone.title)}*?\n{link}\nI'm asking you because {why}.\n"
        f"The rubric: {RUBRIC_LINE} Answer each with yes, no or partly, and a short "
        f"note if you like.\nTap Review to answer, or Can't review; after {plural(days, 'day')} "
        "without an answer I'll ask someone else.",
        buttons=request_buttons(request_id),
    )


def why_asked(knows: Sequence[str], reached: bool, skills: SkillCatalogue) -> str:
    """Why this reviewer: the capstone's skills their profile knows, or doing it themselves."""
    reasons = []
    if knows:
        reasons.append(f"your profile says you know {skills.names(tuple(knows))}")
    if reached:
        reasons.append("you did this capstone yourself")
    return join(reasons)


def answered_request(request_id: int, author: str, what: str) -> Message:
    """The request as it reads once answered: no buttons left to answer it twice."""
    return Message(f"**Peer review request** (#{request_id}) for {literal(author)}: {what}.")


def review(
    reviewer: str,
    path_name: str,
    link: str,
    answers: Mapping[str, Answer],
    number: int,
) -> Message:
    lines = [f"**A review of your {literal(path_name)} project** ({link}) from {literal(reviewer)}"]
    lines += rubric_lines(answers)
    if number >= REVIEWS_WANTED:
        lines.append(f"That's {plural(number, 'review')}: well done on finishing your project!")
    else:
        lines.append(f"Review {number} of {REVIEWS_WANTED}; I'll send the next when it's in.")
    return Message("\n".join(lines))


def rubric_lines(answers: Mapping[str, Answer]) -> list[str]:
    """✅ / 🟡 / ❌ and the note, one line per question."""
    lines = []
    for criterion in RUBRIC:
        answer = answers[criterion.name]
        note = f": {literal(answer.note)}" if answer.note else ""
        lines.append(f"{MARKS[answer.verdict]} {criterion.short}{note}")
    return lines


def status(
    path_name: str,
    link: str,
    reviews: Sequence[tuple[str, Mapping[str, Answer]]],
    waiting: int,
    settled: bool,
) -> str:
    """`/path reviews`: the member's submission, its reviews so far and what it waits for."""
    lines = [f"**Your {literal(path_name)} project** ({link}): {plural(len(reviews), 'review')}"]
    for reviewer, answers in reviews:
        lines.append(f"From {literal(reviewer)}:")
        lines += [f"  {line}" for line in rubric_lines(answers)]
    if waiting:
        lines.append(f"Waiting for {plural(waiting, 'reviewer')} to answer.")
    elif settled and len(reviews) < REVIEWS_WANTED:
        lines.append("Nobody else here could be asked; /path submit with the same link asks again.")
    return "\n".join(lines)


def waiting_for_you(requests: Sequence[tuple[int, str, str]]) -> str:
    """The review requests waiting for the member's answer: (number, author, link)."""
    asks = [f"#{n} for {literal(author)}: {link}" for n, author, link in requests]
    return (
        "Review requests waiting for you (/path review NUMBER, or /path decline NUMBER):\n"
        + "\n".join(f"• {a}" for a in asks)
    )


def nobody_left(path: Path, link: str, done: int, skills: str) -> str:
    got = "no reviews yet" if done == 0 else f"{plural(done, 'review')}, which I sent you"
    return (
        f"I couldn't find anyone else to review your {literal(path.name)} project ({link}): "
        f"nobody else here who knows {skills} or did this capstone can be asked. You got "
        f"{got}. When more members add these skills under knows (/profile set knows:...), "
        "/path submit with your link asks again."
    )


def submitted(path: Path, link: str, asked: int, skills: str) -> str:
    who = "member who knows" if asked == 1 else "members who know"
    return (
        f"Submitted {link} for peer review on the {literal(path.name)} path. I asked "
        f"{asked} {who} {skills} to review it with a short rubric; their reviews come to you "
        "by DM, with their names."
    )


def replaced(link: str, withdrawn: int) -> str:
    was = "was" if withdrawn == 1 else "were"
    note = f" ({plural(withdrawn, 'review request')} still open for it {was} withdrawn)"
    return f"This replaces your earlier submission, {link}{note if withdrawn else ''}."


def any_of(skill_ids: Sequence[str], skills: SkillCatalogue) -> str:
    """'Data engineering, Docker or SQL': the capstone's skills, any of which qualifies."""
    return join(sorted(skills.name(s) for s in skill_ids), conjunction="or")


def mark_done(capstone: Milestone, link: str) -> str:
    """Reviews are feedback, not the milestone: marking it done stays the member's word."""
    return f"When it's finished, /path done {capstone.id} link:{link} marks the capstone done."
