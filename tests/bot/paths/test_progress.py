"""Minutes toward milestones, the current one, and milestones check-ins reach."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.paths.progress import minutes_toward
from bot.storage.models import Member
from tests.bot.storage.test_paths import DAY, _checkin, _members
from tests.helpers import START, sqlite_of


async def _on_ml_path(app: App, *names: str) -> list[Member]:
    members = await _members(app, *names)
    for m in members:
        await app.paths.repo.pick(m.tenant_id, m.id, "ml-engineer-intern", START, DAY)
    return members


async def test_a_checkin_counts_in_full_for_every_milestone_its_skills_name(app: App) -> None:
    path = await app.paths.catalog.get(1, "ml-engineer-intern")
    assert path is not None
    found = minutes_toward(path, {frozenset({"docker", "ci-cd"}): 40, frozenset({"sql"}): 10})
    assert (found["docker"], found["ci"], found["sql"], found["git"]) == (40, 40, 10, 0)


async def test_progress_of_a_member_on_no_path_is_none(app: App) -> None:
    (alice,) = await _members(app, "alice")
    assert await app.paths.progress_of(alice.tenant_id, alice.id) is None


async def test_the_current_milestone_is_the_first_not_reached(app: App) -> None:
    (alice,) = await _on_ml_path(app, "alice")
    await app.paths.repo.reach(
        alice.tenant_id, alice.id, "ml-engineer-intern", ["git", "tests"], START
    )
    progress = await app.paths.progress_of(alice.tenant_id, alice.id)
    assert progress is not None and progress.current is not None
    assert progress.current.id == "packaging" and progress.reached_count == 2


async def test_record_due_reaches_a_milestone_once_its_minutes_are_there(app: App) -> None:
    (alice,) = await _on_ml_path(app, "alice")
    await _checkin(app, alice, DAY, 60, "docker")
    _, reached = await app.paths.record_due(alice.tenant_id, alice.id, START)
    assert reached == []
    await _checkin(app, alice, DAY + timedelta(days=1), 60, "docker")
    later = START + timedelta(days=1)
    progress, reached = await app.paths.record_due(alice.tenant_id, alice.id, later)
    assert [m.id for m in reached] == ["docker"]
    assert progress is not None and progress.reached["docker"].at == later
    again = await app.paths.record_due(alice.tenant_id, alice.id, later + timedelta(hours=1))
    assert again[1] == []


async def test_a_milestone_that_asks_for_a_link_is_never_reached_by_minutes(app: App) -> None:
    (alice,) = await _on_ml_path(app, "alice")
    await _checkin(app, alice, DAY, 720, "machine-learning")
    _, reached = await app.paths.record_due(alice.tenant_id, alice.id, START)
    assert reached == []


async def test_progress_all_gives_everyone_on_a_path_in_a_few_queries(app: App) -> None:
    alice, bob = await _on_ml_path(app, "alice", "bob")
    (carol,) = await _members(app, "carol")  # checks in, on no path
    for m in (alice, carol):
        await _checkin(app, m, DAY, 30, "git")
    await app.paths.repo.reach(bob.tenant_id, bob.id, "ml-engineer-intern", ["git"], START)
    statements: list[str] = []
    await sqlite_of(app).trace(statements.append)
    found = await app.paths.progress_all(alice.tenant_id)
    await sqlite_of(app).trace(None)
    assert set(found) == {alice.id, bob.id}
    assert found[alice.id].minutes["git"] == 30 and found[bob.id].reached_count == 1
    assert 0 < len(statements) <= 4
