"""/buddy: what a member does with study-buddy matching, from joining to nudging a buddy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.community import TIMEZONE
from bot.localtime import zone_for
from bot.matching.round import MAX_PAUSE_WEEKS, group_title, match_profile
from bot.meeting_times import (
    NO_SHARED_HOURS_HELP,
    SET_HOURS,
    WEEK,
    Person,
    hours_of,
    local_windows,
    pair_overlaps,
    pairwise_hours,
    session_for,
    sessions,
    shared_windows,
)
from bot.ports import Message
from bot.storage.buddies import Buddy, BuddyRepo, Group
from bot.storage.checkins import CheckinRepo
from bot.storage.models import Member
from bot.storage.outbox import Target, enqueue, message_key
from bot.streaks import pair_streak
from bot.text import duration, group_names, join, local_moment, plural
from cogs.buddies import texts
from cogs.buddies.schedule import next_round_at
from cogs.buddies.settings import cadence_of

NUDGE_TTL = timedelta(days=1)  # "how is it going today?" means nothing tomorrow
_HISTORY_MET = {None: "not answered", True: "met", False: "did not meet"}

Who = Annotated[Member, Opt("the member", primary=True)]


class MemberCommands:
    def __init__(self, app: App, repo: BuddyRepo) -> None:
        self._app = app
        self._repo = repo
        self._checkins = CheckinRepo(app.db)

    # --- helpers ------------------------------------------------------------------------------

    async def _zone(self, inv: Invocation) -> ZoneInfo:
        """The invoking member's zone (their own or their platform's, read with the member),
        else the community's."""
        settings = await self._app.community.get(inv.tenant.id)
        return zone_for(inv.member.timezone, inv.member.platform_timezone, settings[TIMEZONE])

    async def _next_round(self, inv: Invocation) -> str:
        cadence = cadence_of(await self._app.community.get(inv.tenant.id))
        start = await next_round_at(self._app.db, inv.tenant.id, cadence, inv.now)
        return local_moment(start, await self._zone(inv))

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

    # --- joining and leaving ------------------------------------------------------------------

    @command("buddy join", "Take part in study-buddy matching.")
    async def join(self, inv: Invocation) -> Reply:
        before = await self._repo.get(inv.tenant.id, inv.member.id)
        await self._repo.join(inv.tenant.id, inv.member.id, inv.now)
        nxt = await self._next_round(inv)
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

    @command("buddy leave", "Stop taking part in buddy matching.")
    async def leave(self, inv: Invocation) -> Reply:
        await self._enrolled(inv)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "left", inv.now)
        return Reply(
            text="You have left buddy matching; you won't be in future rounds. Your current "
            "group stays as it is. Come back any time with /buddy join."
        )

    @command(
        "buddy pause",
        "Skip buddy rounds for a few weeks; you come back automatically.",
        examples=("/buddy pause weeks:2",),
    )
    async def pause(
        self,
        inv: Invocation,
        *,
        weeks: Annotated[
            int,
            Opt("how many weeks to pause", primary=True, min=1, max=MAX_PAUSE_WEEKS, unit="weeks"),
        ],
    ) -> Reply:
        await self._enrolled(inv)
        until = inv.now + timedelta(weeks=weeks)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "paused", inv.now, until)
        zone = await self._zone(inv)
        return Reply(
            text=f"Paused for {plural(weeks, 'week')}, until {local_moment(until, zone)}. "
            "You'll be back automatically in the first round after that; /buddy resume brings "
            "you back sooner."
        )

    @command("buddy resume", "Come back to buddy matching after a pause.")
    async def resume(self, inv: Invocation) -> Reply:
        buddy = await self._enrolled(inv)
        await self._repo.set_status(inv.tenant.id, inv.member.id, "active", inv.now)
        nxt = await self._next_round(inv)
        if not buddy.paused_at(inv.now):
            return Reply(text=f"You were not paused; you're in the next round ({nxt}).")
        return Reply(text=f"Welcome back! You're in the next round ({nxt}).")

    # --- where you stand ----------------------------------------------------------------------

    @command(
        "buddy status", "Your current buddy, room, shared hours, pair streak and the next round."
    )
    async def status(self, inv: Invocation) -> Reply:
        buddy, group = await asyncio.gather(  # independent reads, queued together
            self._repo.get(inv.tenant.id, inv.member.id),
            self._repo.current_group(inv.tenant.id, inv.member.id),
        )
        zone = await self._zone(inv)
        lines = ["**Your study buddy status**"]
        if buddy is None or buddy.status == "left":
            lines.append("Matching: not joined (/buddy join)")
        elif buddy.paused_at(inv.now):
            until = local_moment(buddy.paused_until, zone) if buddy.paused_until else "you resume"
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
            lines.append(f"Next round: {await self._next_round(inv)}")
        return Reply(text="\n".join(lines))

    async def _group_lines(self, inv: Invocation, group: Group, zone: ZoneInfo) -> list[str]:
        others = [m for m in group.others(inv.member.id) if m.left_at is None]
        buddies = group_names([m.display_name for m in others]) if others else "nobody (they left)"
        title = group_title([m.display_name for m in group.members], group.round.number)
        lines = [f"Current buddy: {buddies} (round {group.round.number}, room {title!r})"]
        present = [m for m in group.members if m.member_id and m.left_at is None]
        ids = [m.member_id for m in present if m.member_id]
        settings = await self._app.community.get(inv.tenant.id)
        community = settings[TIMEZONE]
        people = [
            Person(
                m.display_name,
                match_profile(
                    m.member_id,
                    await self._app.profiles.get(inv.tenant.id, m.member_id),
                    m.platform_timezone,
                    community,
                ),
            )
            for m in present
            if m.member_id
        ]
        today = inv.now.astimezone(zone).date()
        lines += self._time_lines(inv, people, today, min(group.round.ends_at, inv.now + WEEK))
        dates = await self._checkins.dates_for(inv.tenant.id, ids)
        mine = dates.get(inv.member.id, [])
        others_dates = [set(dates.get(m.member_id, [])) for m in others if m.member_id]
        together = set.intersection(*others_dates) if others_dates else set()
        streak = pair_streak(mine, together, today)
        lines.append(f"Pair streak: {plural(streak, 'day')} you all checked in")
        me = group.member(inv.member.id)
        ask = " (/buddy met answer:yes|no)" if me is not None and me.met is None else ""
        lines.append(f"Did you meet: {texts.answers(group.members)}{ask}")
        return lines

    def _time_lines(
        self, inv: Invocation, people: list[Person], today: date, until: datetime
    ) -> list[str]:
        """Shared hours in the member's own time, sessions until the round ends (at most a
        week), and what to do when the group has no time in common."""
        me = next((p for p in people if p.profile.member_id == inv.member.id), None)
        if me is None:
            return []
        profiles = [p.profile for p in people]
        windows = shared_windows(profiles, today)
        if windows is None:
            if me.profile.hours is None:
                return [f"Study hours in common: unknown (set yours with {SET_HOURS})"]
            missing = [p.name for p in people if p.profile.hours is None]
            verb = "has" if len(missing) == 1 else "have"
            return [f"Study hours in common: unknown ({join(missing)} {verb} not set theirs yet)"]
        if not windows:
            apart = "none"
            if len(people) > 2 and any(h > 0 for _, _, h in pair_overlaps(people, today)):
                apart = f"none all of you share ({pairwise_hours(people, today)})"
            return [f"Study hours in common: {apart}. You can {NO_SHARED_HOURS_HELP}."]
        total = hours_of(windows) * 60
        lines = [
            f"Study hours in common: {duration(total)}, "
            f"{local_windows(windows, me.profile.timezone)} your time"
        ]
        others = [p for p in people if p is not me]
        suggested = sessions(profiles, inv.now, until=until) or []
        if suggested:
            lines.append("Times to meet:")
            lines += [f"• {session_for(s, me.profile, others)}" for s in suggested]
        return lines

    @command("buddy history", "Your past buddy groups and whether you met.")
    async def history(self, inv: Invocation) -> Reply:
        groups = await self._repo.groups_of(inv.tenant.id, inv.member.id)
        zone = await self._zone(inv)
        lines = ["**Your buddy history** (newest first)"]
        if not groups:
            lines = ["No buddy groups for you yet. /buddy join to take part."]
        for g in groups:
            others = group_names([m.display_name for m in g.others(inv.member.id)])
            me = g.member(inv.member.id)
            day = g.round.started_at.astimezone(zone)
            lines.append(
                f"Round {g.round.number} ({day:%d %b %Y}): {others} - "
                f"{_HISTORY_MET[me.met if me else None]}"
            )
        blocked = await self._repo.blocked_by(inv.tenant.id, inv.member.id)
        if blocked:
            lines.append(f"You blocked: {', '.join(blocked)} (only you see this)")
        return Reply(text="\n".join(lines))

    # --- who you are paired with ---------------------------------------------------------------

    @command(
        "buddy block",
        "Never be paired with someone (private: they are not told).",
        examples=("/buddy block user:@alex",),
    )
    async def block(self, inv: Invocation, *, user: Who) -> Reply:
        if user.id == inv.member.id:
            raise CommandError("You can't block yourself.", inv.command)
        added = await self._repo.block(inv.tenant.id, inv.member.id, user.id, inv.now)
        if not added:
            return Reply(text=f"{user.label} is already on your block list.")
        return Reply(
            text=f"Blocked {user.label}: you will never be paired with them. They are not told. "
            "Undo with /buddy unblock."
        )

    @command(
        "buddy unblock",
        "Allow pairing with someone you blocked.",
        examples=("/buddy unblock user:@alex",),
    )
    async def unblock(self, inv: Invocation, *, user: Who) -> Reply:
        if not await self._repo.unblock(inv.tenant.id, inv.member.id, user.id):
            raise CommandError(f"{user.label} is not on your block list.", inv.command)
        return Reply(text=f"Unblocked {user.label}: you may be paired again in future rounds.")

    # --- during a round -----------------------------------------------------------------------

    @command(
        "buddy met",
        "Say whether you met your buddy this round.",
        examples=("/buddy met answer:yes",),
    )
    async def met(
        self,
        inv: Invocation,
        *,
        answer: Annotated[str, Opt("did you meet?", primary=True, choices=("yes", "no"))],
    ) -> Reply:
        group = await self._current(inv)
        yes = answer == "yes"
        me = group.member(inv.member.id)
        before = me.met if me is not None else None
        await self._repo.set_met(inv.tenant.id, group.id, inv.member.id, yes, inv.now)
        members = tuple(
            replace(m, met=yes) if m.member_id == inv.member.id else m for m in group.members
        )
        if self._app.messenger.capabilities.group_rooms:
            clicked = texts.followup(group.round.number, members, in_room=True)
        else:  # the member's own DM: their answer is in, so its buttons go
            clicked = texts.followup_answered(group.round.number, members)
        return Reply(
            text=texts.met_recorded(yes, before, group.others(inv.member.id)),
            replaces_clicked=clicked,
        )

    @command("buddy nudge", "Send your buddy a friendly reminder (once a day).")
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
        async with self._app.db.transaction() as tx:
            for m in others:
                await enqueue(
                    tx,
                    inv.tenant.id,
                    message_key("buddy-nudge", inv.tenant.id, inv.member.id, today, m.member_id),
                    Target.dm(str(m.external_id)),
                    Message(texts.nudge(inv.member)),
                    inv.now,
                    member_id=m.member_id,
                    expires_at=inv.now + NUDGE_TTL,
                    mentions=(inv.member.id,),
                )
        return Reply(
            text=f"Nudge sent to {group_names([m.display_name for m in others])}. "
            "You can nudge once a day."
        )

    @command(
        "buddy share",
        "Post a one-line summary of your check-ins to your buddy room, or stop.",
        examples=("/buddy share checkins:no",),
    )
    async def share(
        self,
        inv: Invocation,
        *,
        checkins: Annotated[bool, Opt("share your check-ins with your buddy", primary=True)],
    ) -> Reply:
        await self._enrolled(inv)
        await self._repo.set_share(inv.tenant.id, inv.member.id, checkins, inv.now)
        if checkins:
            return Reply(text="Your check-ins will be summed up in one line in your buddy room.")
        return Reply(text="Your check-ins will no longer be posted to your buddy room.")
