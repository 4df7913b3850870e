"""/buddy: study-buddy matching rounds, private rooms with intros, follow-ups, pause and block.

A round (scheduled by the community's cadence, or `/admin match now`) is claimed and written in
one transaction: groups, intros to each group's room and notes to anyone left out, so a crash
leaves either the whole round or nothing. Grouping and texts come from `bot.matching.round`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import Command, CommandError, Invocation, Option, OptionType, Reply
from bot.community import Setting
from bot.events import CheckinRecorded
from bot.localtime import zone_for
from bot.matching.round import (
    GROUP_SIZES,
    HISTORY_ROUNDS,
    PAUSE_AFTER_MISSED,
    WEEKDAYS,
    Cadence,
    Participant,
    describe_cadence,
    group_title,
    hours_text,
    local_windows,
    match_profile,
    names_text,
    plan,
    shared_windows,
)
from bot.personal_data import PersonalData
from bot.ports import Button, Message
from bot.scheduling import Job
from bot.storage import claims
from bot.storage.buddies import Buddy, BuddyRepo, Group, GroupMember
from bot.storage.checkins import CheckinRepo
from bot.storage.db import Tx
from bot.storage.models import Member, Profile, Tenant
from bot.storage.outbox import Target, enqueue
from bot.streaks import pair_streak

ROUND_JOB = "buddy-round"
FOLLOWUP_JOB = "buddy-followup"
DAY, TIME, EVERY = "buddy_day", "buddy_time", "buddy_every_weeks"
SIZE, REPEAT = "buddy_group_size", "buddy_repeat_window"
CHANNEL = "pairing_channel"  # the Discord adapter reads this key for private threads
MAX_PAUSE_WEEKS = 12


def _show_channel(value: str) -> str:
    return f"#{value}" if value else "not set (where rooms need a channel, members get DMs)"


SETTINGS = (
    Setting(DAY, "monday", "weekday buddy rounds start on"),
    Setting(TIME, "10:00", "time buddy rounds start, community time"),
    Setting(EVERY, "1", "weeks between buddy rounds", lambda v: f"every {v} week(s)"),
    Setting(SIZE, "2", "buddy group size (odd counts get one trio)"),
    Setting(REPEAT, "6", "rounds before two buddies may be paired again"),
    Setting(CHANNEL, "", "channel where buddy rooms (private threads) are opened", _show_channel),
)


def cadence_of(values: dict[str, str]) -> Cadence:
    return Cadence(
        weekday=WEEKDAYS.index(values[DAY]),
        at=time.fromisoformat(values[TIME]),
        every_weeks=int(values[EVERY]),
        zone=ZoneInfo(values.get("timezone") or "UTC"),
    )


def _when(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%a %d %b, %H:%M} ({zone.key})"


@dataclass(frozen=True)
class RoundReport:
    number: int
    groups: list[list[str]]
    left_out: list[str]
    paused: int


class Buddies:
    def __init__(self, app: App) -> None:
        self._app = app
        self._repo = BuddyRepo(app.db)
        self._checkins = CheckinRepo(app.db)

    # --- helpers ------------------------------------------------------------------------------

    async def _zone(self, inv: Invocation) -> ZoneInfo:
        """The invoking member's zone (their profile's, read with the member), else the community's."""
        settings = await self._app.community.get(inv.tenant.id)
        return zone_for(inv.member.timezone, settings.get("timezone"))

    async def _enrolled(self, inv: Invocation) -> Buddy:
        buddy = await self._repo.get(inv.tenant.id, inv.member.id)
        if buddy is None or buddy.status == "left":
            raise CommandError("You are not in buddy matching; join with /buddy join.", inv.command)
        return buddy

    async def _current(self, inv: Invocation) -> Group:
        group = await self._repo.current_group(inv.tenant.id, inv.member.id)
        if group is None:
            raise CommandError(
                "You have no buddy group this round. /buddy status shows when the next round "
                "starts.",
                inv.command,
            )
        return group

    @staticmethod
    def _target(group: Group) -> Target:
        present = [m for m in group.members if m.left_at is None and m.external_id]
        title = group_title([m.display_name for m in group.members], group.round.number)
        return Target.room(group.room_key, tuple(str(m.external_id) for m in present), title)

    async def _post(
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

    # --- member commands ----------------------------------------------------------------------

    async def join(self, inv: Invocation) -> Reply:
        before = await self._repo.get(inv.tenant.id, inv.member.id)
        await self._repo.join(inv.tenant.id, inv.member.id, inv.now)
        values = await self._app.community.get(inv.tenant.id)
        zone = await self._zone(inv)
        nxt = _when(cadence_of(values).next_start(inv.now), zone)
        if before is not None and before.status == "active":
            text = f"You are already in buddy matching. Next round: {nxt}."
        else:
            text = (
                f"You're in! Next round: {nxt}. You'll get a private room with your buddy and "
                "a note on why you were matched."
            )
        profile = await self._app.profiles.get(inv.tenant.id, inv.member.id)
        if profile.goal is None or not profile.learning or profile.hours is None:
            text += (
                "\nTip: matches fit better with a full profile, e.g. /profile set goal:internship "
                "learning:docker,sql level:beginner hours:18:00-21:00 timezone:Europe/Berlin"
            )
        return Reply(text=text)

    async def leave(self, inv: Invocation) -> Reply:
        await self._enrolled(inv)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "left", inv.now)
        return Reply(
            text="You have left buddy matching; you won't be in future rounds. Your current "
            "group stays as it is. Come back any time with /buddy join."
        )

    async def pause(self, inv: Invocation) -> Reply:
        await self._enrolled(inv)
        weeks = int(inv.args["weeks"])
        until = inv.now + timedelta(weeks=weeks)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "paused", inv.now, until)
        zone = await self._zone(inv)
        return Reply(
            text=f"Paused for {weeks} week{'s' if weeks != 1 else ''}, until {_when(until, zone)}. "
            "You'll be back automatically in the first round after that; /buddy resume brings "
            "you back sooner."
        )

    async def resume(self, inv: Invocation) -> Reply:
        buddy = await self._enrolled(inv)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "active", inv.now)
        values = await self._app.community.get(inv.tenant.id)
        zone = await self._zone(inv)
        nxt = _when(cadence_of(values).next_start(inv.now), zone)
        if not buddy.paused_at(inv.now):
            return Reply(text=f"You were not paused; you're in the next round ({nxt}).")
        return Reply(text=f"Welcome back! You're in the next round ({nxt}).")

    async def status(self, inv: Invocation) -> Reply:
        buddy, group = await asyncio.gather(  # independent reads, queued together
            self._repo.get(inv.tenant.id, inv.member.id),
            self._repo.current_group(inv.tenant.id, inv.member.id),
        )
        values = await self._app.community.get(inv.tenant.id)
        zone = await self._zone(inv)
        lines = ["**Your study buddy status**"]
        if buddy is None or buddy.status == "left":
            lines.append("Matching: not joined (/buddy join)")
        elif buddy.paused_at(inv.now):
            until = _when(buddy.paused_until, zone) if buddy.paused_until else "you resume"
            lines.append(f"Matching: paused until {until} (/buddy resume)")
        else:
            lines.append("Matching: on")
        if group is None:
            lines.append("Current buddy: none this round")
        else:
            lines += await self._group_lines(inv, group, zone)
        if buddy is not None and buddy.status != "left":
            share = "on" if buddy.share_checkins else "off"
            lines.append(f"Check-in summaries to your buddy room: {share} (/buddy share)")
            lines.append(f"Next round: {_when(cadence_of(values).next_start(inv.now), zone)}")
        return Reply(text="\n".join(lines))

    async def _group_lines(self, inv: Invocation, group: Group, zone: ZoneInfo) -> list[str]:
        others = [m for m in group.others(inv.member.id) if m.left_at is None]
        names = names_text([m.display_name for m in others]) if others else "nobody (they left)"
        title = group_title([m.display_name for m in group.members], group.round.number)
        lines = [f"Current buddy: {names} (round {group.round.number}, room {title!r})"]
        ids = [m.member_id for m in group.members if m.member_id and m.left_at is None]
        settings = await self._app.community.get(inv.tenant.id)
        community = settings.get("timezone") or "UTC"
        profiles = [
            match_profile(mid, await self._app.profiles.get(inv.tenant.id, mid), community)
            for mid in ids
        ]
        today = inv.now.astimezone(zone).date()
        windows = shared_windows(profiles, today)
        if windows:
            total = sum((e - s).total_seconds() for s, e in windows) / 3600
            overlap = f"{hours_text(total)}, {local_windows(windows, zone.key)} your time"
        else:
            overlap = "none" if windows is not None else "unknown (set /profile set hours:...)"
        lines.append(f"Study hours in common: {overlap}")
        dates = await self._checkins.dates_for(inv.tenant.id, ids)
        mine = dates.get(inv.member.id, [])
        others_dates = [set(dates.get(m.member_id, [])) for m in others if m.member_id]
        together = set.intersection(*others_dates) if others_dates else set()
        streak = pair_streak(mine, together, today)
        lines.append(f"Pair streak: {streak} day{'s' if streak != 1 else ''} you all checked in")
        me = group.member(inv.member.id)
        answer = {None: "not answered yet (/buddy met answer:yes|no)", True: "yes", False: "no"}
        lines.append(f"Did you meet: {answer[me.met if me else None]}")
        return lines

    async def block(self, inv: Invocation) -> Reply:
        other: Member = inv.args["user"]
        if other.id == inv.member.id:
            raise CommandError("You can't block yourself.", inv.command)
        added = await self._repo.block(inv.tenant.id, inv.member.id, other.id, inv.now)
        if not added:
            return Reply(text=f"{other.label} is already on your block list.")
        return Reply(
            text=f"Blocked {other.label}: you will never be paired with them. They are not told. "
            "Undo with /buddy unblock."
        )

    async def unblock(self, inv: Invocation) -> Reply:
        other: Member = inv.args["user"]
        if not await self._repo.unblock(inv.tenant.id, inv.member.id, other.id):
            raise CommandError(f"{other.label} is not on your block list.", inv.command)
        return Reply(text=f"Unblocked {other.label}: you may be paired again in future rounds.")

    async def history(self, inv: Invocation) -> Reply:
        groups = await self._repo.groups_of(inv.tenant.id, inv.member.id)
        zone = await self._zone(inv)
        answer = {None: "not answered", True: "met", False: "did not meet"}
        lines = ["**Your buddy history** (newest first)"]
        if not groups:
            lines = ["No buddy groups for you yet. /buddy join to take part."]
        for g in groups:
            others = names_text([m.display_name for m in g.others(inv.member.id)])
            me = g.member(inv.member.id)
            day = g.round.started_at.astimezone(zone)
            lines.append(
                f"Round {g.round.number} ({day:%d %b %Y}): {others} - "
                f"{answer[me.met if me else None]}"
            )
        blocked = await self._repo.blocked_by(inv.tenant.id, inv.member.id)
        if blocked:
            lines.append(f"You blocked: {', '.join(blocked)} (only you see this)")
        return Reply(text="\n".join(lines))

    async def met(self, inv: Invocation) -> Reply:
        group = await self._current(inv)
        yes = inv.args["answer"] == "yes"
        await self._repo.set_met(inv.tenant.id, group.id, inv.member.id, yes, inv.now)
        if yes:
            return Reply(text="Great, recorded that you met. Keep each other going!")
        return Reply(
            text="Thanks, recorded that you haven't met yet. There's still time this round: "
            "suggest a slot in your buddy room, or send a /buddy nudge."
        )

    async def nudge(self, inv: Invocation) -> Reply:
        group = await self._current(inv)
        others = [m for m in group.others(inv.member.id) if m.left_at is None and m.external_id]
        if not others:
            raise CommandError("Your buddy has left; there is nobody to nudge.", inv.command)
        zone = await self._zone(inv)
        today = inv.now.astimezone(zone).date()
        if not await self._repo.mark_nudged(inv.tenant.id, inv.member.id, today):
            raise CommandError(
                "You already nudged your buddy today; you can nudge again tomorrow.", inv.command
            )
        text = (
            f"{inv.member.label} sends you a friendly nudge: how is your studying going? "
            "Check in with /checkin and say hi in your buddy room."
        )
        async with self._app.db.transaction() as tx:
            for m in others:
                await enqueue(
                    tx,
                    inv.tenant.id,
                    f"buddy-nudge:{inv.tenant.id}:{inv.member.id}:{today}:{m.member_id}",
                    Target.dm(str(m.external_id)),
                    Message(text),
                    inv.now,
                    member_id=m.member_id,
                )
        names = names_text([m.display_name for m in others])
        return Reply(text=f"Nudge sent to {names}. You can nudge once a day.")

    async def share(self, inv: Invocation) -> Reply:
        await self._enrolled(inv)
        on = bool(inv.args["checkins"])
        await self._repo.set_share(inv.tenant.id, inv.member.id, on, inv.now)
        if on:
            return Reply(text="Your check-ins will be summed up in one line in your buddy room.")
        return Reply(text="Your check-ins will no longer be posted to your buddy room.")

    # --- admin commands -----------------------------------------------------------------------

    async def match_now(self, inv: Invocation) -> Reply:
        report = await self.run_round(inv.tenant, None, inv.now)
        assert report is not None  # a manual period is always new
        lines = [f"Round {report.number} started: {len(report.groups)} group(s)."]
        if not report.groups and not report.left_out:
            lines.append("Nobody is taking part right now; members join with /buddy join.")
        lines += [f"• {names_text(g)}" for g in report.groups]
        trios = sum(len(g) == 3 for g in report.groups)
        if trios:
            lines.append(f"{trios} trio(s), so nobody is left out over an odd count.")
        if report.left_out:
            lines.append(f"Left out (each told why): {', '.join(report.left_out)}")
        if report.paused:
            lines.append(f"Paused for inactivity (each told how to resume): {report.paused}")
        return Reply(text="\n".join(lines))

    async def configure(self, inv: Invocation) -> Reply:
        args = inv.args
        changes: dict[str, str | None] = {}
        if "day" in args:
            changes[DAY] = str(args["day"])
        if "time" in args:
            changes[TIME] = f"{args['time']:%H:%M}"
        if "every" in args:
            changes[EVERY] = str(args["every"])
        if "size" in args:
            changes[SIZE] = str(args["size"])
        if "repeat" in args:
            changes[REPEAT] = str(args["repeat"])
        if "channel" in args:
            changes[CHANNEL] = str(args["channel"])
        if changes:
            await self._app.community.set(inv.tenant.id, changes)
        values = await self._app.community.get(inv.tenant.id)
        head = "Saved." if changes else "Buddy matching settings (change them with options):"
        return Reply(
            text=f"{head}\nRounds: {describe_cadence(cadence_of(values))}\n"
            f"Group size: {values[SIZE]} (one trio when the count is odd)\n"
            f"No repeat partners within: {values[REPEAT]} rounds\n"
            f"Rooms: {_show_channel(values[CHANNEL])}"
        )

    # --- the round ----------------------------------------------------------------------------

    async def run_round(
        self, tenant: Tenant, period: str | None, now: datetime
    ) -> RoundReport | None:
        """Run one round for `period` (None: a manual round); None if it was already claimed."""
        values = await self._app.community.get(tenant.id)
        community = values.get("timezone") or "UTC"
        cadence = cadence_of(values)
        repeat = int(values[REPEAT])
        profiles = await self._app.profiles.all(tenant.id)
        async with self._app.db.transaction() as tx:
            if period is None:
                period = f"manual-{await self._repo.next_round_number(tx, tenant.id)}"
            if not await claims.claim(tx, tenant.id, ROUND_JOB, period, now):
                return None
            paused = await self._repo.close_open_rounds(tx, tenant.id, now, PAUSE_AFTER_MISSED)
            for member_id, external_id in paused:
                await enqueue(
                    tx,
                    tenant.id,
                    f"buddy-autopause:{tenant.id}:{period}:{member_id}",
                    Target.dm(external_id),
                    Message(_AUTOPAUSED),
                    now,
                    member_id=member_id,
                )
            # A round with nobody in it is still recorded, so numbers (and manual keys) move on.
            people = await self._repo.participants(tx, tenant.id, now)
            past = await self._repo.past_groups(tx, tenant.id, max(repeat, HISTORY_ROUNDS))
            blocks = await self._repo.blocks(tx, tenant.id)
            rnd = await self._repo.create_round(
                tx, tenant.id, period, now, cadence.followup_at(now)
            )
            external = {p.member_id: p.external_id for p in people}
            # Solving takes seconds for thousands of members: off the event loop, so heartbeats
            # and other members' interactions (which defer after 1 s) are answered meanwhile.
            outcome = await asyncio.to_thread(
                plan,
                [
                    Participant(
                        p.member_id,
                        p.label,
                        match_profile(
                            p.member_id, profiles.get(p.member_id, Profile(p.member_id)), community
                        ),
                    )
                    for p in people
                ],
                now.astimezone(cadence.zone).date(),
                number=rnd.number,
                past_rounds=past,
                blocks=blocks,
                group_size=int(values[SIZE]),
                repeat_window=repeat,
                skill_name=self._app.skills.name,
            )
            for x, group in enumerate(outcome.groups, start=1):
                room_key = f"buddies-{tenant.id}-{rnd.number}-{x}"
                members = [(m.member_id, m.name) for m in group.members]
                group_id = await self._repo.add_group(tx, tenant.id, rnd.id, room_key, members)
                ids = tuple(external[m.member_id] for m in group.members)
                await self._post(
                    tx,
                    tenant.id,
                    f"buddy-intro:{tenant.id}:{group_id}",
                    Target.room(room_key, ids, group.title),
                    Message(group.intro),
                    now,
                )
            for left in outcome.left_out:
                await enqueue(
                    tx,
                    tenant.id,
                    f"buddy-alone:{tenant.id}:{rnd.id}:{left.member.member_id}",
                    Target.dm(external[left.member.member_id]),
                    Message(f"**Buddy round {rnd.number}**\n{left.reason}"),
                    now,
                    member_id=left.member.member_id,
                )
        return RoundReport(
            rnd.number,
            [[m.name for m in g.members] for g in outcome.groups],
            [x.member.name for x in outcome.left_out],
            len(paused),
        )

    async def rounds_tick(self, now: datetime) -> int:
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
            if tenant is not None and await self.run_round(tenant, due[0], now) is not None:
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
                    target = self._target(group)
                    if len(target.members) < 2:
                        continue  # their buddy left; they were told then
                    await self._post(
                        tx,
                        rnd.tenant_id,
                        f"buddy-followup:{rnd.tenant_id}:{group.id}",
                        target,
                        Message(_FOLLOWUP.format(number=rnd.number), buttons=_MET_BUTTONS),
                        now,
                    )
                    asked += 1
        if asked:
            self._app.sender.kick()
        return asked

    # --- events -------------------------------------------------------------------------------

    async def on_checkin(self, event: CheckinRecorded) -> None:
        """One line in the buddy room per check-in (and one more if it is updated that day)."""
        tenant, member = event.tenant, event.member
        group = await self._repo.current_group(tenant.id, member.id, sharing_checkins=True)
        if group is None:
            return
        target = self._target(group)
        if len(target.members) < 2:
            return
        text = f"{member.label} {'updated their' if event.updated else 'checked in'}"
        text += f" check-in: {event.did}" if event.updated else f": {event.did}"
        if event.skills:
            text += f" ({self._app.skills.names(event.skills)})"
        if event.minutes:
            text += f", {event.minutes} min"
        kind = "updated" if event.updated else "new"
        async with self._app.db.transaction() as tx:
            await self._post(
                tx,
                tenant.id,
                f"buddy-checkin:{tenant.id}:{event.checkin_id}:{kind}",
                target,
                Message(text),
                self._app.clock.now(),
            )

    async def on_member_left(self, tenant: Tenant, member: Member) -> None:
        group = await self._repo.current_group(tenant.id, member.id)
        async with self._app.db.transaction() as tx:
            await self._repo.leave(tx, tenant.id, member.id, self._app.clock.now())
            if group is None:
                return
            target = self._target(group)
            rest = [m for m in group.others(member.id) if m.left_at is None]
            if not rest:
                return
            remaining = Target.room(
                target.id, tuple(m for m in target.members if m != member.external_id), target.title
            )
            if len(rest) == 1:
                text = (
                    f"{member.label} has left the community, so this buddy group ends here. "
                    "Sorry about that! You'll be matched again in the next round."
                )
            else:
                text = (
                    f"{member.label} has left the community. The two of you carry on as a pair "
                    "this round."
                )
            await self._post(
                tx,
                tenant.id,
                f"buddy-left:{tenant.id}:{group.id}:{member.id}",
                remaining,
                Message(text),
                self._app.clock.now(),
            )

    # --- personal data ------------------------------------------------------------------------

    async def export(self, tenant: Tenant, member: Member) -> dict[str, Any]:
        buddy = await self._repo.get(tenant.id, member.id)
        groups = await self._repo.groups_of(tenant.id, member.id, limit=10_000)
        return {
            "settings": None
            if buddy is None
            else {
                "status": buddy.status,
                "paused_until": buddy.paused_until,
                "share_checkins": buddy.share_checkins,
                "last_nudge_on": buddy.last_nudge_on,
                "joined_at": buddy.joined_at,
            },
            "blocked": await self._repo.blocked_by(tenant.id, member.id),
            "groups": [_exported(g, member.id) for g in groups],
        }

    async def erase(self, tx: Tx, tenant: Tenant, member: Member) -> int:
        return await self._repo.erase(tx, tenant.id, member.id)


