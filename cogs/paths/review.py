"""Portfolio peer review: `/path submit` a capstone's project link, two peers review it.

Reviewers are members who know the capstone's skills or did it themselves (bot/paths/review.py
ranks them), never the author, a member who left, someone in a block with the author either
way, or anyone asked about the submission before. A request unanswered for three days, or
declined, makes way for the next reviewer; when nobody else qualifies the author is told, once.
Every ask is claimed (`REVIEW_JOB`, "<submission>:ask-<n>") in the transaction that records it
and queues its DM, so a tick that runs twice, or a racing command, asks nobody twice and never
more than the reviews wanted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, Any

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.paths.fileformat import URL_LENGTH, typed_link
from bot.paths.model import Milestone, Path
from bot.paths.review import (
    ANSWER_WITHIN,
    NOTE_LIMIT,
    REVIEWS_WANTED,
    RUBRIC,
    AnswerError,
    parse_answer,
    rank,
)
from bot.personal_data import PersonalData
from bot.ports import Form, FormField, Message
from bot.scheduling import Job
from bot.storage import claims
from bot.storage.buddies import BuddyRepo
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from bot.storage.reviews import ReviewRepo, ReviewRequest, Submission
from bot.text import join
from cogs.paths import review_texts as texts

REVIEW_JOB = "path-review"
REVIEW_FORM = Form(
    title="Peer review",
    command="path review",
    fields=tuple(
        FormField(c.name, c.question, required=True, max_length=NOTE_LIMIT) for c in RUBRIC
    ),
)
_ANSWERED = {
    "done": "you reviewed it, thank you",
    "declined": "you said you can't review it",
    "expired": f"it went to someone else after {ANSWER_WITHIN.days} days without an answer",
    "withdrawn": "it needs no review from you any more (the link was replaced, or it is closed)",
}

RequestId = Annotated[
    int | None,
    Opt("the review request's number (left out: your one open request)", primary=True, min=1),
]
Problem = Annotated[
    str, Opt("is the problem stated? yes, no or partly, and a note", max_length=NOTE_LIMIT)
]
Setup = Annotated[str, Opt("is the setup reproducible? yes, no or partly", max_length=NOTE_LIMIT)]
Tests = Annotated[str, Opt("are there tests? yes, no or partly", max_length=NOTE_LIMIT)]
Running = Annotated[
    str, Opt("is it deployed or runnable? yes, no or partly", max_length=NOTE_LIMIT)
]
Readme = Annotated[
    str, Opt("does the README have a short STAR summary? yes, no or partly", max_length=NOTE_LIMIT)
]


@dataclass(frozen=True)
class Filled:
    """What filling a submission's reviewer slots did."""

    asked: int  # reviewers asked now
    gave_up: bool  # nobody else qualifies and nothing is pending: the author was told
    done: int  # reviews the submission has


