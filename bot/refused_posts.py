"""A post the platform refused for a missing permission: the organizers hear about it privately.

Without this the failure reached only the server log, while the organizer believed the digest
or the buddy threads went out. Each organizer seen lately is told once per channel per day (the
outbox key), with the command that shows exactly what is missing there.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.community import DIGEST_CHANNEL, PAIRING_CHANNEL, CommunitySettings, CommunityValues
from bot.ports import Message
from bot.storage.db import Database
from bot.storage.organizers import RECENT, OrganizerRepo
from bot.storage.outbox import OutboxItem, Target, enqueue, message_key

log = logging.getLogger(__name__)

MAX_TOLD = 3


class RefusedPosts:
    def __init__(
        self,
        db: Database,
        organizers: OrganizerRepo,
        community: CommunitySettings,
        clock: Clock,
    ) -> None:
        self._db = db
        self._organizers = organizers
        self._community = community
        self._clock = clock

    async def tell_organizers(self, item: OutboxItem, reason: str) -> None:
        """A post to a channel was refused, or a room could not be opened in the buddy
        channel (the room's members got DMs instead)."""
        now = self._clock.now()
        values = await self._community.get(item.tenant_id)
        channel = item.target.id if item.target.kind == "channel" else values[PAIRING_CHANNEL]
        told = await self._organizers.recent(item.tenant_id, now - RECENT, MAX_TOLD)
        if not told:
            log.warning(
                "tenant %s: no organizer to tell that #%s refused a post", item.tenant_id, channel
            )
            return
        text = (
            _text(values, channel, reason)
            if item.target.kind == "channel"
            else _room_text(channel, reason)
        )
        message = Message(text=text)
        async with self._db.transaction() as tx:
            for member_id, external_id in told:
                key = message_key("refused-post", item.tenant_id, channel, now.date(), member_id)
                await enqueue(
                    tx, item.tenant_id, key, Target.dm(external_id), message, now, member_id
                )


def _text(values: CommunityValues, channel: str, reason: str) -> str:
    if values[DIGEST_CHANNEL] == channel:
        what, check = "the weekly digest", f"/admin digest channel:#{channel}"
    elif values[PAIRING_CHANNEL] == channel:
        what, check = "buddy threads", f"/admin buddies channel:#{channel}"
    else:
        what, check = "a message", "/admin digest or /admin buddies with the channel"
    return (
        f"I could not post {what} in #{channel}: the platform refused ({reason}).\n"
        f"Run {check} to see exactly what I am missing there, then fix it; "
        "the next post goes out as usual."
    )


def _room_text(channel: str, reason: str) -> str:
    return (
        f"I could not open a private buddy thread in #{channel}: the platform refused "
        f"({reason}). The group got its messages by DM instead.\n"
        f"Run /admin buddies channel:#{channel} to see exactly what I am missing there, then "
        "fix it; the next groups get their threads as usual."
    )
