"""/buddy rematch: a new buddy for the rest of the round when yours went quiet.

A buddy is quiet once they did nothing (no check-in, no answer, no Yes) for `QUIET_DAYS` days
of the round. The member who asks leaves that group and is paired with the best-scoring member
who is waiting (taking part, with no group this round: joined since, left out, or asked for a
rematch before and nobody was free); if nobody is, they wait for the next one who asks. The
quiet member's row is marked, so that group never counts as met for them, and their missed
round still counts when the round closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import CommandError, Invocation, Reply, command
from bot.community import TIMEZONE
from bot.localtime import local_date, zone_for
from bot.matching.candidates import history_from_rounds
from bot.matching.round import HISTORY_ROUNDS, Participant, group_title, intro_text, match_profile
from bot.matching.score import score
from bot.paths.progress import PathProgress
from bot.ports import Message
from bot.storage.buddies import BuddyRepo, Enrolled, Group, GroupMember, Round
from bot.storage.db import Tx
from bot.storage.models import Member, Tenant
from bot.storage.outbox import Target, enqueue, message_key
from bot.storage.presence import Activity, PresenceRepo
from bot.text import literal, local_moment, plural
from cogs.buddies.rooms import Rooms, member_ids
from cogs.buddies.settings import QUIET_DAYS, REPEAT_WINDOW

QUIET = timedelta(days=QUIET_DAYS)
NOBODY_FREE = (
    "Nobody is free right now; you're on the waiting list and will be paired when someone is "
    "(or in the next round)."
)
_DID = {"checkin": "checked in", "answer": "answered", "stillin": "said they're in"}


def room_key(tenant_id: int, round_number: int, a: int, b: int) -> str:
    """A rematched pair's room: one per pair and round, so a retry reuses it."""
    return f"buddies-{tenant_id}-{round_number}-rematch-{min(a, b)}-{max(a, b)}"