def _exported(group: Group, member_id: int) -> dict[str, Any]:
    me: GroupMember | None = group.member(member_id)
    return {
        "round": group.round.number,
        "started_at": group.round.started_at,
        "partners": [m.display_name for m in group.others(member_id)],
        "met": me.met if me else None,
    }


_AUTOPAUSED = (
    f"I've paused your buddy matching: for {PAUSE_AFTER_MISSED} rounds in a row there was no "
    'answer to "Did you meet?" and no check-in. No worries! Type /buddy resume whenever you '
    "want a study buddy again."
)
_FOLLOWUP = (
    "**Did you meet?** We're halfway through buddy round {number}. Did you get together for a "
    "study session? Tap a button, or type /buddy met answer:yes (or no)."
)
_MET_BUTTONS = (
    Button("Yes, we met", "buddy met answer:yes", "primary"),
    Button("Not yet", "buddy met answer:no"),
)


def setup(app: App) -> None:
    cog = Buddies(app)
    app.community.declare(*SETTINGS)
    app.events.subscribe(CheckinRecorded, cog.on_checkin)
    app.on_member_left(cog.on_member_left)
    app.personal_data.register(
        PersonalData(
            name="buddies",
            description="buddy matching settings, your buddy groups and answers, your blocks",
            export=cog.export,
            erase=cog.erase,
        )
    )
    app.add_job(Job(ROUND_JOB, cog.rounds_tick))
    app.add_job(Job(FOLLOWUP_JOB, cog.followup_tick))
    user = Option("user", OptionType.USER, "the member", required=True, primary=True)
    app.add_commands(
        Command("buddy join", "Take part in study-buddy matching.", cog.join),
        Command("buddy leave", "Stop taking part in buddy matching.", cog.leave),
        Command(
            "buddy pause",
            "Skip buddy rounds for a few weeks; you come back automatically.",
            cog.pause,
            options=(
                Option(
                    "weeks",
                    OptionType.INT,
                    "how many weeks to pause",
                    required=True,
                    primary=True,
                    min_value=1,
                    max_value=MAX_PAUSE_WEEKS,
                ),
            ),
            examples=("/buddy pause weeks:2",),
        ),
        Command("buddy resume", "Come back to buddy matching after a pause.", cog.resume),
        Command(
            "buddy status",
            "Your current buddy, room, shared hours, pair streak and the next round.",
            cog.status,
        ),
        Command(
            "buddy block",
            "Never be paired with someone (private: they are not told).",
            cog.block,
            options=(user,),
            examples=("/buddy block user:@alex",),
        ),
        Command(
            "buddy unblock",
            "Allow pairing with someone you blocked.",
            cog.unblock,
            options=(user,),
            examples=("/buddy unblock user:@alex",),
        ),
        Command("buddy history", "Your past buddy groups and whether you met.", cog.history),
        Command(
            "buddy met",
            "Say whether you met your buddy this round.",
            cog.met,
            options=(
                Option(
                    "answer",
                    OptionType.CHOICE,
                    "did you meet?",
                    required=True,
                    primary=True,
                    choices=("yes", "no"),
                ),
            ),
            examples=("/buddy met answer:yes",),
        ),
        Command("buddy nudge", "Send your buddy a friendly reminder (once a day).", cog.nudge),
        Command(
            "buddy share",
            "Post a one-line summary of your check-ins to your buddy room, or stop.",
            cog.share,
            options=(
                Option(
                    "checkins",
                    OptionType.BOOL,
                    "share your check-ins with your buddy",
                    required=True,
                    primary=True,
                ),
            ),
            examples=("/buddy share checkins:no",),
        ),
        Command(
            "admin match now",
            "Start a buddy round now and report the groups.",
            cog.match_now,
            admin=True,
            slow=True,
        ),
        Command(
            "admin buddies",
            "Buddy matching settings: cadence, group size, repeat window, pairing channel.",
            cog.configure,
            admin=True,
            options=(
                Option("day", OptionType.CHOICE, "weekday rounds start on", choices=WEEKDAYS),
                Option("time", OptionType.TIME, "time rounds start, community time zone"),
                Option(
                    "every",
                    OptionType.INT,
                    "weeks between rounds",
                    min_value=1,
                    max_value=8,
                ),
                Option(
                    "size",
                    OptionType.CHOICE,
                    "members per group",
                    choices=tuple(str(s) for s in GROUP_SIZES),
                ),
                Option(
                    "repeat",
                    OptionType.INT,
                    "rounds before the same two may be paired again",
                    min_value=0,
                    max_value=52,
                ),
                Option("channel", OptionType.CHANNEL, "where buddy rooms are opened"),
            ),
            examples=(
                "/admin buddies day:monday time:10:00 every:1",
                "/admin buddies size:3 repeat:6 channel:#study-buddies",
            ),
        ),
    )
