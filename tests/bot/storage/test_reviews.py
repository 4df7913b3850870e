from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.paths.review import Answer
from bot.storage.buddies import BuddyRepo
from bot.storage.models import Member
from bot.storage.paths import PathRepo
from bot.storage.privacy import FORMER_MEMBER, tombstone_member
from bot.storage.reviews import ReviewRepo, Submission
from tests.bot.storage.test_buddies import _members
from tests.helpers import START

PATH = "data-engineer-intern"
CAPSTONE = "capstone"
LINK = "https://github.com/alice/pipeline"
ALL_YES = {c: Answer("yes", "") for c in ("problem", "setup", "tests", "running", "readme")}


@pytest.fixture
def repo(app: App) -> ReviewRepo:
    return ReviewRepo(app.db)


async def _knows(app: App, member: Member, *skills: str) -> None:
    await app.profiles.update(member.tenant_id, member.id, START, {}, knows=skills)


async def _submit(repo: ReviewRepo, app: App, author: Member, link: str = LINK) -> Submission:
    async with app.db.transaction() as tx:
        submission, _, _ = await repo.submit(
            tx, author.tenant_id, author.id, PATH, CAPSTONE, link, START
        )
    return submission


async def _candidates(repo: ReviewRepo, app: App, submission: Submission) -> dict[int, int]:
    found = await repo.candidates(app.db, submission, ("docker", "sql"))
    return {c.member_id: c.overlap for c in found}


