"""Portfolio peer review: /path submit asks two peers, they answer the rubric, the author hears."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.commands import Reply
from bot.ports import Message
from bot.storage.buddies import BuddyRepo
from bot.storage.models import Member
from bot.storage.privacy import FORMER_MEMBER
from bot.storage.reviews import ReviewRepo
from cogs.paths.review import REVIEW_FORM, Reviews
from tests.bot.storage.test_query_plans import walking_the_community
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say, sqlite_of

LINK = "https://github.com/alice/pipeline"
ANSWERS = 'problem:yes setup:"yes, docker compose up" tests:"partly, only unit tests" running:no readme:yes'
PATH = "data-engineer-intern"  # capstone skills: data-engineering, sql, docker


async def member(app: App, name: str) -> Member:
    await say(app, "/help", user=name)
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    found = await app.members.find(tenant.id, name)
    assert found is not None
    return found


async def on_path(app: App, name: str, path: str = PATH) -> Member:
    m = await member(app, name)
    now = app.clock.now()
    await app.paths.repo.pick(m.tenant_id, m.id, path, now, now.date())
    return m


async def knowing(app: App, skills: str, *names: str) -> None:
    for name in names:
        await say(app, f"/profile set knows:{skills}", user=name)


def requests_to(messenger: RecordingMessenger, user: str) -> list[Message]:
    return [m for m in messenger.to("dm", user) if m.text.startswith("**Peer review request**")]


def reviews_to(messenger: RecordingMessenger, user: str) -> list[Message]:
    return [m for m in messenger.to("dm", user) if "A review of your" in m.text]


def request_id(message: Message) -> int:
    found = re.search(r"\(#(\d+)\)", message.text)
    assert found is not None
    return int(found.group(1))


def first_request(messenger: RecordingMessenger, reviewer: str) -> int:
    return request_id(requests_to(messenger, reviewer)[0])


async def answer(
    app: App, messenger: RecordingMessenger, reviewer: str, line: str = ANSWERS
) -> Reply:
    """`reviewer` answers the first request they were sent with `line`'s rubric answers."""
    return await say(app, f"/path review {first_request(messenger, reviewer)} {line}", reviewer)


async def decline(app: App, messenger: RecordingMessenger, reviewer: str) -> Reply:
    return await say(app, f"/path decline {first_request(messenger, reviewer)}", reviewer)


def asked(messenger: RecordingMessenger, *names: str) -> set[str]:
    return {n for n in names if requests_to(messenger, n)}


async def submitted(app: App, *reviewers: str, skills: str = "docker,sql") -> None:
    """alice on the path submits her link; `reviewers` know the capstone's skills."""
    await on_path(app, "alice")
    await knowing(app, skills, *reviewers)
    reply = await say(app, f"/path submit link:{LINK}")
    assert not reply.error, reply.text


async def tick(app: App) -> None:
    await app.scheduler.run_due()
    await app.sender.drain()


# --- submitting -------------------------------------------------------------------------------


async def test_a_capstone_link_asks_two_members_who_know_its_skills(
    app: App, messenger: RecordingMessenger
) -> None:
    await on_path(app, "alice")
    await knowing(app, "docker,sql", "bob", "carol")
    await knowing(app, "git", "dan")
    reply = await say(app, f"/path submit {LINK}")
    assert "I asked 2 members who know" in reply.text and not reply.error
    assert asked(messenger, "alice", "bob", "carol", "dan") == {"bob", "carol"}
    (ask,) = requests_to(messenger, "bob")
    assert LINK in ask.text and "Alice" in ask.text and "Are there tests?" in ask.text
    assert [b.label for b in ask.buttons] == ["Review", "Can't review"]
    assert ask.buttons[0].command == f"path review request:{request_id(ask)}"


async def test_reviewers_who_did_the_capstone_or_know_more_of_it_come_first(
    app: App, messenger: RecordingMessenger
) -> None:
    await knowing(app, "docker", "bob")
    await knowing(app, "docker,sql", "carol")
    dan = await member(app, "dan")  # knows none of the skills, but did this capstone
    await app.paths.repo.reach(dan.tenant_id, dan.id, PATH, ["capstone"], app.clock.now())
    await submitted(app)
    assert asked(messenger, "bob", "carol", "dan") == {"carol", "dan"}
    assert "you did this capstone yourself" in requests_to(messenger, "dan")[0].text


