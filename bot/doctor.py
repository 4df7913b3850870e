"""`python -m bot doctor`: what is wrong with this installation, and the exact fix for each.

It checks the configuration and the database here; the chosen platform's probe (built by the
adapter) checks the token and what the platform granted, then every channel an organizer
configured, with the same check an organizer gets when choosing one. It changes nothing,
except that Slack may join a public channel it was pointed at (as choosing it would).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from bot.community import DIGEST_CHANNEL, PAIRING_CHANNEL, CommunityValues, Setting
from bot.config import Settings
from bot.ports import ChannelCheck, ChannelUse
from bot.storage.connect import describe, is_postgres, open_database, sqlite_path
from bot.storage.db import CorruptDatabase, Database
from bot.storage.migrations import discover, schema_version
from bot.storage.tenants import TenantRepo

CHANNEL_SETTINGS: tuple[tuple[Setting[str], ChannelUse, str, str], ...] = (
    (DIGEST_CHANNEL, ChannelUse.POSTS, "digest channel", "/admin digest channel:#study"),
    (PAIRING_CHANNEL, ChannelUse.ROOMS, "buddy channel", "/admin buddies channel:#study-buddies"),
)


@dataclass(frozen=True)
class Finding:
    """One thing checked: fine, or a problem with what to do about it."""

    ok: bool
    text: str
    fix: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    findings: Sequence[Finding]


class PlatformProbe(Protocol):
    """What an adapter checks for the doctor; `account` runs first and says whether the
    platform can be asked anything else (a rejected token stops there)."""

    platform: str
    channel_uses: tuple[ChannelUse, ...]  # the configured channels this platform uses

    async def account(self) -> tuple[list[Finding], bool]: ...

    async def check_channel(self, tenant: str, channel: str, use: ChannelUse) -> ChannelCheck: ...

    async def close(self) -> None: ...


def configuration(settings: Settings, platform: str) -> Section:
    default = settings.default_platform()
    why = {
        "discord": "DISCORD_TOKEN is set",
        "slack": "SLACK_BOT_TOKEN is set",
        "console": "no platform token is set",
    }
    chosen = f"the default: {why[default]}" if platform == default else "as asked"
    findings = [Finding(True, f"platform: {platform} ({chosen})")]
    if platform == default and (note := settings.platform_note()):
        findings.append(Finding(True, note))
    if settings.studybot_secret_key is None:
        findings.append(
            Finding(
                True, "STUDYBOT_SECRET_KEY is not set: one is generated and kept in the database"
            )
        )
    return Section("Configuration", findings)


async def database(location: str | Path) -> tuple[Section, Database | None]:
    """The database's state, and the open database when there is one to read."""
    path = describe(location)
    if not is_postgres(location) and not _is_file(sqlite_path(location)):
        first = Finding(True, f"no database yet at {path}: the first start creates it")
        return Section("Database", [first]), None
    try:
        db = await open_database(location)
    except (ConnectionError, CorruptDatabase) as exc:
        return Section("Database", [Finding(False, str(exc))]), None
    current, known = await schema_version(db), len(discover())
    if current > known:
        finding = Finding(
            False,
            f"{path}: schema version {current} is newer than this studybot ({known})",
            "upgrade studybot, or use a backup made by this version",
        )
    elif current < known:
        finding = Finding(
            True, f"{path}: integrity ok; {known - current} migration(s) to apply at the next start"
        )
    else:
        finding = Finding(True, f"{path}: integrity ok, schema up to date ({current})")
    return Section("Database", [finding]), db


def _is_file(path: Path) -> bool:
    return path.is_file()  # one stat: not worth a thread; opening would create the file


async def channels(db: Database, probe: PlatformProbe) -> list[Section]:
    """One section per community on this platform: each configured channel, checked."""
    tenants = TenantRepo(db)
    sections = []
    for tenant in await tenants.all():
        if tenant.platform != probe.platform:
            continue
        values = CommunityValues(await tenants.settings(tenant.id))
        findings = []
        for setting, use, label, how in CHANNEL_SETTINGS:
            if use not in probe.channel_uses:
                continue
            channel = values[setting].strip().removeprefix("<#").removesuffix(">")
            if not channel:
                findings.append(Finding(True, f"{label}: not set (set it with {how})"))
                continue
            check = await probe.check_channel(tenant.external_id, channel, use)
            if check.done:
                findings.append(Finding(True, check.done))
            findings.extend(Finding(False, problem) for problem in check.problems)
            if check.ok:
                findings.append(Finding(True, f"{label}: #{check.name or channel} is ready"))
        sections.append(Section(tenant.name or tenant.external_id, findings))
    return sections


async def examine(
    settings: Settings, platform: str, database_at: str | Path, probe: PlatformProbe | None
) -> list[Section]:
    sections = [configuration(settings, platform)]
    section, db = await database(database_at)
    sections.append(section)
    try:
        if probe is not None:
            findings, reachable = await probe.account()
            sections.append(Section(probe.platform.capitalize(), findings))
            if reachable and db is not None:
                sections.extend(await channels(db, probe))
    finally:
        if db is not None:
            await db.close()
        if probe is not None:
            await probe.close()
    return sections


def report(sections: Sequence[Section], out: TextIO) -> int:
    """Print the findings; the exit code is the number of problems (0: all good), at most 1."""
    problems = 0
    for section in sections:
        print(section.title, file=out)
        for finding in section.findings:
            print(f"  {'ok  ' if finding.ok else 'FIX '} {finding.text}", file=out)
            if finding.fix:
                print(f"       -> {finding.fix}", file=out)
            problems += not finding.ok
        print(file=out)
    if problems:
        print(
            f"{problems} problem(s) found. Fix them, then run `python -m bot doctor` again.",
            file=out,
        )
        return 1
    print("Everything checked is ready.", file=out)
    return 0
