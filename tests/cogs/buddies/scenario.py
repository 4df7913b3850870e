"""Shared scenario for the buddies cog's tests: enrolling members, ticking, finding groups."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from bot.ports import Message
from bot.storage.buddies import BuddyRepo, Group
from bot.storage.models import Member
from cogs.organizer_reports import HEADING
from tests.fakes.recording import RecordingMessenger
from tests.helpers import say

NAMES = ("alice", "bob", "carol", "dan", "erin", "frank", "gina")
NEXT_MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # default cadence: Monday 10:00 UTC


def about_buddies(messages: list[Message]) -> list[Message]:
    """Leave out the organizer's weekly figures (cogs/organizer_reports.py): the scheduler's
    Monday ticks send them too, and these tests are about what the rounds send."""
    return [m for m in messages if not m.text.startswith(HEADING)]


async def enrol(app: App, *names: str, profile: str = "") -> None:
    for name in names:
        if profile:
            await say(app, f"/profile set {profile}", user=name)
        await say(app, "/buddy join", user=name)


async def tick(app: App) -> None:
    await app.scheduler.run_due()
    await app.sender.drain()


async def member(app: App, name: str, tenant: str = "T1") -> Member:
    t = await app.tenants.find(app.platform, tenant)
    assert t is not None
    found = await app.members.find(t.id, name)
    assert found is not None
    return found


async def current(app: App, name: str) -> Group | None:
    m = await member(app, name)
    return await BuddyRepo(app.db).current_group(m.tenant_id, m.id)


def groups_in(messenger: RecordingMessenger) -> list[list[str]]:
    return sorted(sorted(ids) for ids in messenger.rooms.values())


def intros(messenger: RecordingMessenger) -> list[str]:
    return [
        s.message.text for s in messenger.sent if s.kind == "room" and "Why you" in s.message.text
    ]


async def count(app: App, table: str) -> int:
    row = await app.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


# --- joining, pausing, blocking ---------------------------------------------------------------