class Reviews:
    """Asking reviewers for a submission, from a command or the scheduler's tick."""

    def __init__(self, app: App, repo: ReviewRepo) -> None:
        self._app = app
        self._repo = repo

    async def capstone(self, submission: Submission) -> tuple[Path, Milestone] | None:
        path = await self._app.paths.catalog.get(submission.tenant_id, submission.path_id)
        milestone = path.milestone(submission.milestone_id) if path else None
        return (path, milestone) if path and milestone else None

    async def fill(
        self,
        tx: Tx,
        submission: Submission,
        path: Path,
        capstone: Milestone,
        now: datetime,
        *,
        tell_author: bool,
    ) -> Filled:
        """Retire requests unanswered for too long, ask reviewers for the slots still open,
        and settle the submission when it has its reviews or nobody else can be asked (then
        DM the author when `tell_author`; a command tells them in its reply instead)."""
        tenant_id = submission.tenant_id
        # The tick's list was read before: a link replaced, a submission settled or an author
        # gone since then is asked about no more.
        if not await self._repo.still_open(tx, tenant_id, submission.id):
            return Filled(0, False, 0)
        await self._repo.expire(tx, tenant_id, submission.id, now - ANSWER_WITHIN)
        requests = await self._repo.requests(tx, tenant_id, submission.id)
        done = sum(r.status == "done" for r in requests)
        pending = sum(r.status == "asked" for r in requests)
        if done >= REVIEWS_WANTED:
            await self._repo.settle(tx, tenant_id, submission.id, now)
            return Filled(0, False, done)
        wanted = REVIEWS_WANTED - done - pending
        if wanted <= 0:
            return Filled(0, False, done)  # everyone asked may still answer: nobody to find
        candidates = await self._repo.candidates(tx, submission, capstone.skills)
        by_id = {c.member_id: c for c in candidates}
        asked = 0
        for reviewer_id in rank(candidates)[:wanted]:
            slot = f"{submission.id}:ask-{len(requests) + asked + 1}"
            if not await claims.claim(tx, tenant_id, REVIEW_JOB, slot, now):
                break  # another tick filled this slot
            request = await self._repo.ask(tx, tenant_id, submission.id, reviewer_id, now)
            assert request is not None, "candidates were never asked about this submission"
            await self._send_ask(
                tx, submission, path, capstone, request, by_id[reviewer_id].reached, now
            )
            asked += 1
        gave_up = wanted > 0 and asked == 0 and pending == 0
        if gave_up and await self._repo.settle(tx, tenant_id, submission.id, now) and tell_author:
            author = await self._app.members.get(tenant_id, submission.member_id)
            assert author is not None
            await enqueue(
                tx,
                tenant_id,
                # Once per time it runs out (a resubmission may reopen it): the requests so far.
                message_key("path-review-nobody", tenant_id, submission.id, len(requests)),
                Target.dm(author.external_id),
                Message(
                    texts.nobody_left(
                        path, submission.link, done, texts.any_of(capstone.skills, self._app.skills)
                    )
                ),
                now,
                member_id=author.id,
            )
        return Filled(asked, gave_up, done)

    async def _send_ask(
        self,
        tx: Tx,
        submission: Submission,
        path: Path,
        capstone: Milestone,
        request: ReviewRequest,
        reached: bool,
        now: datetime,
    ) -> None:
        tenant_id = submission.tenant_id
        assert request.reviewer_id is not None
        reviewer = await self._app.members.get(tenant_id, request.reviewer_id)
        author = await self._app.members.get(tenant_id, submission.member_id)
        assert reviewer is not None and author is not None
        profile = await self._app.profiles.get(tenant_id, reviewer.id)
        knows = [s for s in capstone.skills if s in profile.knows]
        why = texts.why_asked(knows, reached, self._app.skills)
        await enqueue(
            tx,
            tenant_id,
            message_key("path-review-ask", tenant_id, request.id),
            Target.dm(reviewer.external_id),
            texts.ask(request.id, author.label, path, capstone, submission.link, why),
            now,
            member_id=reviewer.id,
            expires_at=now + ANSWER_WITHIN,  # then it goes to someone else
            mentions=(author.id,),
        )

    async def tick(self, now: datetime) -> int:
        """Replace reviewers who did not answer in time or left; how many were asked."""
        asked = 0
        for submission in await self._repo.unsettled(self._app.db):
            if not await self._app.runs_jobs_for(submission.tenant_id):
                continue  # the bot was removed from it, or another shard owns it
            found = await self.capstone(submission)
            if found is None:
                continue  # an organizer removed the path; nothing to review it against
            async with self._app.db.transaction() as tx:
                filled = await self.fill(tx, submission, *found, now, tell_author=True)
            asked += filled.asked
        if asked:
            self._app.sender.kick()
        return asked


