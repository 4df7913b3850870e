"""Helpers tests import: the suite's start time, an actor, and typing a command as a member."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from bot.app import Actor, App
from bot.commands import NO_FILES, FileSource, Reply
from bot.storage.sqlite import SqliteDatabase

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # a Monday


def actor(user: str = "alice", *, tenant: str = "T1", admin: bool = False) -> Actor:
    return Actor(tenant_id=tenant, user_id=user, display_name=user.capitalize(), is_admin=admin)


async def say(
    app: App,
    line: str,
    user: str = "alice",
    *,
    tenant: str = "T1",
    admin: bool = False,
    files: FileSource = NO_FILES,
) -> Reply:
    """Type a command line as `user` in `tenant` (with the files that came with it, for file
    options), then deliver whatever it queued."""
    reply = await app.handle_line(actor(user, tenant=tenant, admin=admin), line, files=files)
    await app.sender.drain()
    return reply


def free_port() -> int:
    """A port nothing listens on, for a process the test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sqlite_of(app: App) -> SqliteDatabase:
    """The app's database where a test needs SQLite itself (its file, statement tracing); a
    test run on PostgreSQL is skipped there, saying why."""
    if not isinstance(app.db, SqliteDatabase):
        pytest.skip("needs SQLite (its file or statement tracing)")
    return app.db
