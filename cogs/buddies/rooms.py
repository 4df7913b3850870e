"""Buddy rooms: where a group's messages go, and what the room hears between rounds.

Every message to a group is queued to its room (a Discord private thread, a Slack group DM, a
console room); where the platform cannot open rooms, each member gets it by DM instead.
"""

from __future__ import annotations

from datetime import datetime

from bot.app import App
from bot.events import CheckinRecorded
from bot.matching.round import group_title
from bot.ports import Message
from bot.storage.buddies import BuddyRepo, Group
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from cogs.buddies import texts


def room_of(group: Group) -> Target:
    """The group's room, with the members still in the community."""
    present = [m for m in group.members if m.left_at is None and m.external_id]
    title = group_title([m.display_name for m in group.members], group.round.number)
    return Target.room(group.room_key, tuple(str(m.external_id) for m in present), title)


class Rooms:
    def __init__(self, app: App, repo: BuddyRepo) -> None:
        self._app = app
        self._repo = repo

    async def post(
        self, tx: Tx, tenant_id: int, key: str, room: Target, message: Message, now: datetime
    ) -> None:
        """To the group's room; where the platform cannot open one, to each member by DM."""
        if self._app.messenger.capabilities.group_rooms:
            await enqueue(tx, tenant_id, key, room, message, now)
            return
        for external_id in room.members:
            await enqueue(
                tx, tenant_id, f"{key}:{external_id}", Target.dm(external_id), message, now
            )

    async def on_checkin(self, event: CheckinRecorded) -> None:
        """One line in the buddy room per check-in (and one more if it is updated that day)."""
        tenant, member = event.tenant, event.member
        group = await self._repo.current_group(tenant.id, member.id, sharing_checkins=True)
        if group is None:
            return
        room = room_of(group)
        if len(room.members) < 2:
            return
        kind = "updated" if event.updated else "new"
        async with self._app.db.transaction() as tx:
            await self.post(
                tx,
                tenant.id,
                message_key("buddy-checkin", tenant.id, event.checkin_id, kind),
                room,
                Message(texts.checkin_line(event, self._app.skills)),
                self._app.clock.now(),
            )

    async def on_member_left(self, tenant: Tenant, member: Member) -> None:
        group = await self._repo.current_group(tenant.id, member.id)
        async with self._app.db.transaction() as tx:
            await self._repo.leave(tx, tenant.id, member.id, self._app.clock.now())
            if group is None:
                return
            rest = [m for m in group.others(member.id) if m.left_at is None]
            if not rest:
                return
            room = room_of(group)
            remaining = Target.room(
                room.id, tuple(m for m in room.members if m != member.external_id), room.title
            )
            await self.post(
                tx,
                tenant.id,
                message_key("buddy-left", tenant.id, group.id, member.id),
                remaining,
                Message(texts.member_left(member, remaining=len(rest))),
                self._app.clock.now(),
            )
