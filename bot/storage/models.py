"""Rows as dataclasses: what repositories return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True)
class Tenant:
    id: int
    platform: str
    external_id: str
    name: str
    removed_at: datetime | None = None  # the bot was removed from this community then

    @property
    def active(self) -> bool:
        return self.removed_at is None


@dataclass(frozen=True)
class Member:
    id: int
    tenant_id: int
    external_id: str
    display_name: str
    joined_at: datetime
    left_at: datetime | None = None
    dm_closed: bool = False
    timezone: str | None = None  # from the member's profile; None when they have not set one
    # What their platform reports (Slack's `tz`): their zone until they set one themselves.
    platform_timezone: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.external_id


@dataclass(frozen=True)
class Profile:
    member_id: int
    timezone: str | None = None
    goal: str | None = None
    level: str | None = None
    hours: tuple[time, time] | None = None
    about: str | None = None
    learning: tuple[str, ...] = ()
    knows: tuple[str, ...] = ()
