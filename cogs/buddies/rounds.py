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
    Cadence,
    Participant,
    PlannedGroup,
    RoundOutcome,
    match_profile,
    plan,
    shared_windows,
)
from bot.ports import Message
from bot.storage import claims
from bot.storage.buddies import BuddyRepo, Enrolled, Round
from bot.storage.db import Reader, Tx
from bot.storage.models import Profile, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from bot.text import long_date
from cogs.buddies import texts
from cogs.buddies.presence import Presence
from cogs.buddies.report import moment, nobody_to_pair, round_report
from cogs.buddies.rooms import Rooms
from cogs.buddies.schedule import (
    EMPTY_JOB,
    ROUND_JOB,
    next_round_at,
    next_scheduled,
    period_taken,
)
from cogs.buddies.settings import GROUP_SIZE, REPEAT_WINDOW, cadence_of

FOLLOWUP_JOB = "buddy-followup"
EXTRA_NOTE = (
    "Extra round: an organizer started this one on top of the regular rounds; "
    "it counts like any round."
)


@dataclass(frozen=True)
class RoundReport:
    number: int
    groups: list[list[str]]
    left_out: list[str]
    paused: int
    extra: bool
    report: Message  # what the organizers are told (also /admin buddies report)
    next_round: str  # "Monday 16 March, 10:00 Europe/Berlin"


@dataclass(frozen=True)
class NotStarted:
    """No round: the reason, as the organizer reads it."""

    reason: str


@dataclass(frozen=True)
class _Plan:
    """A round grouped from what was read: solved again if the transaction sees otherwise."""

    people: list[Enrolled]
    blocks: set[tuple[int, int]]
    number: int
    outcome: RoundOutcome


class _Abandon(Exception):
    """Rolls the round's transaction back; carries what to answer instead."""

    def __init__(self, outcome: NotStarted | None) -> None:
        super().__init__()
        self.outcome = outcome


def room_key(tenant_id: int, round_number: int, group_number: int) -> str:
    """The room a group's messages go to; the sender opens it on first use."""
    return f"buddies-{tenant_id}-{round_number}-{group_number}"


def study_time(group: PlannedGroup, on: date) -> str:
    """How the group's study hours meet on the round's date, as the report counts it."""
    windows = shared_windows([m.profile for m in group.members], on)
    return "no_hours" if windows is None else "shared" if windows else "no_overlap"


