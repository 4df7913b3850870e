"""Buddy rounds: starting one (on schedule or by an organizer) and asking halfway "did you meet?".

A round is claimed and written in one transaction: groups, intros to each group's room and
notes to anyone left out, so a crash leaves either the whole round or nothing. Grouping and
its texts come from `bot.matching.round`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.app import App
from bot.community import TIMEZONE, CommunityValues
from bot.matching.round import (
    HISTORY_ROUNDS,
    PAUSE_AFTER_MISSED,
    Participant,
    RoundOutcome,
    match_profile,
    plan,
)
from bot.ports import Message
from bot.storage import claims
from bot.storage.buddies import BuddyRepo, Enrolled
from bot.storage.models import Profile, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from cogs.buddies import texts
from cogs.buddies.rooms import Rooms
from cogs.buddies.settings import GROUP_SIZE, REPEAT_WINDOW, cadence_of

ROUND_JOB = "buddy-round"
FOLLOWUP_JOB = "buddy-followup"


@dataclass(frozen=True)
class RoundReport:
    number: int
    groups: list[list[str]]
    left_out: list[str]
    paused: int


def room_key(tenant_id: int, round_number: int, group_number: int) -> str:
    """The room a group's messages go to; the sender opens it on first use."""
    return f"buddies-{tenant_id}-{round_number}-{group_number}"


class Rounds:
    def __init__(self, app: App, repo: BuddyRepo, rooms: Rooms) -> None:
        self._app = app
        self._repo = repo
        self._rooms = rooms

    async def run(self, tenant: Tenant, period: str | None, now: datetime) -> RoundReport | None:
        """Run one round for `period` (None: a manual round); None if it was already claimed.

        The round is read and solved outside any transaction (solving thousands of members
        takes seconds, and an open write transaction would hold up every other write), then
        written in one short transaction that takes the claim. If who takes part changed in
        between (someone joined, left or blocked), it is solved again inside, from what the
        transaction sees.
        """
        values = await self._app.community.get(tenant.id)
        cadence = cadence_of(values)
        repeat = values[REPEAT_WINDOW]
        day = now.astimezone(cadence.zone).date()
        db = self._app.db
        planned = await self._repo.planned_participants(tenant.id, now, PAUSE_AFTER_MISSED)
        history = await self._repo.past_groups(db, tenant.id, max(repeat, HISTORY_ROUNDS))
        blocks = await self._repo.blocks(db, tenant.id)
        number = await self._repo.next_round_number(db, tenant.id)
        outcome = await self._solve(tenant, planned, history, blocks, number, day, values)
        async with db.transaction() as tx:
            if period is None:
                period = f"manual-{await self._repo.next_round_number(tx, tenant.id)}"
            if not await claims.claim(tx, tenant.id, ROUND_JOB, period, now):
                return None
            paused = await self._repo.close_open_rounds(tx, tenant.id, now, PAUSE_AFTER_MISSED)
            for member_id, external_id in paused:
                await enqueue(
                    tx,
                    tenant.id,
                    message_key("buddy-autopause", tenant.id, period, member_id),
                    Target.dm(external_id),
                    Message(texts.AUTOPAUSED),
                    now,
                    member_id=member_id,
                    expires_at=now + cadence.length,
                )
            # A round with nobody in it is still recorded, so numbers (and manual keys) move on.
            people = await self._repo.participants(tx, tenant.id, now)
            now_blocks = await self._repo.blocks(tx, tenant.id)
            now_number = await self._repo.next_round_number(tx, tenant.id)
            if people != planned or set(now_blocks) != set(blocks) or now_number != number:
                history = await self._repo.past_groups(tx, tenant.id, max(repeat, HISTORY_ROUNDS))
                outcome = await self._solve(
                    tenant, people, history, now_blocks, now_number, day, values
                )
            rnd = await self._repo.create_round(
                tx, tenant.id, period, now, cadence.followup_at(now)
            )
            external = {p.member_id: p.external_id for p in people}
            for number, group in enumerate(outcome.groups, start=1):
                key = room_key(tenant.id, rnd.number, number)
                members = [(m.member_id, m.name) for m in group.members]
                group_id = await self._repo.add_group(tx, tenant.id, rnd.id, key, members)
                ids = tuple(external[m.member_id] for m in group.members)
                await self._rooms.post(
                    tx,
                    tenant.id,
                    message_key("buddy-intro", tenant.id, group_id),
                    Target.room(key, ids, group.title),
                    Message(group.intro),
                    now,
                    members=[m.member_id for m in group.members],
                    expires_at=now + cadence.length,
                )
            for left in outcome.left_out:
                await enqueue(
                    tx,
                    tenant.id,
                    message_key("buddy-alone", tenant.id, rnd.id, left.member.member_id),
                    Target.dm(external[left.member.member_id]),
                    Message(texts.left_out(rnd.number, left.reason)),
                    now,
                    member_id=left.member.member_id,
                    expires_at=now + cadence.length,
                )
        return RoundReport(
            rnd.number,
            [[m.name for m in g.members] for g in outcome.groups],
            [x.member.name for x in outcome.left_out],
            len(paused),
        )

    async def _solve(
        self,
        tenant: Tenant,
        people: Sequence[Enrolled],
        history: Sequence[Sequence[Sequence[int]]],
        blocks: Sequence[tuple[int, int]],
        number: int,
        day: date,
        values: CommunityValues,
    ) -> RoundOutcome:
        profiles = await self._app.profiles.all(tenant.id)
        community = values[TIMEZONE]
        participants = [
            Participant(
                p.member_id,
                p.label,
                match_profile(
                    p.member_id,
                    profiles.get(p.member_id, Profile(p.member_id)),
                    p.platform_timezone,
                    community,
                ),
            )
            for p in people
        ]
        # Solving takes seconds for thousands of members: off the event loop, so heartbeats
        # and other members' interactions (which defer after 1 s) are answered meanwhile.
        return await asyncio.to_thread(
            plan,
            participants,
            day,
            number=number,
            past_rounds=history,
            blocks=blocks,
            group_size=values[GROUP_SIZE],
            repeat_window=values[REPEAT_WINDOW],
            skill_name=self._app.skills.name,
        )

    async def tick(self, now: datetime) -> int:
        """Start every round whose scheduled time has passed; returns how many started."""
        started = 0
        for tenant_id, first_joined in await self._repo.enrolled_tenants():
            cadence = cadence_of(await self._app.community.get(tenant_id))
            due = cadence.due(now)
            # a round scheduled before anyone joined is not caught up on
            if due is None or due[1] < first_joined:
                continue
            async with self._app.db.transaction() as tx:
                if await claims.is_claimed(tx, tenant_id, ROUND_JOB, due[0]):
                    continue
            tenant = await self._app.tenants.get(tenant_id)
            if tenant is not None and await self.run(tenant, due[0], now) is not None:
                started += 1
        if started:
            self._app.sender.kick()
        return started

    async def followup_tick(self, now: datetime) -> int:
        """Ask each group of a round that reached mid-round whether they met."""
        asked = 0
        for rnd in await self._repo.due_followups(now):
            groups = await self._repo.round_groups(rnd.tenant_id, rnd.id)
            async with self._app.db.transaction() as tx:
                if not await claims.claim(tx, rnd.tenant_id, FOLLOWUP_JOB, str(rnd.id), now):
                    continue
                for group in groups:
                    asked += await self._rooms.ask_met(tx, rnd, group, now)
        if asked:
            self._app.sender.kick()
        return asked
