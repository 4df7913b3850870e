"""A community's path week for the digest, read from the paths and reviews storage."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.digest import PathWeek
from bot.digest.week import week_before
from bot.paths.week import path_week
from bot.storage.models import Member
from bot.storage.reviews import ReviewRepo
from tests.helpers import START

PATH = "backend-basics"  # shell, http, web-api, database, ... capstone
WEEK = week_before((START + timedelta(days=7)).date(), ZoneInfo("UTC"))  # START's week
BEFORE = START - timedelta(days=7)


async def _on_path(app: App, *names: str, path: str = PATH) -> list[Member]:
    tenant = await app.tenants.ensure("test", "T1", "", BEFORE)
    found = []
    for name in names:
        m = await app.members.ensure(tenant.id, name, name.capitalize(), BEFORE)
        await app.paths.repo.pick(tenant.id, m.id, path, BEFORE, BEFORE.date())
        found.append(m)
    return found


async def test_counts_members_at_their_current_milestone_and_celebrates_the_weeks(app: App) -> None:
    ana, ben, cai = await _on_path(app, "ana", "ben", "cai")
    repo = app.paths.repo
    await repo.reach(ana.tenant_id, ana.id, PATH, ["shell"], BEFORE)
    await repo.reach(ana.tenant_id, ana.id, PATH, ["http"], START)
    await repo.reach(ben.tenant_id, ben.id, PATH, ["shell"], START)
    week = await path_week(
        app.paths, ReviewRepo(app.db), ana.tenant_id, WEEK, {ana.id, ben.id, cai.id}
    )
    (count,) = week.on_paths
    assert count.path == "Backend basics for data scientists" and count.members == 3
    at = dict(count.at)
    assert (
        at["Be at home in the terminal"],
        at["Understand HTTP"],
        at["Build a small web API"],
    ) == (1, 1, 1)
    assert week.reached == ((ana.id, "Understand HTTP"), (ben.id, "Be at home in the terminal"))


async def test_members_who_left_are_neither_counted_nor_named(app: App) -> None:
    ana, ben = await _on_path(app, "ana", "ben")
    await app.paths.repo.reach(ben.tenant_id, ben.id, PATH, ["shell"], START)
    week = await path_week(app.paths, ReviewRepo(app.db), ana.tenant_id, WEEK, {ana.id})
    assert [c.members for c in week.on_paths] == [1]
    assert week.reached == ()


async def test_a_community_without_paths_has_nothing_to_say(app: App) -> None:
    tenant = await app.tenants.ensure("test", "T1", "", BEFORE)
    m = await app.members.ensure(tenant.id, "ana", "Ana", BEFORE)
    week = await path_week(app.paths, ReviewRepo(app.db), tenant.id, WEEK, {m.id})
    assert week == PathWeek()


async def test_projects_submitted_and_reviewed_in_the_week_are_read(app: App) -> None:
    ana, ben = await _on_path(app, "ana", "ben")
    reviews = ReviewRepo(app.db)
    async with app.db.transaction() as tx:
        submission, _, _ = await reviews.submit(
            tx, ana.tenant_id, ana.id, PATH, "capstone", "https://example.org/x", START
        )
        request = await reviews.ask(tx, ana.tenant_id, submission.id, ben.id, START)
        assert request is not None
        await reviews.decline(tx, ana.tenant_id, request.id, START)
    week = await path_week(app.paths, reviews, ana.tenant_id, WEEK, {ana.id, ben.id})
    assert week.submitted == (ana.id,) and week.reviewed == 0 and week.reviewers == ()