class Rounds:
    def __init__(self, app: App, repo: BuddyRepo, rooms: Rooms) -> None:
        self._app = app
        self._repo = repo
        self._rooms = rooms
        self._presence = Presence(app, repo)  # who a round may pair (no ghosts)

    async def run(
        self, tenant: Tenant, now: datetime, *, scheduled: str | None = None, extra: bool = False
    ) -> RoundReport | NotStarted | None:
        """Run a round: the `scheduled` period's, this period's (an organizer's round now), or
        an `extra` one. None when a scheduled period was already claimed.

        One round per period: the scheduled round and `/admin match now` claim the same
        `(tenant, ROUND_JOB, period)`, so whichever comes first is the period's only round.
        With fewer than two members in, no round is stored (numbers do not move); a
        scheduled start then claims EMPTY_JOB instead, tells the lone member and the organizer
        once, and is not retried.

        The round is read and solved outside any transaction (solving thousands of members
        takes seconds, and an open write transaction would hold up every other write), then
        written in one short transaction that takes the claim. If who takes part changed in
        between (someone joined, left or blocked), it is solved again inside, from what the
        transaction sees.
        """
        values = await self._app.community.get(tenant.id)
        cadence = cadence_of(values)
        period = scheduled or cadence.period(now)[0]
        db = self._app.db
        if scheduled is None and not extra:
            ran = await self._repo.period_round(db, tenant.id, period)
            if ran is not None:
                return NotStarted(await self._already_ran(tenant.id, ran, cadence, now))
        asked_about = None if extra else period  # extra rounds ask nobody, leave nobody out
        planned = await self._presence.present(
            db,
            tenant.id,
            asked_about,
            await self._repo.planned_participants(tenant.id, now, PAUSE_AFTER_MISSED),
        )
        if len(planned) < 2 and scheduled is None:
            return NotStarted(nobody_to_pair([p.label for p in planned]))
        plan = await self._plan(db, tenant, planned, now, values)
        try:
            async with db.transaction() as tx:
                return await self._write(tx, tenant, now, period, scheduled, extra, plan)
        except _Abandon as abandoned:
            return abandoned.outcome

    async def _plan(
        self,
        reader: Reader,
        tenant: Tenant,
        people: Sequence[Enrolled],
        now: datetime,
        values: CommunityValues,
    ) -> _Plan:
        """Group `people` from what `reader` sees of history and blocks."""
        repeat = values[REPEAT_WINDOW]
        history = await self._repo.past_groups(reader, tenant.id, max(repeat, HISTORY_ROUNDS))
        blocks = await self._repo.blocks(reader, tenant.id)
        number = await self._repo.next_round_number(reader, tenant.id)
        outcome = await self._solve(tenant, people, history, blocks, number, now, values)
        return _Plan(list(people), set(blocks), number, outcome)

    async def _already_ran(
        self, tenant_id: int, ran: Round, cadence: Cadence, now: datetime
    ) -> str:
        nxt = await next_round_at(self._app.db, tenant_id, cadence, now)
        started = long_date(ran.started_at.astimezone(cadence.zone).date())
        return (
            f"This period's round already ran: round {ran.number}, started {started}.\n"
            f"Next scheduled round: {moment(nxt, cadence.zone)}\n"
            "To pair everyone again now, run /admin match now extra:yes (an extra round)."
        )

    async def _write(
        self,
        tx: Tx,
        tenant: Tenant,
        now: datetime,
        period: str,
        scheduled: str | None,
        extra: bool,
        planned: _Plan,
    ) -> RoundReport | NotStarted | None:
        """The round's one transaction: claim, close the last round, group, queue every message."""
        values = await self._app.community.get(tenant.id)
        cadence = cadence_of(values)
        day = now.astimezone(cadence.zone).date()
        if extra:
            period = f"extra-{await self._repo.next_round_number(tx, tenant.id)}"
        elif scheduled is not None and await claims.is_claimed(tx, tenant.id, EMPTY_JOB, period):
            raise _Abandon(None)
        paused = await self._repo.close_open_rounds(tx, tenant.id, now, PAUSE_AFTER_MISSED)
        enrolled = await self._repo.participants(tx, tenant.id, now)
        people = await self._presence.present(tx, tenant.id, None if extra else period, enrolled)
        kept = {p.member_id for p in people}
        silent = [p.member_id for p in enrolled if p.member_id not in kept]
        # this round would be their PAUSE_AFTER_MISSED-th sat out in silence: pause instead
        hushed = await self._repo.pause_silent(tx, tenant.id, silent, PAUSE_AFTER_MISSED - 1, now)
        silent = [m for m in silent if m not in {h for h, _ in hushed}]
        if len(people) < 2:
            if scheduled is None:
                raise _Abandon(NotStarted(nobody_to_pair([p.label for p in people])))
            if not await claims.claim(tx, tenant.id, EMPTY_JOB, period, now):
                raise _Abandon(None)
        elif not await claims.claim(tx, tenant.id, ROUND_JOB, period, now):
            if scheduled is not None:
                raise _Abandon(None)
            ran = await self._repo.period_round(tx, tenant.id, period)
            raise _Abandon(
                NotStarted(
                    f"This period's round already ran (round {ran.number})."
                    if ran
                    else "This period's round already ran."
                )
            )
        for (member_id, external_id), text in [(p, texts.AUTOPAUSED) for p in paused] + [
            (h, texts.SILENT_PAUSED) for h in hushed
        ]:
            await enqueue(
                tx,
                tenant.id,
                message_key("buddy-autopause", tenant.id, period, member_id),
                Target.dm(external_id),
                Message(text),
                now,
                member_id=member_id,
                expires_at=now + cadence.length,
            )
        paused += hushed
        organizer = await self._repo.organizer(tx, tenant.id)
        ends = await next_scheduled(tx, tenant.id, cadence, now)  # this period is claimed
        nxt = moment(ends, cadence.zone)
        plan = planned
        if (people, set(await self._repo.blocks(tx, tenant.id))) != (plan.people, plan.blocks) or (
            await self._repo.next_round_number(tx, tenant.id) != plan.number
        ):
            plan = await self._plan(tx, tenant, people, now, values)
        outcome = plan.outcome
        external = {p.member_id: p.external_id for p in people}
        if len(people) < 2:
            for left in outcome.left_out:  # no round number: none was started
                await enqueue(
                    tx,
                    tenant.id,
                    message_key("buddy-alone-period", tenant.id, period, left.member.member_id),
                    Target.dm(external[left.member.member_id]),
                    Message(left.reason),
                    now,
                    member_id=left.member.member_id,
                    expires_at=now + cadence.length,
                )
            if organizer is not None:
                text = (
                    f"Scheduled buddy round ({long_date(day)}): "
                    f"{nobody_to_pair([p.label for p in people])}\nNext scheduled round: {nxt}"
                )
                await enqueue(
                    tx,
                    tenant.id,
                    message_key("buddy-report-empty", tenant.id, period),
                    Target.dm(organizer[1]),
                    Message(text),
                    now,
                    member_id=organizer[0],
                    expires_at=now + cadence.length,
                )
            return None
        rnd = await self._repo.create_round(
            tx, tenant.id, period, now, cadence.followup_at(now, ends), extra=extra
        )
        for number, group in enumerate(outcome.groups, start=1):
            key = room_key(tenant.id, rnd.number, number)
            members = [(m.member_id, m.name) for m in group.members]
            group_id = await self._repo.add_group(
                tx, tenant.id, rnd.id, key, members, study_time(group, day)
            )
            ids = tuple(external[m.member_id] for m in group.members)
            intro = f"{EXTRA_NOTE}\n{group.intro}" if extra else group.intro
            await self._rooms.post(
                tx,
                tenant.id,
                message_key("buddy-intro", tenant.id, group_id),
                Target.room(key, ids, group.title),
                Message(intro),
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
        left_ids = [x.member.member_id for x in outcome.left_out]
        await self._repo.add_round_notes(tx, tenant.id, rnd.id, "waiting", left_ids)
        await self._repo.add_round_notes(tx, tenant.id, rnd.id, "paused", [m for m, _ in paused])
        await self._repo.add_round_notes(tx, tenant.id, rnd.id, "silent", silent)
        facts = await self._repo.round_facts(tx, rnd)
        report = round_report(facts, cadence.zone, nxt)
        if organizer is not None:
            await enqueue(
                tx,
                tenant.id,
                message_key("buddy-report", tenant.id, rnd.id),
                Target.dm(organizer[1]),
                report,
                now,
                member_id=organizer[0],
                expires_at=now + cadence.length,
                mentions=facts.named,
            )
        return RoundReport(
            rnd.number,
            [[m.name for m in g.members] for g in outcome.groups],
            [x.member.name for x in outcome.left_out],
            len(paused),
            extra,
            report,
            nxt,
        )

    async def _solve(
        self,
        tenant: Tenant,
        people: Sequence[Enrolled],
        history: Sequence[Sequence[Sequence[int]]],
        blocks: Sequence[tuple[int, int]],
        number: int,
        now: datetime,
        values: CommunityValues,
    ) -> RoundOutcome:
        profiles = await self._app.profiles.all(tenant.id)
        paths = await self._app.paths.progress_all(
            tenant.id, minutes=False
        )  # one batch, not one per member
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
                    paths.get(p.member_id),
                ),
            )
            for p in people
        ]
        # Solving takes seconds for thousands of members: off the event loop, so heartbeats
        # and other members' interactions (which defer after 1 s) are answered meanwhile.
        return await asyncio.to_thread(
            plan,
            participants,
            now.astimezone(cadence_of(values).zone).date(),
            number=number,
            past_rounds=history,
            blocks=blocks,
            group_size=values[GROUP_SIZE],
            repeat_window=values[REPEAT_WINDOW],
            skill_name=self._app.skills.name,
            starts=now,
        )

    async def tick(self, now: datetime) -> int:
        """Start every round whose scheduled time has passed; returns how many started."""
        started, queued = 0, False
        for tenant_id, first_joined in await self._repo.enrolled_tenants():
            if not await self._app.runs_jobs_for(tenant_id):
                continue  # the bot was removed from it, or another shard owns it
            cadence = cadence_of(await self._app.community.get(tenant_id))
            due = cadence.due(now)
            # a round scheduled before anyone joined is not caught up on
            if due is None or due[1] < first_joined:
                continue
            async with self._app.db.transaction() as tx:
                if await period_taken(tx, tenant_id, due[0]):
                    continue  # an organizer ran this period's round, or nobody was in
            tenant = await self._app.tenants.get(tenant_id)
            if tenant is None:
                continue
            if isinstance(await self.run(tenant, now, scheduled=due[0]), RoundReport):
                started += 1
            queued = True  # a round, or the notes of a start with nobody to pair
        if queued:
            self._app.sender.kick()
        return started

    async def followup_tick(self, now: datetime) -> int:
        """Ask each group of a round that reached mid-round whether they met, and each pair
        /buddy rematch made after that at its own midpoint."""
        asked = 0
        for rnd in await self._repo.due_followups(now):
            if not await self._app.runs_jobs_for(rnd.tenant_id):
                continue
            groups = await self._repo.round_groups(rnd.tenant_id, rnd.id)
            async with self._app.db.transaction() as tx:
                if not await claims.claim(tx, rnd.tenant_id, FOLLOWUP_JOB, str(rnd.id), now):
                    continue
                for group in groups:
                    asked += await self._rooms.ask_met(tx, rnd, group, now)
        for group in await self._repo.due_late_followups(now):  # pairs made by /buddy rematch
            if not await self._app.runs_jobs_for(group.tenant_id):
                continue
            async with self._app.db.transaction() as tx:
                key = f"group-{group.id}"
                if await claims.claim(tx, group.tenant_id, FOLLOWUP_JOB, key, now):
                    asked += await self._rooms.ask_met(tx, group.round, group, now)
        if asked:
            self._app.sender.kick()
        return asked
