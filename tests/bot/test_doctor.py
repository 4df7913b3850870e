"""The doctor's own checks (configuration, database, configured channels) and its report;
the platform probes are tested against the fakes in tests/adapters/*/test_*doctor.py."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.doctor import Finding, Section, examine, report
from bot.ports import ChannelCheck, ChannelUse
from bot.storage.migrations import discover, migrate
from bot.storage.sqlite import SqliteDatabase
from bot.storage.tenants import TenantRepo

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class StubProbe:
    """A platform that answers as told: the probes themselves run against the fakes."""

    platform: str = "discord"
    channel_uses: tuple[ChannelUse, ...] = (ChannelUse.POSTS, ChannelUse.ROOMS)
    reachable: bool = True
    problems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    asked: list[tuple[str, str, ChannelUse]] = field(default_factory=list)
    closed: bool = False

    async def account(self) -> tuple[list[Finding], bool]:
        return [Finding(self.reachable, "token")], self.reachable

    async def check_channel(self, tenant: str, channel: str, use: ChannelUse) -> ChannelCheck:
        self.asked.append((tenant, channel, use))
        return ChannelCheck(self.problems.get(channel, ()))

    async def close(self) -> None:
        self.closed = True


def settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(_env_file=None, studybot_db=str(tmp_path / "s.db"), **values)  # type: ignore[call-arg,arg-type]


async def community(path: Path, platform: str, **channels: str) -> None:
    db = await SqliteDatabase.open(path)
    await migrate(db, NOW)
    tenants = TenantRepo(db)
    tenant = await tenants.ensure(platform, "G1", "Study Hall", NOW)
    await tenants.set_settings(tenant.id, dict(channels))
    await db.close()


def text_of(sections: list[Section]) -> str:
    out = io.StringIO()
    report(sections, out)
    return out.getvalue()


async def test_no_database_yet_is_fine_and_none_is_created(tmp_path: Path) -> None:
    sections = await examine(settings(tmp_path), "console", tmp_path / "s.db", None)
    assert "no database yet at" in text_of(sections)
    assert not (tmp_path / "s.db").exists()


async def test_pending_migrations_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    sqlite3.connect(path).close()  # an empty SQLite file: nothing applied yet
    text = text_of(await examine(settings(tmp_path), "console", path, None))
    assert f"{len(discover())} migration(s) to apply at the next start" in text


async def test_a_newer_schema_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "discord")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    conn.commit()
    conn.close()
    text = text_of(await examine(settings(tmp_path), "console", path, None))
    assert "FIX " in text and "schema version 999 is newer than this studybot" in text


async def test_a_damaged_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not a database" * 100)
    out = io.StringIO()
    code = report(await examine(settings(tmp_path), "console", path, None), out)
    assert code == 1 and "is damaged" in out.getvalue()


async def test_each_configured_channel_is_checked_for_its_use(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "discord", digest_channel="111", pairing_channel="222")
    probe = StubProbe(problems={"222": ("studybot lacks Manage Threads in #pairs.",)})
    out = io.StringIO()
    code = report(await examine(settings(tmp_path), "discord", path, probe), out)
    assert probe.asked == [("G1", "111", ChannelUse.POSTS), ("G1", "222", ChannelUse.ROOMS)]
    assert code == 1
    text = out.getvalue()
    assert "Study Hall\n  ok   digest channel: #111 is ready" in text
    assert "FIX  studybot lacks Manage Threads in #pairs." in text
    assert probe.closed


async def test_an_unset_channel_says_the_command_that_sets_it(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "discord")
    text = text_of(await examine(settings(tmp_path), "discord", path, StubProbe()))
    assert "digest channel: not set (set it with /admin digest channel:#study)" in text


async def test_a_channel_the_platform_does_not_use_is_not_checked(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "discord", pairing_channel="222")
    probe = StubProbe(channel_uses=(ChannelUse.POSTS,))
    text = text_of(await examine(settings(tmp_path), "discord", path, probe))
    assert probe.asked == [] and "buddy channel" not in text


async def test_communities_of_another_platform_are_left_out(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "slack", digest_channel="C1")
    probe = StubProbe()
    text = text_of(await examine(settings(tmp_path), "discord", path, probe))
    assert probe.asked == [] and "Study Hall" not in text


async def test_an_unreachable_platform_checks_no_channel(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    await community(path, "discord", digest_channel="111")
    probe = StubProbe(reachable=False)
    await examine(settings(tmp_path), "discord", path, probe)
    assert probe.asked == [] and probe.closed


async def test_both_tokens_say_which_platform_is_checked_by_default(tmp_path: Path) -> None:
    both = settings(tmp_path, discord_token="d", slack_bot_token="xoxb-s")
    text = text_of(await examine(both, "discord", tmp_path / "s.db", None))
    assert "platform: discord (the default: DISCORD_TOKEN is set)" in text
    assert "Run `python -m bot slack` for Slack" in text


async def test_the_report_ends_with_the_count_of_problems() -> None:
    out = io.StringIO()
    sections = [Section("X", [Finding(False, "a", "do b"), Finding(False, "c")])]
    assert report(sections, out) == 1
    assert "  FIX  a\n       -> do b\n" in out.getvalue()
    assert (
        out.getvalue()
        .rstrip()
        .endswith("2 problem(s) found. Fix them, then run `python -m bot doctor` again.")
    )