async def test_blocked_members_either_way_and_members_who_left_are_not_asked(
    app: App, messenger: RecordingMessenger
) -> None:
    await knowing(app, "docker", "bob", "carol", "dan", "erin")
    alice = await on_path(app, "alice")
    bob, carol = await member(app, "bob"), await member(app, "carol")
    await BuddyRepo(app.db).block(alice.tenant_id, alice.id, bob.id, app.clock.now())
    await BuddyRepo(app.db).block(alice.tenant_id, carol.id, alice.id, app.clock.now())
    await app.member_left("T1", "dan")
    await say(app, f"/path submit link:{LINK}")
    assert asked(messenger, "bob", "carol", "dan", "erin") == {"erin"}


@pytest.mark.parametrize(
    "link",
    ["ftp://example.org/x", "my project", "https://", "localhost/x", "https://localhost/x"],
)
async def test_a_link_that_is_no_web_address_is_refused_with_the_usage(
    app: App, messenger: RecordingMessenger, link: str
) -> None:
    await submitted(app, "bob")
    sent = len(messenger.sent)
    reply = await say(app, f'/path submit link:"{link}"')
    assert reply.error and "The link:" in reply.text
    assert "/path submit" in reply.text  # the usage line
    assert len(messenger.sent) == sent


async def test_a_link_typed_without_https_is_taken_as_one(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob")
    reply = await say(app, "/path submit <github.com/alice/pipeline-v2>")
    assert not reply.error and "Submitted https://github.com/alice/pipeline-v2" in reply.text


async def test_submit_without_a_link_or_a_path_says_what_is_missing(app: App) -> None:
    await member(app, "alice")
    missing = await say(app, "/path submit")
    assert missing.error and "link" in missing.text
    no_path = await say(app, f"/path submit {LINK}")
    assert no_path.error and "/path pick" in no_path.text


async def test_resubmitting_replaces_the_link_and_says_so(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol", "dan")
    reply = await say(app, f"/path submit link:{LINK}-v2")
    assert f"This replaces your earlier submission, {LINK}" in reply.text
    assert "2 review requests still open for it were withdrawn" in reply.text
    assert any(
        f"{LINK}-v2" in m.text for n in ("bob", "carol", "dan") for m in requests_to(messenger, n)
    )
    refused = await answer(app, messenger, "bob")
    assert refused.error and "the link was replaced" in refused.text


async def test_the_same_link_again_changes_nothing(app: App, messenger: RecordingMessenger) -> None:
    await submitted(app, "bob", "carol", "dan")
    sent = len(messenger.sent)
    reply = await say(app, f"/path submit {LINK}")
    assert reply.error and "already submitted" in reply.text
    assert len(messenger.sent) == sent


async def test_when_nobody_knows_the_skills_the_author_is_told_plainly(
    app: App, messenger: RecordingMessenger
) -> None:
    await on_path(app, "alice")
    await knowing(app, "git", "bob")
    reply = await say(app, f"/path submit {LINK}")
    assert "I couldn't find anyone else to review" in reply.text and "no reviews yet" in reply.text
    assert asked(messenger, "bob") == set()


# --- reviewing --------------------------------------------------------------------------------


async def test_the_review_button_opens_the_rubric_form(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    button = requests_to(messenger, "bob")[0].buttons[0]
    reply = await say(app, f"/{button.command}", user="bob")
    assert reply.form is not None and reply.form.fields == REVIEW_FORM.fields
    assert reply.form.command == button.command


async def test_the_author_gets_each_review_with_the_reviewers_name(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    reply = await answer(app, messenger, "bob")
    assert not reply.error and "on its way to Alice" in reply.text
    assert reply.replaces_clicked is not None and not reply.replaces_clicked.buttons
    (first,) = reviews_to(messenger, "alice")
    assert "from Bob" in first.text and "Review 1 of 2" in first.text
    assert "✅ Reproducible setup: docker compose up" in first.text
    assert "🟡 Tests: only unit tests" in first.text and "❌ Deployed or runnable" in first.text
    await answer(app, messenger, "carol")
    second = reviews_to(messenger, "alice")[1]
    assert "from Carol" in second.text and "That's 2 reviews" in second.text


@pytest.mark.parametrize("tests", ["tests:maybe", 'tests:""', "tests:42"])
async def test_an_answer_without_yes_no_or_partly_is_refused_and_nothing_is_saved(
    app: App, messenger: RecordingMessenger, tests: str
) -> None:
    await submitted(app, "bob", "carol")
    line = ANSWERS.replace('tests:"partly, only unit tests"', tests)
    reply = await answer(app, messenger, "bob", line)
    assert reply.error and "/path review" in reply.text
    assert reviews_to(messenger, "alice") == []
    assert not (await answer(app, messenger, "bob")).error


async def test_answers_are_read_in_any_case_with_notes(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    line = "problem: YES setup: Partly - no lock file tests: n running: y readme: no"
    assert not (await answer(app, messenger, "bob", line)).error
    (got,) = reviews_to(messenger, "alice")
    assert "🟡 Reproducible setup: no lock file" in got.text and "❌ Tests" in got.text


async def test_someone_elses_request_or_an_unknown_number_is_refused(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    ask = first_request(messenger, "bob")
    for user, number in (("carol", ask), ("bob", ask + 100), ("alice", ask)):
        reply = await say(app, f"/path review {number} {ANSWERS}", user=user)
        assert reply.error and f"You have no review request #{number}" in reply.text
    assert reviews_to(messenger, "alice") == []


async def test_a_request_answered_twice_is_refused_the_second_time(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    again = await answer(app, messenger, "bob")
    assert again.error and "you reviewed it" in again.text
    assert len(reviews_to(messenger, "alice")) == 1


# --- declining and replacing reviewers --------------------------------------------------------


async def test_declining_asks_someone_else_and_never_the_decliner_again(
    app: App, messenger: RecordingMessenger
) -> None:
    await knowing(app, "docker,sql", "bob", "carol")
    await submitted(app, "dan", skills="docker")
    assert asked(messenger, "bob", "carol", "dan") == {"bob", "carol"}
    reply = await decline(app, messenger, "bob")
    assert "I'll ask someone else" in reply.text
    assert reply.replaces_clicked is not None and not reply.replaces_clicked.buttons
    assert asked(messenger, "dan") == {"dan"}
    await decline(app, messenger, "dan")
    assert len(requests_to(messenger, "bob")) == 1


async def test_three_days_without_an_answer_asks_another_once(
    app: App, clock: ManualClock, messenger: RecordingMessenger
) -> None:
    await knowing(app, "docker,sql", "bob", "carol")
    await submitted(app, "dan", skills="docker")
    clock.advance(timedelta(days=3) - timedelta(minutes=1))
    await tick(app)
    assert asked(messenger, "dan") == set()
    clock.advance(timedelta(minutes=2))
    await tick(app)
    await tick(app)  # a second tick asks nobody twice
    assert len(requests_to(messenger, "dan")) == 1
    reply = await answer(app, messenger, "bob")
    assert reply.error and "went to someone else" in reply.text


async def test_a_reviewer_who_leaves_is_replaced_by_the_next_tick(
    app: App, messenger: RecordingMessenger
) -> None:
    await knowing(app, "docker,sql", "bob", "carol")
    await submitted(app, "dan", skills="docker")
    await app.member_left("T1", "bob")
    await tick(app)
    assert asked(messenger, "dan") == {"dan"}


async def test_when_nobody_else_qualifies_the_author_hears_how_many_reviews_they_got(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    await decline(app, messenger, "carol")
    await tick(app)
    told = [m for m in messenger.to("dm", "alice") if "couldn't find anyone else" in m.text]
    assert len(told) == 1 and "You got 1 review" in told[0].text


# --- personal data ----------------------------------------------------------------------------


def _export(reply: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(reply.files[0].data)
    return data


async def test_export_holds_submissions_reviews_and_requests(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    alice = _export(await say(app, "/privacy export"))["path_reviews"]
    (mine,) = alice["submissions"]
    assert mine["link"] == LINK and mine["reviews"][0]["reviewer"] == "Bob"
    bob = _export(await say(app, "/privacy export", user="bob"))["path_reviews"]
    assert [r["status"] for r in bob["review_requests"]] == ["done"]


async def test_a_deleted_reviewers_review_reads_a_former_member(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    await say(app, "/privacy delete confirm:yes", user="bob")
    (mine,) = _export(await say(app, "/privacy export"))["path_reviews"]["submissions"]
    (kept,) = mine["reviews"]
    assert kept["reviewer"] == FORMER_MEMBER
    assert kept["answers"]["tests"] == {"verdict": "partly", "note": "only unit tests"}


async def test_submitting_says_how_to_mark_the_capstone_done_until_it_is(app: App) -> None:
    alice = await on_path(app, "alice")
    await knowing(app, "docker", "bob")
    first = await say(app, f"/path submit {LINK}")
    assert f"/path done capstone link:{LINK}" in first.text
    await app.paths.repo.reach(alice.tenant_id, alice.id, PATH, ["capstone"], app.clock.now())
    again = await say(app, f"/path submit {LINK}-v2")
    assert "/path done" not in again.text


async def test_without_a_number_the_one_open_request_is_answered(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    reply = await say(app, f"/path review {ANSWERS}", user="bob")
    assert not reply.error and len(reviews_to(messenger, "alice")) == 1
    nothing = await say(app, "/path decline", user="bob")
    assert nothing.error and "no review requests waiting" in nothing.text


async def test_without_a_number_several_open_requests_are_listed(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob")
    await on_path(app, "dan")
    await say(app, f"/path submit {LINK}-dan", user="dan")
    first, second = (request_id(m) for m in requests_to(messenger, "bob"))
    reply = await say(app, "/path decline", user="bob")
    assert reply.error and f"2 review requests waiting (#{first} and #{second})" in reply.text


def own_path(*, capstone: bool) -> str:
    """A community's copy of a built-in path, with or without its capstone."""
    shipped = Path(__file__).parents[3] / "bot" / "data" / "paths" / "backend-basics.json"
    path = json.loads(shipped.read_text(encoding="utf-8"))
    path.update(id="our-backend", name="Our backend")
    if not capstone:
        path["milestones"] = [m for m in path["milestones"] if not m.get("capstone")]
    return json.dumps(path)


async def test_a_path_without_a_capstone_has_nothing_to_submit(app: App) -> None:
    alice = await member(app, "alice")
    await app.paths.catalog.add(alice.tenant_id, own_path(capstone=False), app.clock.now())
    await on_path(app, "alice", "our-backend")
    reply = await say(app, f"/path submit {LINK}")
    assert reply.error and "The Our backend path has no capstone project" in reply.text


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/path decline abc", "request must be a whole number"),
        ("/path decline 0", "at least 1"),
        ("/path decline 99", "You have no review request #99"),
        (f"/path review 99 {ANSWERS}", "You have no review request #99"),
    ],
)
async def test_a_bad_request_number_is_refused_with_the_usage(
    app: App, messenger: RecordingMessenger, line: str, says: str
) -> None:
    await submitted(app, "bob", "carol")
    reply = await say(app, line, user="bob")
    assert reply.error and says in reply.text and "Usage: /path" in reply.text
    assert reviews_to(messenger, "alice") == []


async def test_a_review_reaches_the_author_after_the_path_was_removed(
    app: App, messenger: RecordingMessenger
) -> None:
    alice = await member(app, "alice")
    await app.paths.catalog.add(alice.tenant_id, own_path(capstone=True), app.clock.now())
    await on_path(app, "alice", "our-backend")
    await knowing(app, "sql", "bob")
    await say(app, f"/path submit {LINK}")
    await app.paths.repo.remove_path(alice.tenant_id, "our-backend")
    assert not (await answer(app, messenger, "bob")).error
    (got,) = reviews_to(messenger, "alice")
    assert "A review of your our-backend project" in got.text and "from Bob" in got.text


async def test_review_commands_never_walk_the_whole_community(
    app: App, messenger: RecordingMessenger
) -> None:
    """As tests/bot/storage/test_query_plans.py checks the other member commands (these need
    a submission and reviewers first)."""
    await knowing(app, "docker,sql", "bob", "carol", "dan", "erin")
    await on_path(app, "alice")
    statements: list[str] = []
    await sqlite_of(app).trace(statements.append)
    await say(app, f"/path submit {LINK}")
    await answer(app, messenger, "bob")
    await decline(app, messenger, "carol")
    await say(app, "/path review", user="dan")
    await sqlite_of(app).trace(None)
    assert statements and not walking_the_community(app, statements)


async def test_the_same_link_asks_again_once_someone_new_qualifies(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob")
    await decline(app, messenger, "bob")
    await knowing(app, "docker", "carol")
    reply = await say(app, f"/path submit {LINK}")
    assert not reply.error and "I asked 1 member who knows" in reply.text
    assert asked(messenger, "carol") == {"carol"} and len(requests_to(messenger, "bob")) == 1


async def test_the_same_link_with_both_reviews_is_refused(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    await answer(app, messenger, "carol")
    reply = await say(app, f"/path submit {LINK}")
    assert reply.error and "it has its reviews" in reply.text


# --- /path reviews ----------------------------------------------------------------------------


async def test_path_reviews_shows_the_reviews_so_far_and_who_is_still_asked(
    app: App, messenger: RecordingMessenger
) -> None:
    assert "No peer reviews yet" in (await say(app, "/path reviews")).text
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    mine = await say(app, "/path reviews")
    assert f"**Your Data engineer intern project** ({LINK}): 1 review" in mine.text
    assert "From Bob:\n  ✅ Problem stated" in mine.text
    assert "Waiting for 1 reviewer to answer." in mine.text


async def test_path_reviews_lists_the_requests_waiting_for_the_reviewer(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    number = first_request(messenger, "carol")
    theirs = await say(app, "/path reviews", user="carol")
    assert f"• #{number} for Alice: {LINK}" in theirs.text
    await decline(app, messenger, "carol")
    assert "No peer reviews yet" in (await say(app, "/path reviews", user="carol")).text


async def test_path_reviews_says_when_nobody_else_could_be_asked(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob")
    await decline(app, messenger, "bob")
    mine = await say(app, "/path reviews")
    assert "0 reviews" in mine.text and "Nobody else here could be asked" in mine.text


# --- found in review: stale lists, departures, blocks, reused ids ------------------------------


async def fill_from_before(app: App, change: str, user: str = "alice") -> int:
    """The tick's list read, then `change` typed by `user`, then the fill from that list."""
    repo = ReviewRepo(app.db)
    (listed,) = await repo.unsettled(app.db)
    await say(app, change, user)
    reviews = Reviews(app, repo)
    found = await reviews.capstone(listed)
    assert found is not None
    async with app.db.transaction() as tx:
        filled = await reviews.fill(tx, listed, *found, app.clock.now(), tell_author=True)
    return filled.asked


async def test_a_tick_listed_before_a_resubmission_asks_nobody_about_the_old_link(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol", "dan", "erin")
    await decline(app, messenger, "bob")  # a slot the old link's fill would give someone
    assert await fill_from_before(app, "/path submit link:https://github.com/alice/v2") == 0


async def test_a_project_whose_author_left_gets_no_new_reviewer(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol", "dan")
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    await app.members.mark_left(tenant.id, "alice", app.clock.now())
    await decline(app, messenger, "bob")
    assert asked(messenger, "dan") == set()


async def test_a_request_blocked_since_it_was_sent_is_closed_and_goes_to_someone_else(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol", "dan")
    await say(app, "/buddy block user:@bob", "alice")
    reply = await answer(app, messenger, "bob")
    assert reply.error and "is closed: it needs no review from you any more" in reply.text
    assert reviews_to(messenger, "alice") == []
    assert asked(messenger, "dan") == {"dan"}


async def test_requests_after_an_erased_authors_keep_numbers_of_their_own(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await say(app, "/privacy delete confirm:yes", "alice")
    await on_path(app, "erin")
    reply = await say(app, f"/path submit link:{LINK}", "erin")
    assert "I asked 2 members" in reply.text
    numbers = sorted(request_id(m) for n in ("bob", "carol") for m in requests_to(messenger, n))
    assert numbers == [1, 2, 3, 4]


async def test_the_same_link_again_with_nobody_new_counts_the_reviews_it_has(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await answer(app, messenger, "bob")
    await decline(app, messenger, "carol")
    reply = await say(app, f"/path submit {LINK}")
    assert "You got 1 review" in reply.text


async def test_running_out_of_reviewers_again_after_a_resubmission_is_told_again(
    app: App, messenger: RecordingMessenger
) -> None:
    await submitted(app, "bob", "carol")
    await decline(app, messenger, "bob")
    await decline(app, messenger, "carol")
    await knowing(app, "docker", "dan")
    await say(app, f"/path submit {LINK}")
    await decline(app, messenger, "dan")
    await app.sender.drain()
    told = [m for m in messenger.to("dm", "alice") if "couldn't find anyone else" in m.text]
    assert len(told) == 2