def _ago(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    days = (local_date(now, zone) - local_date(at, zone)).days
    return {0: "today", 1: "yesterday"}.get(days, f"{plural(days, 'day')} ago")


def moved_on_text(partner: str, number: int) -> str:
    return (
        f"{literal(partner)} has been paired with someone else for the rest of buddy round "
        f"{number}, since there was no check-in or answer from you for {plural(QUIET_DAYS, 'day')}. "
        "You're still enrolled: check in or answer before the next round to be paired again."
    )


class RematchCommands:
    def __init__(self, app: App, repo: BuddyRepo, rooms: Rooms) -> None:
        self._app = app
        self._repo = repo
        self._rooms = rooms
        self._presence = PresenceRepo(app.db)

    @command("buddy rematch", "A new buddy for the rest of this round if yours went quiet.")
    async def rematch(self, inv: Invocation) -> Reply:
        tenant, me = inv.tenant, inv.member
        buddy = await self._repo.get(tenant.id, me.id)
        if buddy is None or not buddy.taking_part(inv.now):
            raise CommandError(
                "You are not taking part in buddy matching right now; /buddy join or "
                "/buddy resume first.",
                inv.command,
            )
        rnd = await self._repo.last_round(tenant.id)
        if rnd is None or rnd.status != "open":
            raise CommandError(
                "There is no buddy round on right now; /buddy status shows when the next "
                "one starts.",
                inv.command,
            )
        values = await self._app.community.get(tenant.id)
        zone = zone_for(me.timezone, me.platform_timezone, values[TIMEZONE])
        group = await self._repo.current_group(tenant.id, me.id)
        if group is not None and group.round.id == rnd.id:
            await self._check_quiet(inv, group, rnd, zone)
        partner = await self._pair(tenant, me, group, rnd, inv.now, values[REPEAT_WINDOW])
        if partner is None:
            return Reply(text=NOBODY_FREE)
        return Reply(
            text=f"You're now paired with {literal(partner.label)} for the rest of round "
            f"{rnd.number}; your new room has an intro to start from."
        )

    async def _check_quiet(self, inv: Invocation, group: Group, rnd: Round, zone: ZoneInfo) -> None:
        """Refuse while a buddy is active, or quiet for less than QUIET_DAYS of this round."""
        others = [m for m in group.others(inv.member.id) if m.left_at is None and m.member_id]
        seen = await self._presence.last_activity(
            inv.tenant.id, [int(m.member_id) for m in others if m.member_id], rnd.started_at
        )
        for other in others:
            last: Activity | None = seen.get(int(other.member_id or 0))
            since = last.at if last is not None else rnd.started_at
            if inv.now - since >= QUIET:
                continue
            name = literal(other.display_name)
            if last is not None:
                raise CommandError(
                    f"{name} {_DID.get(last.kind, 'was here')} {_ago(last.at, inv.now, zone)}; "
                    "try /buddy nudge.",
                    inv.command,
                )
            raise CommandError(
                f"{name} has not checked in since round {rnd.number} started; you can ask "
                f"for a rematch from {local_moment(since + QUIET, zone)} if they stay quiet. "
                "Meanwhile, try /buddy nudge.",
                inv.command,
            )

    async def _pair(
        self,
        tenant: Tenant,
        me: Member,
        group: Group | None,
        rnd: Round,
        now: datetime,
        repeat: int,
    ) -> Enrolled | None:
        """Leave the quiet group and pair with the best waiting member, in one transaction."""
        old = [int(m.member_id) for m in (group.others(me.id) if group else ()) if m.member_id]
        blocks = await self._repo.blocks(self._app.db, tenant.id)
        apart = {b if a == me.id else a for a, b in blocks if me.id in (a, b)}
        history = await self._repo.past_groups(self._app.db, tenant.id, max(repeat, HISTORY_ROUNDS))
        # Read before the transaction, as blocks and history are: the whole community's path
        # positions would hold every other write back while they are read.
        paths = await self._app.paths.progress_all(tenant.id, minutes=False)
        async with self._app.db.transaction() as tx:
            if group is not None and group.round.id == rnd.id:
                await self._move_on(tx, tenant, group, me, now)
            waiting = await self._presence.waiting(tx, tenant.id, rnd.id, now, [me.id, *old])
            waiting = [w for w in waiting if w.member_id not in apart]
            if not waiting:
                return None
            participants = await self._participants(tenant, me, waiting, paths)
            mine, theirs = participants[0], participants[1:]
            day = now.date()
            best = max(
                theirs,
                key=lambda p: (score(mine.profile, p.profile, day), -p.member_id),
            )
            pair = [mine, best]
            key = room_key(tenant.id, rnd.number, me.id, best.member_id)
            # the round's "Did you meet?" went out already: this pair gets its own, halfway
            # through what is left (never in the last 24 hours: see Rooms.ask_met)
            late = now + (rnd.ends_at - now) / 2 if now >= rnd.followup_at else None
            group_id = await self._repo.add_group(
                tx,
                tenant.id,
                rnd.id,
                key,
                [(p.member_id, p.name) for p in pair],
                followup_at=late,
            )
            partner = next(w for w in waiting if w.member_id == best.member_id)
            intro = intro_text(
                pair,
                day,
                rnd.number,
                history_from_rounds(history),
                self._app.skills.name,
                starts=now,
            )
            await self._rooms.post(
                tx,
                tenant.id,
                message_key("buddy-rematch", tenant.id, group_id),
                Target.room(
                    key,
                    (me.external_id, partner.external_id),
                    group_title([p.name for p in pair], rnd.number),
                ),
                Message(f"A new pair for the rest of round {rnd.number}.\n{intro}"),
                now,
                members=[p.member_id for p in pair],
                expires_at=rnd.ends_at,
            )
        self._app.sender.kick()
        return partner

    async def _move_on(
        self, tx: Tx, tenant: Tenant, group: Group, me: Member, now: datetime
    ) -> None:
        """Leave the quiet group; each quiet member is told, once, that their buddy moved on."""
        quiet = await self._presence.move_on(tx, tenant.id, group.id, me.id, now)
        by_id: dict[int, GroupMember] = {int(m.member_id): m for m in group.members if m.member_id}
        for member_id in quiet:
            m = by_id.get(member_id)
            if m is None or not m.external_id:
                continue
            await enqueue(
                tx,
                tenant.id,
                message_key("buddy-moved-on", tenant.id, group.id, member_id),
                Target.dm(m.external_id),
                Message(moved_on_text(me.label, group.round.number)),
                now,
                member_id=member_id,
                expires_at=group.round.ends_at,
                mentions=member_ids(group),
            )

    async def _participants(
        self,
        tenant: Tenant,
        me: Member,
        waiting: list[Enrolled],
        paths: Mapping[int, PathProgress],
    ) -> list[Participant]:
        """The asking member first, then those waiting, as matching sees them (their
        profiles in one read)."""
        community = (await self._app.community.get(tenant.id))[TIMEZONE]
        people = [(me.id, me.label, me.platform_timezone)] + [
            (w.member_id, w.label, w.platform_timezone) for w in waiting
        ]
        profiles = await self._app.profiles.of(tenant.id, [mid for mid, _, _ in people])
        return [
            Participant(
                mid,
                name,
                match_profile(mid, profiles[mid], tz, community, paths.get(mid)),
            )
            for mid, name, tz in people
        ]
