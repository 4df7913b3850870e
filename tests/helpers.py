"""Helpers tests import: the suite's start time, an actor, and typing a command as a member."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Actor, App
from bot.commands import Reply

START = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # a Monday


def actor(user: str = "alice", *, tenant: str = "T1", admin: bool = False) -> Actor:
    return Actor(tenant_id=tenant, user_id=user, display_name=user.capitalize(), is_admin=admin)


async def say(
    app: App, line: str, user: str = "alice", *, tenant: str = "T1", admin: bool = False
) -> Reply:
    """Type a command line as `user` in `tenant`, then deliver whatever it queued."""
    reply = await app.handle_line(actor(user, tenant=tenant, admin=admin), line)
    await app.sender.drain()
    return reply