class ReviewCommands:
    def __init__(self, app: App, reviews: Reviews, repo: ReviewRepo) -> None:
        self._app = app
        self._reviews = reviews
        self._repo = repo
        self._buddies = BuddyRepo(app.db)

    @command(
        "path submit",
        "Submit your path's capstone project (a repository link) for peer review.",
        examples=("/path submit link:https://github.com/you/pipeline",),
    )
    async def submit(
        self,
        inv: Invocation,
        *,
        link: Annotated[
            str,
            Opt(
                "your project's link (https://...)",
                primary=True,
                max_length=URL_LENGTH,
                aliases=("url", "repo"),
            ),
        ],
    ) -> Reply:
        progress = await self._app.paths.progress_of(inv.tenant.id, inv.member.id)
        if progress is None:
            raise CommandError(
                "You're not on a learning path: pick one with /path pick, then submit its "
                "capstone project here.",
                inv.command,
            )
        path = progress.path
        capstone = next((m for m in path.milestones if m.capstone), None)
        if capstone is None:
            raise CommandError(
                f"The {path.name} path has no capstone project to submit for review.", inv.command
            )
        try:
            link = typed_link(link)
        except ValueError as exc:
            raise CommandError(
                f"The link: {exc}. Give your project's full address (a GitHub or GitLab "
                "repository, or any other host).",
                inv.command,
                option="link",
            ) from None
        skills = texts.any_of(capstone.skills, self._app.skills)
        async with self._app.db.transaction() as tx:
            before = await self._repo.open_submission(tx, inv.tenant.id, inv.member.id, path.id)
            replaced, withdrawn = None, 0
            if before is not None and before.link == link:
                submission = await self._again(inv, tx, before)
            else:
                submission, replaced, withdrawn = await self._repo.submit(
                    tx, inv.tenant.id, inv.member.id, path.id, capstone.id, link, inv.now
                )
            filled = await self._reviews.fill(
                tx, submission, path, capstone, inv.now, tell_author=False
            )
        lines = []
        if replaced is not None:
            lines.append(texts.replaced(replaced.link, withdrawn))
        if filled.gave_up:
            lines.append(texts.nobody_left(path, link, filled.done, skills))
        else:
            lines.append(texts.submitted(path, link, filled.asked, skills))
        if capstone.id not in progress.reached:
            lines.append(texts.mark_done(capstone, link))
        return Reply(text="\n".join(lines))

    async def _again(self, inv: Invocation, tx: Tx, submission: Submission) -> Submission:
        """The same link again: asked again when nobody else could be asked before (someone
        may qualify now), else refused, saying why."""
        done = sum(
            r.status == "done" for r in await self._repo.requests(tx, inv.tenant.id, submission.id)
        )
        if submission.settled_at is None or done >= REVIEWS_WANTED:
            still = "has its reviews" if done >= REVIEWS_WANTED else "is waiting for its reviews"
            raise CommandError(
                f"You already submitted {submission.link} for review, and it {still} (they "
                "come to you by DM). To submit another version, give its link.",
                inv.command,
            )
        return await self._repo.reopen(tx, submission)

    async def _own_request(
        self, inv: Invocation, request_id: int | None
    ) -> tuple[ReviewRequest, Submission]:
        """The invoker's open request `request_id` (None: their only open one), or a reply
        saying why there is none."""
        if request_id is None:
            waiting = await self._repo.open_requests(self._app.db, inv.tenant.id, inv.member.id)
            if not waiting:
                raise CommandError(
                    "You have no review requests waiting for an answer.", inv.command
                )
            if len(waiting) > 1:
                numbers = join([f"#{n}" for n in waiting])
                raise CommandError(
                    f"You have {len(waiting)} review requests waiting ({numbers}): say which, "
                    f"e.g. /{inv.command.name} {waiting[0]}.",
                    inv.command,
                    option="request",
                )
            request_id = waiting[0]
        request = await self._repo.request(self._app.db, inv.tenant.id, request_id)
        if request is None or request.reviewer_id != inv.member.id:
            raise CommandError(
                f"You have no review request #{request_id}. The number is in the request's message.",
                inv.command,
                option="request",
            )
        submission = await self._repo.submission(self._app.db, inv.tenant.id, request.submission_id)
        if request.status == "asked" and await self._buddies.blocked_between(
            self._app.db, submission.member_id, inv.member.id
        ):
            # A block made since the request was sent: no review passes between them; the
            # slot goes to someone else. The reviewer reads it closed, not why.
            found = await self._reviews.capstone(submission)
            async with self._app.db.transaction() as tx:
                if await self._repo.withdraw(tx, inv.tenant.id, request.id, inv.now) and found:
                    await self._reviews.fill(tx, submission, *found, inv.now, tell_author=True)
            self._app.sender.kick()
            request = replace(request, status="withdrawn")
        if request.status != "asked":
            author = await self._author(submission)
            raise CommandError(
                f"Review request #{request_id} for {author.label} is closed: "
                f"{_ANSWERED[request.status]}."
            )
        return request, submission

    async def _author(self, submission: Submission) -> Member:
        """The submission's author (an erased author's submissions are deleted with them)."""
        author = await self._app.members.get(submission.tenant_id, submission.member_id)
        assert author is not None, "member rows are kept, as tombstones"
        return author

    @command(
        "path review",
        "Answer a peer review request with the rubric: yes, no or partly, and a note each.",
        form=REVIEW_FORM,
        examples=(
            '/path review 12 problem:yes setup:"yes, docker compose up" tests:"partly, unit only"'
            " running:no readme:yes",
        ),
    )
    async def review(
        self,
        inv: Invocation,
        *,
        request: RequestId = None,
        problem: Problem,
        setup: Setup,
        tests: Tests,
        running: Running,
        readme: Readme,
    ) -> Reply:
        asked, submission = await self._own_request(inv, request)
        given = {
            "problem": problem,
            "setup": setup,
            "tests": tests,
            "running": running,
            "readme": readme,
        }
        answers = {}
        for criterion in RUBRIC:
            try:
                answers[criterion.name] = parse_answer(criterion, given[criterion.name])
            except AnswerError as exc:
                raise CommandError(str(exc), inv.command, option=criterion.name) from None
        found = await self._reviews.capstone(submission)
        author = await self._author(submission)
        async with self._app.db.transaction() as tx:
            if not await self._repo.answer(tx, inv.tenant.id, asked.id, answers, inv.now):
                raise CommandError(f"Review request #{asked.id} was answered already.")
            done = sum(
                r.status == "done"
                for r in await self._repo.requests(tx, inv.tenant.id, submission.id)
            )
            # An organizer may have removed the path since: the author still gets the review.
            path_name = found[0].name if found else submission.path_id
            await enqueue(
                tx,
                inv.tenant.id,
                message_key("path-review-done", inv.tenant.id, asked.id),
                Target.dm(author.external_id),
                texts.review(inv.member.label, path_name, submission.link, answers, done),
                inv.now,
                member_id=author.id,
                mentions=(inv.member.id,),
            )
            if found is not None:
                await self._reviews.fill(tx, submission, *found, inv.now, tell_author=True)
        return Reply(
            text=f"Thank you! Your review is on its way to {author.label}, with your name on it.",
            replaces_clicked=texts.answered_request(asked.id, author.label, _ANSWERED["done"]),
        )

    @command(
        "path decline",
        "Say you can't do a peer review request; someone else is asked.",
        examples=("/path decline 12",),
    )
    async def decline(self, inv: Invocation, *, request: RequestId = None) -> Reply:
        asked, submission = await self._own_request(inv, request)
        found = await self._reviews.capstone(submission)
        author = await self._author(submission)
        async with self._app.db.transaction() as tx:
            if not await self._repo.decline(tx, inv.tenant.id, asked.id, inv.now):
                raise CommandError(f"Review request #{asked.id} was answered already.")
            if found is not None:
                await self._reviews.fill(tx, submission, *found, inv.now, tell_author=True)
        return Reply(
            text=f"No problem: I'll ask someone else to review {author.label}'s project. "
            "Thanks for saying so!",
            replaces_clicked=texts.answered_request(asked.id, author.label, _ANSWERED["declined"]),
        )

    @command(
        "path reviews",
        "Your project's peer reviews so far, and the review requests waiting for you.",
    )
    async def reviews(self, inv: Invocation) -> Reply:
        tenant_id, db = inv.tenant.id, self._app.db
        parts = []
        for own in await self._repo.open_submissions(db, tenant_id, inv.member.id):
            requests = await self._repo.requests(db, tenant_id, own.id)
            path = await self._app.paths.catalog.get(tenant_id, own.path_id)
            done = [(r.reviewer_name, r.answers) for r in requests if r.answers is not None]
            waiting = sum(r.status == "asked" for r in requests)
            name = path.name if path else own.path_id
            parts.append(texts.status(name, own.link, done, waiting, own.settled_at is not None))
        asked = []
        for number in await self._repo.open_requests(db, tenant_id, inv.member.id):
            request = await self._repo.request(db, tenant_id, number)
            assert request is not None
            submission = await self._repo.submission(db, tenant_id, request.submission_id)
            asked.append((number, (await self._author(submission)).label, submission.link))
        if asked:
            parts.append(texts.waiting_for_you(asked))
        return Reply(text="\n\n".join(parts) or texts.NOTHING_YET)


class ReviewData:
    def __init__(self, repo: ReviewRepo) -> None:
        self._repo = repo

    def provider(self) -> PersonalData:
        return PersonalData(
            name="path_reviews",
            description=(
                "your portfolio submissions with the reviews they got, and the review "
                "requests you were sent (reviews you wrote stay with their authors, signed "
                '"a former member")'
            ),
            export=self.export,
            erase=self.erase,
        )

    async def export(self, tenant: Tenant, member: Member) -> dict[str, Any]:
        return await self._repo.export(tenant.id, member.id)

    async def erase(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        return await self._repo.erase(tx, tenant.id, member.id)


def setup(app: App) -> None:
    """Peer review's commands, job and personal data (called from cogs/paths/__init__.py)."""
    repo = ReviewRepo(app.db)
    reviews = Reviews(app, repo)
    app.personal_data.register(ReviewData(repo).provider())
    app.add_job(Job(REVIEW_JOB, reviews.tick, timedelta(hours=1)))
    app.add_cog(ReviewCommands(app, reviews, repo))
