"""Cached tenants, settings and members stay correct across processes: writes publish an
invalidation that every process applies, a dropped listener drops every cache, and cached
entries expire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot.app import Actor, App
from bot.clock import ManualClock
from bot.config import Settings
from bot.storage import invalidation
from bot.storage.db import Database
from bot.storage.invalidation import Expiring, Topic, decode, encode
from bot.storage.members import MemberRepo
from bot.storage.postgres import LISTENER_NAME
from bot.storage.tenants import TenantRepo
from cogs import load_all
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, say
from tests.postgres import PostgresServer

WAIT_SECONDS = 10.0
EVERYTHING = "everything"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- the pieces -----------------------------------------------------------------------------


def test_a_payload_decodes_to_its_topic_and_key() -> None:
    assert decode(encode("settings", 42)) == ("settings", 42)


@pytest.mark.parametrize("payload", ["colour:3", "member:", "member:x", "garbage"])
def test_a_payload_this_version_does_not_know_decodes_to_none(payload: str) -> None:
    assert decode(payload) is None


def test_an_entry_is_stale_once_the_expiry_has_passed() -> None:
    monotonic = FakeMonotonic()
    kept: Expiring[str, int] = Expiring(monotonic)
    kept.put("a", 1)
    monotonic.now += invalidation.EXPIRY_SECONDS - 0.1
    assert kept.get("a") == 1
    monotonic.now += 0.1
    assert kept.get("a") is None


# --- the safety net, on both backends -------------------------------------------------------


async def test_cached_settings_changed_behind_the_repository_are_read_again_after_expiry(
    db: Database,
) -> None:
    monotonic = FakeMonotonic()
    repo = TenantRepo(db, monotonic)
    tenant = await repo.ensure("discord", "g1", "Guild", START)
    await repo.set_settings(tenant.id, {"timezone": "UTC"})
    assert await repo.settings(tenant.id) == {"timezone": "UTC"}
    await db.execute("UPDATE tenant_settings SET value = 'Asia/Tokyo'")  # no invalidation
    monotonic.now += invalidation.EXPIRY_SECONDS
    assert await repo.settings(tenant.id) == {"timezone": "Asia/Tokyo"}


async def test_a_cached_member_changed_behind_the_repository_is_read_again_after_expiry(
    db: Database,
) -> None:
    monotonic = FakeMonotonic()
    tenant = await TenantRepo(db).ensure("discord", "g1", "Guild", START)
    repo = MemberRepo(db, monotonic)
    await repo.ensure(tenant.id, "u1", "Ann", START)
    await db.execute("UPDATE members SET display_name = 'Anna'")  # no invalidation
    monotonic.now += invalidation.EXPIRY_SECONDS
    found = await repo.find(tenant.id, "u1")
    assert found is not None and found.display_name == "Anna"


# --- two processes on one PostgreSQL database -----------------------------------------------


@dataclass
class Heard:
    """What one process's caches were told, in order (a subscriber like the repositories)."""

    events: asyncio.Queue[tuple[str, int]] = field(default_factory=asyncio.Queue)

    def invalidate(self, topic: Topic, key: int) -> None:
        self.events.put_nowait((topic, key))

    def invalidate_all(self) -> None:
        self.events.put_nowait((EVERYTHING, 0))

    async def until(self, topic: str, key: int = 0) -> None:
        """Wait for this invalidation (every repository subscribed before it has applied it)."""
        async with asyncio.timeout(WAIT_SECONDS):
            while await self.events.get() != (topic, key):
                pass


@dataclass
class Pair:
    one: App
    other: App
    heard: Heard  # by `other`


@pytest.fixture
async def pair(postgres_server: PostgresServer) -> AsyncIterator[Pair]:
    url = await postgres_server.fresh_database()
    settings = Settings(_env_file=None, studybot_db=url, studybot_send_rate=0)  # type: ignore[call-arg]
    one = await App.create(settings, ManualClock(START), RecordingMessenger(), load_all())
    other = await App.create(settings, ManualClock(START), RecordingMessenger(), load_all())
    heard = Heard()
    other.db.on_invalidation(heard)
    yield Pair(one, other, heard)
    await one.close()
    await other.close()
    await postgres_server.drop(url)


