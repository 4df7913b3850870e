"""A member who sets their time zone keeps one day per session.

Someone who checked in at 20:00 in Los Angeles before setting a zone had that session dated
by the community's zone (UTC: already the next day). Once they set Los Angeles, a session of
the last two days that falls on another local day there moves to that day, unless that day
already has a check-in (then it stays: one session never becomes two days). Someone who
had a zone and sets another has travelled: their past days were right where they were, and stay.
So do the days of someone whose platform reported a zone: those followed where they were too.
"""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.events import TimeZoneChanged
from bot.localtime import local_date, zone
from bot.storage.checkins import CheckinRepo

RECENT = timedelta(days=2)


async def redate(app: App, repo: CheckinRepo, event: TimeZoneChanged) -> None:
    if not event.first or event.member.platform_timezone is not None:
        return
    now = app.clock.now()
    recent = await repo.since(event.tenant.id, event.member.id, now - RECENT)
    new = zone(event.new)
    moves = [
        (c.local_date, local_date(c.created_at, new))
        for c in recent
        if c.created_at > now - RECENT
        and c.timezone == event.old
        and local_date(c.created_at, new) != c.local_date
    ]
    if moves:
        await repo.move(event.tenant.id, event.member.id, moves)
