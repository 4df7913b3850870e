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
        self._notes: dict[type, list[Callable[[Any], Awaitable[list[str]]]]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    def add_reply_note(
        self, event_type: type[E], handler: Callable[[E], Awaitable[list[str]]]
    ) -> None:
        """`handler`'s lines go into the reply of the command that published the event (a
        check-in's reply says which milestone of the member's path it counts toward)."""
        self._notes[event_type].append(handler)

    async def publish(self, event: object) -> list[str]:
        """Run the event's handlers; the lines its reply-note handlers add, in order."""
        for handler in self._handlers[type(event)]:
            await handler(event)
        lines: list[str] = []
        for note in self._notes[type(event)]:
            lines += await note(event)
        return lines
