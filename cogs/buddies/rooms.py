"""Buddy rooms: where a group's messages go, and what the room hears between rounds.

Every message to a group is queued to its room (a Discord private thread, a Slack group DM, a
console room); where the platform cannot open rooms, each member gets it by DM instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.app import App
from bot.events import CheckinRecorded
from bot.matching.round import group_title
from bot.ports import ChannelKind, ChannelRef, Message, MessengerError
from bot.storage.buddies import BuddyRepo, Group, Round
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from cogs.buddies import texts

log = logging.getLogger(__name__)

CHECKIN_LINE_TTL = timedelta(days=1)  # news of today's check-in; stale tomorrow
LAST_DAY = timedelta(hours=24)  # "did you meet?" this close to the next round is too late to act on


def member_ids(group: Group) -> list[int]:
    """Everyone a post to the group names or reaches, erased members aside."""
    return [m.member_id for m in group.members if m.member_id is not None]


def room_of(group: Group) -> Target:
    """The group's room, with the members still in the community."""
    present = [m for m in group.members if m.left_at is None and m.external_id]
    title = group_title([m.display_name for m in group.members], group.round.number)
    return Target.room(group.room_key, tuple(str(m.external_id) for m in present), title)


CLOSE_JOB = "buddy-rooms-close"
CLOSE_BATCH = 50  # rooms closed per tick: a big community's round end is spread over ticks


class Rooms:
    def __init__(self, app: App, repo: BuddyRepo) -> None:
        self._app = app
        self._repo = repo

    async def close_finished(self, now: datetime) -> int:
        """Close the rooms of rounds that ended (the next round started), each once.

        A room is marked closed after the platform did it, or refused for good (a missing
        permission or a deleted thread: asking again would only earn the same answer); a
        transient failure leaves it for the next tick.
        """
        closed = 0
        # Only this process's communities: a batch of another shard's rooms would stall it.
        for room in await self._repo.finished_rooms(
            CLOSE_BATCH, self._app.platform, self._app.share
        ):
            ref = ChannelRef(room.tenant, room.channel_id, ChannelKind.ROOM)
            try:
                await self._app.messenger.close_room(ref)
            except MessengerError as exc:
                if exc.retryable:
                    log.info("closing room %s later: %s", room.room_key, exc)
                    continue
                log.warning("room %s cannot be closed: %s", room.room_key, exc)
            await self._repo.room_closed(room.tenant_id, room.room_key, now)
            closed += 1
        return closed

    async def post(
        self,
        tx: Tx,
        tenant_id: int,
        key: str,
        room: Target,
        message: Message,
        now: datetime,
        *,
        members: Iterable[int],
        expires_at: datetime,
        dm_only: Iterable[str] | None = None,
    ) -> None:
        """To the group's room; where the platform cannot open one, to each member by DM
        (to the platform ids in `dm_only`, if given: those the message is still for).

        `members` are the member ids the post is for or names: erasing one blanks it.
        """
        named = tuple(members)
        if self._app.messenger.capabilities.group_rooms:
            await enqueue(
                tx, tenant_id, key, room, message, now, expires_at=expires_at, mentions=named
            )
            return
        for external_id in room.members if dm_only is None else tuple(dm_only):
            await enqueue(
                tx,
                tenant_id,
                f"{key}:{external_id}",
                Target.dm(external_id),
                message,
                now,
                expires_at=expires_at,
                mentions=named,
            )

    async def ask_met(self, tx: Tx, rnd: Round, group: Group, now: datetime) -> bool:
        """Ask the group halfway whether they met; False if nobody is to be asked.

        Not asked: a group whose buddy left (they were told then), a group where everyone
        has answered already (answers before the question count), and any group once the
        round is in its last 24 hours (a late tick after downtime), when meeting is no
        longer something to plan. Where there are no rooms, only who has not answered gets
        the DM.
        """
        room = room_of(group)
        to_answer = texts.waiting(group.members)
        if len(room.members) < 2 or not to_answer or rnd.ends_at - now < LAST_DAY:
            return False
        in_room = self._app.messenger.capabilities.group_rooms
        await self.post(
            tx,
            rnd.tenant_id,
            message_key("buddy-followup", rnd.tenant_id, group.id),
            room,
            texts.followup(rnd.number, group.members, in_room=in_room),
            now,
            members=member_ids(group),
            expires_at=rnd.ends_at,
            dm_only=[str(m.external_id) for m in to_answer if m.external_id],
        )
        return True

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
        now = self._app.clock.now()
        async with self._app.db.transaction() as tx:
            await self.post(
                tx,
                tenant.id,
                message_key("buddy-checkin", tenant.id, event.checkin_id, kind),
                room,
                Message(texts.checkin_line(event, self._app.skills)),
                now,
                members=member_ids(group),
                expires_at=now + CHECKIN_LINE_TTL,
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
                members=member_ids(group),
                expires_at=group.round.ends_at,
            )
