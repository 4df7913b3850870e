"""Erased means erased: by member id, not by matching names; nothing left in the database files
(main file and write-ahead log); files owner-only; DMs to others that named the member blanked."""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest

from bot.__main__ import configure_logging
from bot.app import Actor, App
from bot.clock import ManualClock
from bot.config import Settings
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say, sqlite_of

# Names that matching by display text got wrong: too short to search for, written differently
# by the digest's escaping, or not what a text search expects.
HARD_NAMES = [
    "Li",
    "Bo",
    "王小明",
    "@alice",
    "two  spaces",
    "a_b*c",
    "[free nitro](https://x.example)",
    "x" * 40,
    "Zoë",
    "O'Brien",
]
CANARY = "canary-7f3a9c"


async def _as(app: App, tenant: str, user: str, name: str, line: str) -> None:
    actor = Actor(tenant_id=tenant, user_id=user, display_name=name, is_admin=user == "admin")
    reply = await app.handle_line(actor, line)
    assert not reply.error, (line, reply.text)
    await app.sender.drain()


async def _digest_copies(app: App, tenant: str) -> list[str]:
    found = await app.tenants.find(app.platform, tenant)
    assert found is not None
    rows = await app.db.fetchall(
        "SELECT payload FROM outbox WHERE tenant_id = ? AND idem_key LIKE 'digest:%'", (found.id,)
    )
    return [str(r["payload"]) for r in rows]


@pytest.mark.parametrize("name", HARD_NAMES)
async def test_the_stored_digest_no_longer_names_an_erased_member(app: App, name: str) -> None:
    await _as(app, "T1", "admin", "Admin", "/admin digest channel:#study")
    await _as(app, "T1", "u1", name, f'/checkin did:sql skills:sql blockers:"{CANARY} joins"')
    await _as(app, "T1", "u2", "Ana", "/checkin did:docker skills:docker")
    assert isinstance(app.clock, ManualClock)
    app.clock.advance(timedelta(days=7))  # the digest is about the week before
    await _as(app, "T1", "admin", "Admin", "/digest post")
    (before,) = await _digest_copies(app, "T1")
    assert CANARY in before  # the blocker was quoted
    await _as(app, "T1", "u1", name, "/privacy delete confirm:yes")
    (after,) = await _digest_copies(app, "T1")
    assert CANARY not in after and json.loads(after)["text"] == ""


async def test_dms_to_others_that_named_the_member_are_blanked(app: App) -> None:
    for user in ("alice", "bob"):
        await say(app, "/buddy join", user=user)
    await say(app, "/admin match now", admin=True)
    await say(app, "/buddy nudge", user="alice")
    export = await say(app, "/privacy export", user="bob")
    assert "Alice sends you a friendly nudge" in export.files[0].data.decode()
    await say(app, "/privacy delete confirm:yes", user="alice")
    export = await say(app, "/privacy export", user="bob")
    assert "Alice" not in export.files[0].data.decode()


async def test_no_erased_text_is_left_in_the_database_or_its_log(app: App) -> None:
    await say(app, f"/profile set about:{CANARY}-about")
    await say(app, f'/checkin did:"{CANARY} sql" blockers:"{CANARY} joins"')
    await say(app, "/checkin remind 19:00")
    await say(app, "/privacy delete confirm:yes")
    path = Path(sqlite_of(app).path)
    files = [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    assert files
    for file in files:
        assert CANARY.encode() not in file.read_bytes(), file.name


async def test_the_database_and_its_folders_are_owner_only(
    settings: Settings, tmp_path: Path
) -> None:
    from cogs import load_all
    from tests.fakes.recording import RecordingMessenger
    from tests.helpers import START

    db = tmp_path / "new" / "folder" / "studybot.sqlite3"
    app = await App.create(
        settings, ManualClock(START), RecordingMessenger(), load_all(), database=db
    )
    try:
        await say(app, "/checkin did:sql")
        backup = tmp_path / "backups" / "copy.sqlite3"
        await sqlite_of(app).backup(backup)
    finally:
        await app.close()
    for file in (db, backup):
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600, file
    for folder in (db.parent, db.parent.parent):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder


async def test_debug_logging_writes_no_member_text_or_statement_values(
    app: App, settings: Settings
) -> None:
    stream = StringIO()
    handler = configure_logging(settings.model_copy(update={"studybot_log_level": "DEBUG"}), stream)
    root = logging.getLogger()
    level = root.level
    try:
        await say(app, f'/checkin did:"{CANARY} sql" blockers:"{CANARY} joins"')
        await say(app, f"/profile set about:{CANARY}")
        logging.getLogger("aiosqlite").debug("executing %s", CANARY)  # what aiosqlite does
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert CANARY not in stream.getvalue()


async def test_a_waiting_post_that_names_the_member_is_cancelled_not_sent_blank(
    app: App, messenger: RecordingMessenger
) -> None:
    await _as(app, "T1", "admin", "Admin", "/admin digest channel:#study")
    await _as(app, "T1", "u1", "Li", f'/checkin did:sql blockers:"{CANARY}"')
    assert isinstance(app.clock, ManualClock)
    app.clock.advance(timedelta(days=7))
    admin = Actor(tenant_id="T1", user_id="admin", display_name="Admin", is_admin=True)
    await app.handle_line(admin, "/digest post")  # queued, not sent yet
    await _as(app, "T1", "u1", "Li", "/privacy delete confirm:yes")
    await app.sender.drain()
    assert messenger.to("channel", "study") == []
    assert (await app.outbox.counts()).get("cancelled", 0) >= 1


async def test_the_organizers_round_report_no_longer_names_an_erased_member(app: App) -> None:
    for user in ("alice", "bob"):
        await say(app, "/buddy join", user=user)
    await say(app, "/admin match now", "olga", admin=True)
    await say(app, "/privacy delete confirm:yes", user="alice")
    [stored] = await app.db.fetchall(
        "SELECT payload FROM outbox WHERE idem_key LIKE 'buddy-report:%'"
    )
    assert "Alice" not in stored["payload"]
