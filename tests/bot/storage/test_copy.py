"""`python -m bot copy`: a community seeded through the real app is copied to the other backend
without loss (every table's rows equal, the app on the copy answers the same), into an empty
database only, and never from a SQLite file a running bot holds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage.connect import is_postgres, open_database
from bot.storage.copy import CopiedTable, CopyRefused, copy_locations, describe_tables
from bot.storage.db import Database
from bot.storage.instance_lock import AlreadyRunning
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, say
from tests.postgres import PostgresServer

MEMBERS = ("alice", "bob", "carol")
HOLDER = "pid 1, the copy under test"


async def _open_app(url: str, clock: ManualClock) -> App:
    settings = Settings(_env_file=None, studybot_db=url, studybot_send_rate=0)  # type: ignore[call-arg]
    return await App.create(settings, clock, RecordingMessenger(), load_all(), database=url)


async def _seed(app: App, clock: ManualClock) -> None:
    """Check-ins, a learning path, a buddy round, an erasure and a digest with its chart."""
    await say(app, "/admin digest channel:#study", admin=True)
    for user in (*MEMBERS, "dave"):
        await say(app, "/path pick ml engineer", user)
        await say(app, "/buddy join", user)
        await say(app, "/checkin did:docker compose skills:docker, sql minutes:45", user)
    await say(app, "/admin match now", admin=True)
    await say(app, "/path submit link:github.com/dave/capstone", "dave")  # submission #1
    await say(app, "/privacy delete confirm:yes", "dave")
    clock.advance(timedelta(days=1))
    await say(app, '/checkin did:"indexes" blockers:"joins are slow" skills:sql', "alice")
    clock.advance(timedelta(days=7))
    await say(app, "/digest post", admin=True)


@pytest.fixture
async def source(database_url: str) -> AsyncIterator[str]:
    """A seeded community on either backend (closed again, as a copy needs)."""
    clock = ManualClock(START)
    app = await _open_app(database_url, clock)
    try:
        await _seed(app, clock)
    finally:
        await app.close()
    yield database_url


@pytest.fixture
async def target(
    source: str, postgres_server: PostgresServer, tmp_path: Path
) -> AsyncIterator[str]:
    """A new database on the other backend than the source's."""
    if is_postgres(source):
        yield f"sqlite:///{tmp_path / 'copy.sqlite3'}"
        return
    url = await postgres_server.fresh_database(migrated=False)
    yield url
    await postgres_server.drop(url)


async def _rows(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted in Python (the backends sort NULL differently)."""
    found = {}
    for table in await describe_tables(db):
        rows = await db.fetchall(f"SELECT {', '.join(table.columns)} FROM {table.name}")
        found[table.name] = sorted((tuple(r) for r in rows), key=_nulls_first)
    return found


def _nulls_first(row: tuple[object, ...]) -> list[tuple[bool, object]]:
    return [(value is not None, value) for value in row]


async def _contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    db = await open_database(url)
    try:
        return await _rows(db)
    finally:
        await db.close()


async def test_every_table_arrives_with_the_same_rows(source: str, target: str) -> None:
    copied = await copy_locations(source, target, START, HOLDER)
    before, after = await _contents(source), await _contents(target)
    assert {t.name: t.rows for t in copied} == {name: len(rows) for name, rows in before.items()}
    assert after == before
    seeded = ("checkins", "groups", "member_paths", "digests", "attachments", "outbox")
    assert all(before[name] for name in seeded)  # the seed reached every kind of data


async def test_parents_are_copied_before_the_tables_that_refer_to_them(
    source: str, target: str
) -> None:
    order = [t.name for t in await copy_locations(source, target, START, HOLDER)]
    assert order.index("tenants") < order.index("members") < order.index("checkins")
    assert order.index("checkins") < order.index("checkin_skills")
    assert order.index("outbox") < order.index("outbox_attachments")


async def test_the_app_on_the_copy_answers_as_on_the_original(source: str, target: str) -> None:
    await copy_locations(source, target, START, HOLDER)
    answers = {}
    for url in (source, target):
        clock = ManualClock(START + timedelta(days=8))
        app = await _open_app(url, clock)
        try:
            answers[url] = [
                (await say(app, line, "alice")).text
                for line in ("/streak", "/stats week:last", "/buddy status", "/path show")
            ]
        finally:
            await app.close()
    assert answers[target] == answers[source]
    assert "Longest: 2 days" in answers[source][0] and "round 1" in answers[source][2]


async def test_an_id_an_erasure_freed_is_not_handed_out_again_on_the_copy(
    source: str, target: str
) -> None:
    await copy_locations(source, target, START, HOLDER)
    app = await _open_app(target, ManualClock(START + timedelta(days=9)))
    try:
        assert await app.db.fetchone("SELECT id FROM path_submissions") is None  # dave's: gone
        await say(app, "/path pick ml engineer", "erin")
        await say(app, "/path submit link:github.com/erin/capstone", "erin")
        new = await app.db.fetchone("SELECT id FROM path_submissions")
    finally:
        await app.close()
    assert new is not None and new["id"] == 2  # not dave's #1, which reviews may still name


async def test_a_target_that_holds_data_is_refused_and_left_as_it_was(
    source: str, target: str
) -> None:
    clock = ManualClock(START)
    app = await _open_app(target, clock)
    try:
        await say(app, "/checkin did:something else", "zoe", tenant="OTHER")
    finally:
        await app.close()
    before = await _contents(target)
    with pytest.raises(CopyRefused, match=r"already holds data \(in .*checkins"):
        await copy_locations(source, target, START, HOLDER)
    assert await _contents(target) == before


async def test_a_sqlite_file_a_running_bot_holds_is_refused(source: str, target: str) -> None:
    sqlite_side = target if is_postgres(source) else source
    app = await _open_app(sqlite_side, ManualClock(START))
    try:
        with pytest.raises(AlreadyRunning, match="stop it first"):
            await copy_locations(source, target, START, HOLDER)
    finally:
        await app.close()


async def test_the_counts_are_reported_as_each_table_is_copied(source: str, target: str) -> None:
    seen: list[CopiedTable] = []
    copied = await copy_locations(source, target, START, HOLDER, seen.append)
    assert seen == copied


async def test_a_copy_onto_itself_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the same file, named relatively and absolutely
    with pytest.raises(CopyRefused, match="the same database"):
        await copy_locations(
            "sqlite:///studybot.sqlite3", tmp_path / "studybot.sqlite3", START, HOLDER
        )