async def test_candidates_know_a_capstone_skill_and_count_the_overlap(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol, dan = await _members(app, "alice", "bob", "carol", "dan")
    await _knows(app, alice, "docker")
    await _knows(app, bob, "docker", "sql")
    await _knows(app, carol, "sql", "git")
    await _knows(app, dan, "git")
    submission = await _submit(repo, app, alice)
    assert await _candidates(repo, app, submission) == {bob.id: 2, carol.id: 1}


async def test_a_member_who_reached_the_capstone_qualifies_without_the_skills(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    await PathRepo(app.db).reach(bob.tenant_id, bob.id, PATH, [CAPSTONE], START)
    submission = await _submit(repo, app, alice)
    (only,) = await repo.candidates(app.db, submission, ("docker",))
    assert only.member_id == bob.id and only.reached and only.overlap == 0


async def test_candidates_leave_out_blocks_either_way_and_members_who_left(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol, dan, erin = await _members(app, "alice", "bob", "carol", "dan", "erin")
    for m in (bob, carol, dan, erin):
        await _knows(app, m, "docker")
    buddies = BuddyRepo(app.db)
    await buddies.block(alice.tenant_id, alice.id, bob.id, START)
    await buddies.block(alice.tenant_id, carol.id, alice.id, START)
    await app.members.mark_left(alice.tenant_id, "dan", START)
    submission = await _submit(repo, app, alice)
    assert await _candidates(repo, app, submission) == {erin.id: 1}


async def test_candidates_never_include_anyone_asked_about_it_before(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    for m in (bob, carol):
        await _knows(app, m, "docker")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        request = await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        assert request is not None
        await repo.decline(tx, alice.tenant_id, request.id, START)
    assert await _candidates(repo, app, submission) == {carol.id: 1}


async def test_asking_the_same_member_twice_records_one_request(app: App, repo: ReviewRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        first = await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        second = await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
    assert first is not None and second is None
    assert len(await repo.requests(app.db, alice.tenant_id, submission.id)) == 1


async def test_candidates_of_another_community_are_never_read(app: App, repo: ReviewRepo) -> None:
    (alice,) = await _members(app, "alice")
    (other,) = await _members(app, "bob", tenant="T2")
    await _knows(app, other, "docker")
    submission = await _submit(repo, app, alice)
    assert await _candidates(repo, app, submission) == {}


async def test_resubmitting_replaces_the_open_submission_and_withdraws_its_requests(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    first = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        done = await repo.ask(tx, alice.tenant_id, first.id, bob.id, START)
        assert done is not None
        await repo.answer(tx, alice.tenant_id, done.id, ALL_YES, START)
        await repo.ask(tx, alice.tenant_id, first.id, carol.id, START)
        second, replaced, withdrawn = await repo.submit(
            tx, alice.tenant_id, alice.id, PATH, CAPSTONE, LINK + "-v2", START
        )
    assert replaced is not None and replaced.id == first.id and withdrawn == 1
    open_now = await repo.open_submission(app.db, alice.tenant_id, alice.id, PATH)
    assert open_now == second and open_now.link == LINK + "-v2"
    statuses = [r.status for r in await repo.requests(app.db, alice.tenant_id, first.id)]
    assert statuses == ["done", "withdrawn"]


async def test_an_answer_counts_only_while_the_request_is_open(app: App, repo: ReviewRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        request = await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        assert request is not None
        assert await repo.decline(tx, alice.tenant_id, request.id, START)
        assert not await repo.answer(tx, alice.tenant_id, request.id, ALL_YES, START)
    stored = await repo.request(app.db, alice.tenant_id, request.id)
    assert stored is not None and stored.status == "declined" and stored.answers is None


async def test_requests_expire_after_the_wait_or_when_the_reviewer_left(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol, dan = await _members(app, "alice", "bob", "carol", "dan")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        await repo.ask(tx, alice.tenant_id, submission.id, carol.id, START + timedelta(days=2))
        await repo.ask(tx, alice.tenant_id, submission.id, dan.id, START + timedelta(days=2))
    await app.members.mark_left(alice.tenant_id, "dan", START + timedelta(days=2))
    async with app.db.transaction() as tx:
        expired = await repo.expire(tx, alice.tenant_id, submission.id, START + timedelta(days=1))
    assert expired == 2
    by_reviewer = {
        r.reviewer_id: r.status for r in await repo.requests(app.db, alice.tenant_id, submission.id)
    }
    assert by_reviewer == {bob.id: "expired", carol.id: "asked", dan.id: "expired"}


async def test_an_erased_reviewer_leaves_the_review_to_the_author_as_a_former_member(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    submission = await _submit(repo, app, alice)
    note = {**ALL_YES, "tests": Answer("partly", "only unit tests")}
    async with app.db.transaction() as tx:
        done = await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        assert done is not None
        await repo.answer(tx, alice.tenant_id, done.id, note, START)
        await repo.ask(tx, alice.tenant_id, submission.id, carol.id, START)
    async with app.db.transaction() as tx:
        await repo.erase(tx, bob.tenant_id, bob.id)
        await repo.erase(tx, carol.tenant_id, carol.id)
        await tombstone_member(tx, bob.tenant_id, bob.id, START)
    kept, withdrawn = await repo.requests(app.db, alice.tenant_id, submission.id)
    assert kept.reviewer_id is None and kept.reviewer_name == FORMER_MEMBER
    assert kept.answers == note
    assert withdrawn.reviewer_id is None and withdrawn.status == "withdrawn"
    assert (await repo.export(bob.tenant_id, bob.id))["review_requests"] == []


async def test_an_erased_author_loses_the_submission_and_its_reviews(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
        await repo.erase(tx, alice.tenant_id, alice.id)
    assert await repo.export(alice.tenant_id, alice.id) == {
        "submissions": [],
        "review_requests": [],
    }
    assert await repo.export(bob.tenant_id, bob.id) == {"submissions": [], "review_requests": []}


async def test_removing_the_community_deletes_its_rows(app: App, repo: ReviewRepo) -> None:
    alice, bob = await _members(app, "alice", "bob")
    submission = await _submit(repo, app, alice)
    async with app.db.transaction() as tx:
        await repo.ask(tx, alice.tenant_id, submission.id, bob.id, START)
    await app.db.execute("DELETE FROM tenants WHERE id = ?", (alice.tenant_id,))
    for table in ("path_submissions", "path_reviews"):
        row = await app.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
        assert row is not None and row["n"] == 0, table


async def test_the_week_counts_submissions_reviews_and_reviewers_still_here(
    app: App, repo: ReviewRepo
) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    submission = await _submit(repo, app, alice)
    later = START + timedelta(days=8)
    async with app.db.transaction() as tx:
        for reviewer, at in ((bob, START), (carol, later)):
            request = await repo.ask(tx, alice.tenant_id, submission.id, reviewer.id, START)
            assert request is not None
            await repo.answer(tx, alice.tenant_id, request.id, ALL_YES, at)
    week = await repo.week(alice.tenant_id, START, START + timedelta(days=7))
    assert week.submitted == (alice.id,) and week.reviewed == 1 and week.reviewers == (bob.id,)
    await app.members.mark_left(alice.tenant_id, "bob", START)
    gone = await repo.week(alice.tenant_id, START, START + timedelta(days=7))
    assert gone.reviewers == () and gone.reviewed == 1