async def test_a_setting_changed_through_one_process_is_seen_by_the_other(pair: Pair) -> None:
    await say(pair.one, "/admin timezone Europe/Berlin", admin=True)
    before = await say(pair.other, "/admin timezone", admin=True)
    assert before.text.startswith("Community time zone: Europe/Berlin.")  # now cached there
    tenant = await pair.other.tenants.find(pair.other.platform, "T1")
    assert tenant is not None
    await say(pair.one, "/admin timezone Asia/Tokyo", admin=True)
    await pair.heard.until("settings", tenant.id)
    after = await say(pair.other, "/admin timezone", admin=True)
    assert after.text.startswith("Community time zone: Asia/Tokyo.")


async def test_a_member_renamed_through_one_process_is_seen_by_the_other(pair: Pair) -> None:
    await say(pair.one, "/help")
    tenant = await pair.other.tenants.find(pair.other.platform, "T1")
    assert tenant is not None
    cached = await pair.other.members.find(tenant.id, "alice")
    assert cached is not None and cached.display_name == "Alice"
    renamed = Actor(tenant_id="T1", user_id="alice", display_name="Alice Smith")
    await pair.one.handle_line(renamed, "/help")
    await pair.heard.until("member", cached.id)
    found = await pair.other.members.find(tenant.id, "alice")
    assert found is not None and found.display_name == "Alice Smith"


async def test_a_member_erased_through_one_process_is_gone_in_the_other(pair: Pair) -> None:
    await say(pair.one, "/help")
    tenant = await pair.other.tenants.find(pair.other.platform, "T1")
    assert tenant is not None
    cached = await pair.other.members.find(tenant.id, "alice")
    assert cached is not None
    await say(pair.one, "/privacy delete confirm:yes")
    await pair.heard.until("member", cached.id)
    assert await pair.other.members.find(tenant.id, "alice") is None


async def test_a_rolled_back_write_invalidates_nothing(pair: Pair) -> None:
    with pytest.raises(RuntimeError):
        async with pair.one.db.transaction() as tx:
            tx.publish("settings", 1)
            raise RuntimeError("rolled back")
    async with pair.one.db.transaction() as tx:
        tx.publish("settings", 2)
    async with asyncio.timeout(WAIT_SECONDS):
        assert await pair.heard.events.get() == ("settings", 2)


async def test_after_the_listener_is_killed_caches_are_dropped_and_kept_correct_again(
    pair: Pair,
) -> None:
    await say(pair.one, "/admin timezone Europe/Berlin", admin=True)
    tenant = await pair.other.tenants.find(pair.other.platform, "T1")
    assert tenant is not None
    assert (await pair.other.tenants.settings(tenant.id))["timezone"] == "Europe/Berlin"
    killed = await pair.one.db.fetchall(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = ? AND datname = current_database()",
        (LISTENER_NAME,),
    )
    assert len(killed) == 2  # each process's listener
    # Written while nobody listens, without an invalidation: only dropping the cache shows it.
    await pair.one.db.execute(
        "UPDATE tenant_settings SET value = 'Asia/Tokyo' WHERE tenant_id = ? AND key = ?",
        (tenant.id, "timezone"),
    )
    await pair.heard.until(EVERYTHING)  # the drop was noticed
    await pair.heard.until(EVERYTHING)  # listening again
    assert (await pair.other.tenants.settings(tenant.id))["timezone"] == "Asia/Tokyo"
    await say(pair.one, "/admin timezone America/Chicago", admin=True)
    await pair.heard.until("settings", tenant.id)
    assert (await pair.other.tenants.settings(tenant.id))["timezone"] == "America/Chicago"
