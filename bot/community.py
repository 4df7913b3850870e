"""Per-community settings: each declared once with its type, default, parsing and display.

Settings are stored as text (one row per changed key); a `Setting` turns that text into a typed
value and back, so code reads `values[BUDDY_SIZE]` as an int and never parses strings itself.
A value that no longer parses (a hand-edited row, an old format) reads as the default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any, Generic, TypeVar

from bot.storage.tenants import TenantRepo
from bot.streaks import DEFAULT_FREEZES
from bot.text import WEEKDAYS

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Setting(Generic[T]):
    key: str
    default: T
    description: str
    command: str  # the command line that changes it, as the dashboard's settings page shows
    parse: Callable[[str], T]
    format: Callable[[T], str] = str
    show: Callable[[T], str] | None = None  # how /admin show prints it; `format` otherwise

    def read(self, stored: str | None) -> T:
        if stored is None:
            return self.default
        try:
            return self.parse(stored)
        except ValueError:
            log.warning(
                "setting %s holds %r, which does not parse; using the default", self.key, stored
            )
            return self.default

    def display(self, value: T) -> str:
        return (self.show or self.format)(value)

    # --- the kinds of setting the cogs use -------------------------------------------------

    @classmethod
    def text(
        cls,
        key: str,
        default: str,
        description: str,
        command: str,
        show: Callable[[str], str] | None = None,
    ) -> Setting[str]:
        return Setting(key, default, description, command, parse=str, show=show)

    @classmethod
    def integer(
        cls,
        key: str,
        default: int,
        description: str,
        command: str,
        show: Callable[[int], str] | None = None,
    ) -> Setting[int]:
        return Setting(key, default, description, command, parse=int, show=show)

    @classmethod
    def time_of_day(cls, key: str, default: time, description: str, command: str) -> Setting[time]:
        return Setting(key, default, description, command, parse=time.fromisoformat, format=_hh_mm)

    @classmethod
    def weekday(cls, key: str, default: str, description: str, command: str) -> Setting[str]:
        return Setting(key, default, description, command, parse=_weekday)


def _hh_mm(value: time) -> str:
    return f"{value:%H:%M}"


def _weekday(text: str) -> str:
    if text not in WEEKDAYS:
        raise ValueError(f"not a weekday: {text!r}")
    return text


# Read beyond the cog that declares them: the time zone and freezes by several cogs (declared by
# admin and check-ins), the pairing channel by the Discord adapter (declared by buddies), the
# community channel by the Slack adapter and the organizer role by the Discord adapter (both
# declared by admin), both channels by `python -m bot doctor` (the digest channel declared by
# digests).
TIMEZONE = Setting.text(
    "timezone",
    "UTC",
    "community time zone for schedules and members without one",
    "/admin timezone Europe/Berlin",
)
DIGEST_CHANNEL = Setting.text(
    "digest_channel",
    "",
    "channel the weekly digest is posted in",
    "/admin digest channel:#study",
    show=lambda v: f"#{v}" if v else "off (set a channel with /admin digest channel:#study)",
)
COMMUNITY_CHANNEL = Setting.text(
    "community_channel",
    "",
    "the channel whose members are the community (Slack; not set: the whole workspace)",
    "/admin community channel:#study-group",
    show=lambda v: f"#{v}" if v else "not set (the whole workspace)",
)
ORGANIZER_ROLE = Setting.text(
    "organizer_role",
    "",
    "the role whose members are organizers, as if they held Manage Server (Discord)",
    "/admin organizers role:@Organizers",
    show=lambda v: (
        f"<@&{v}>" if v else "not set (Manage Server, or Server Settings > Integrations)"
    ),
)
PAIRING_CHANNEL = Setting.text(
    "pairing_channel",
    "",
    "channel where buddy rooms (private threads) are opened",
    "/admin buddies channel:#study-buddies",
    show=lambda v: f"#{v}" if v else "not set (where rooms need a channel, members get DMs)",
)
STREAK_FREEZES = Setting.integer(
    "streak_freezes",
    DEFAULT_FREEZES,
    "automatic streak freezes per member per ISO week, each covering one missed day",
    "/admin checkins freezes:2",
    show=lambda n: f"{n} per week",
)


class CommunityValues:
    """One community's settings, typed: `values[SETTING]`."""

    def __init__(self, stored: Mapping[str, str]) -> None:
        self._stored = stored

    def __getitem__(self, setting: Setting[T]) -> T:
        return setting.read(self._stored.get(setting.key))


class CommunitySettings:
    """What each cog declared, merged with what the organizers stored."""

    def __init__(self, tenants: TenantRepo) -> None:
        self._tenants = tenants
        self._declared: dict[str, Setting[Any]] = {}

    def declare(self, *settings: Setting[Any]) -> None:
        for s in settings:
            if s.key in self._declared:
                raise ValueError(f"setting {s.key!r} declared twice")
            self._declared[s.key] = s

    @property
    def declared(self) -> Mapping[str, Setting[Any]]:
        return dict(self._declared)

    async def get(self, tenant_id: int) -> CommunityValues:
        return CommunityValues(await self._tenants.settings(tenant_id))

    async def value_for(self, platform: str, external_id: str, setting: Setting[T]) -> T:
        """One setting of a community named by its platform id (a guild id, a team id); the
        default for a community the bot has not seen a command from yet."""
        tenant = await self._tenants.find(platform, external_id)
        if tenant is None:
            return setting.default
        return (await self.get(tenant.id))[setting]

    async def update(self, tenant_id: int, values: Mapping[Setting[Any], Any]) -> bool:
        """Store the values given; None means "not given, leave it". True if anything changed."""
        changes = {s.key: s.format(v) for s, v in values.items() if v is not None}
        self._check(values)
        if changes:
            await self._tenants.set_settings(tenant_id, dict(changes))
        return bool(changes)

    async def reset(self, tenant_id: int, *settings: Setting[Any]) -> None:
        """Back to the declared defaults."""
        self._check(settings)
        await self._tenants.set_settings(tenant_id, dict.fromkeys((s.key for s in settings), None))

    def _check(self, settings: Iterable[Setting[Any]]) -> None:
        unknown = sorted(s.key for s in settings if self._declared.get(s.key) is not s)
        if unknown:
            raise KeyError(f"undeclared settings {unknown}")
