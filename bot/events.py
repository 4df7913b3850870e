"""In-process domain events, so one cog can react to another's work without importing it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from bot.storage.models import Member, Tenant

E = TypeVar("E")


@dataclass(frozen=True)
class CheckinRecorded:
    """A member checked in (or updated today's check-in). Published after the commit."""

    tenant: Tenant
    member: Member
    checkin_id: int
    local_date: date
    did: str
    skills: tuple[str, ...]
    minutes: int | None
    updated: bool  # a second session the same local day
    session: int = 1  # which session of the day this was


@dataclass(frozen=True)
class TimeZoneChanged:
    """A member set a different profile time zone (or cleared it). Published after the commit."""

    tenant: Tenant
    member: Member
    old: str  # the zone their days followed before (their own, or the community's)
    new: str
    first: bool  # they had no zone of their own: `old` was the community's, not where they were


class Events:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Callable[[Any], Awaitable[None]]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: object) -> None:
        for handler in self._handlers[type(event)]:
            await handler(event)
