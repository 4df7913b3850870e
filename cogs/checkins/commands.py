"""/checkin and what follows it: another session, an edit, a delete, a blocker solved.

Nothing a member types destroys a check-in: a second /checkin adds a session to the day, an
edit changes only what it is given, a delete asks first, and a first word that names one of
those actions ("undo", "fix") is never saved as check-in text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated

from bot import streaks
from bot.app import App
from bot.blockers import BLOCKER_DAYS, is_blocker
from bot.commands import (
    NO_SKILLS,
    TODAY,
    CommandError,
    DayRef,
    Invocation,
    Opt,
    Reply,
    SkillList,
    command,
)
from bot.events import CheckinRecorded
from bot.localtime import ZoneSource
from bot.ports import Button, Message
from bot.storage.checkins import MAX_DAY_MINUTES, CheckinRepo, SavedCheckin
from bot.streaks import Streak
from bot.text import long_date, plural
from bot.timezones import describe
from cogs.checkins.days import (
    MemberDay,
    loggable_day,
    member_day,
    when,
    zone_advice,
    zone_origin,
)
from cogs.checkins.forms import CHECKIN_FORM, TEXT_LIMIT, edit_form
from cogs.checkins.reminders import ReminderCommands

log = logging.getLogger(__name__)

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
# `/checkin remind:off` parses as a check-in whose text is "remind:off": it means the reminder.
_REMIND_SLIP = re.compile(r"remind\s*:\s*(\S+)", re.IGNORECASE)
# A first word that names an action is that action, never the text of a check-in.
_ACTIONS = {
    "edit": "checkin edit",
    "fix": "checkin edit",
    "change": "checkin edit",
    "correct": "checkin edit",
    "update": "checkin edit",
    "delete": "checkin delete",
    "remove": "checkin delete",
    "undo": "checkin delete",
    "cancel": "checkin delete",
}
_DAY_WORDS = {"today": DayRef(back=0), "yesterday": DayRef(back=1)}

Did = Annotated[str, Opt("what you did", primary=True, max_length=TEXT_LIMIT)]
Next = Annotated[str, Opt("what you will do next", max_length=TEXT_LIMIT, aliases=("todo",))]
Blockers = Annotated[
    str,
    Opt(
        "anything blocking you; quoted in the weekly digest so a peer can help",
        max_length=TEXT_LIMIT,
        aliases=("blocker", "blocked", "stuck"),
    ),
]
Skills = Annotated[
    SkillList, Opt("skills you practised, comma-separated", aliases=("skill", "tags", "tag"))
]
Minutes = Annotated[
    int | None,
    Opt(
        "minutes spent (45, 45min, 1h30)",
        min=1,
        max=MAX_DAY_MINUTES,
        aliases=("min", "mins", "minute", "time"),
        unit="minutes",
    ),
]
Day = Annotated[
    DayRef,
    Opt("which day: today (default), yesterday, a weekday, or a date", aliases=("date", "on")),
]


def _ordinal(n: int) -> str:
    return ORDINALS[n - 1] if n <= len(ORDINALS) else f"{n}th"


class CheckinCommands:
    def __init__(self, app: App, repo: CheckinRepo, reminders: ReminderCommands) -> None:
        self._app = app
        self._repo = repo
        self._reminders = reminders

    @command(
        "checkin",
        "Check in: what you did, what's next, blockers, skills, minutes (again later: a session).",
        form=CHECKIN_FORM,
        examples=(
            '/checkin did:"Dockerised my Flask app" next:"compose file" skills:docker minutes:45',
            "/checkin finished the SQL joins chapter skills: sql minutes: 40",
            "/checkin yesterday: read about git rebase",
            "/checkin",
        ),
    )
    async def checkin(
        self,
        inv: Invocation,
        *,
        did: Did,
        next: Next = "",
        blockers: Blockers = "",
        skills: Skills = NO_SKILLS,
        minutes: Minutes = None,
        day: Day = TODAY,
    ) -> Reply:
        slip = _REMIND_SLIP.fullmatch(did)
        if slip:
            remind = self._app.commands.get("checkin remind")
            assert remind is not None
            return await self._reminders.remind(replace(inv, command=remind), time=slip[1])
        first, _, rest = did.partition(" ")
        word = first.lower().rstrip(":")
        if word in _ACTIONS:
            action = self._app.commands.get(_ACTIONS[word])
            raise CommandError(
                f"Did you mean /{_ACTIONS[word]}? Nothing was saved: {word!r} is not a check-in.",
                action or inv.command,
            )
        if word in _DAY_WORDS and day == TODAY and rest.strip():
            day, did = _DAY_WORDS[word], rest.strip()  # "/checkin yesterday: did sql joins"
        md = await member_day(self._app, inv.tenant, inv.member, inv.now)
        on = loggable_day(md, day, inv)
        blocker = blockers if is_blocker(blockers) else ""
        saved = await self._repo.save(
            inv.tenant.id,
            inv.member.id,
            on,
            md.zone.key,
            inv.now,
            did=did,
            next=next,
            blockers=blocker,
            minutes=minutes,
            skills=skills,
        )
        notes = await self._publish(inv, saved, on, did, skills, minutes)
        lines = [self._headline(md, on, saved)]
        logged = [f"{minutes} min"] if minutes else []
        if skills:
            logged.append(self._app.skills.names(skills))
        if logged:
            lines.append("Logged: " + " · ".join(logged))
        lines += self._streak_lines(md, on, saved)
        lines += notes
        buttons: tuple[Button, ...] = ()
        if blocker:
            lines.append(
                "Blocker noted: the weekly digest quotes it so a peer who knows the skill can "
                "help. It stays open until you mark it solved (/checkin solved)."
            )
            buttons = (Button("Solved it", "checkin solved"),)
        first_checkin = len(saved.dates) == 1 and saved.sessions == 1
        if first_checkin and md.zone_source is not ZoneSource.PROFILE:
            lines.append(
                f"(Your day follows {zone_origin(self._app, md)}, {describe(md.zone.key)}, "
                f"where it is {long_date(md.today)}. {zone_advice(md)})"
            )
        return Reply(text="\n".join(lines), buttons=buttons)

    def _headline(self, md: MemberDay, on: date, saved: SavedCheckin) -> str:
        day = long_date(on)
        if saved.sessions == 1:
            backfilled = "" if on == md.today else f" ({when(md, on)})"
            return f"Checked in for {day}{backfilled}."
        total = f", {saved.minutes} min in total" if saved.minutes else ""
        capped = (
            f" (a day records at most {MAX_DAY_MINUTES})"
            if saved.minutes == MAX_DAY_MINUTES
            else ""
        )
        return f"Checked in for {day}: {_ordinal(saved.sessions)} session {when(md, on)}{total}{capped}."

    def _streak_lines(self, md: MemberDay, on: date, saved: SavedCheckin) -> list[str]:
        after = streaks.compute(saved.dates, md.today, md.freezes)
        before = (
            after
            if saved.updated
            else streaks.compute([d for d in saved.dates if d != on], md.today, md.freezes)
        )
        lines = [_streak_line(after)]
        yesterday = md.today - timedelta(days=1)
        if not saved.updated and on == md.today and yesterday in after.frozen:
            lines.append(
                f"{streaks.MARK_FROZEN} A streak freeze covered {long_date(yesterday)} "
                f"({after.freezes_left} left this week)."
            )
        reached = streaks.milestone(before, after)
        if reached:
            lines.append(f"🎉 Milestone: {reached} days in a row!")
        return lines

    async def _publish(
        self,
        inv: Invocation,
        saved: SavedCheckin,
        on: date,
        did: str,
        skills: tuple[str, ...],
        minutes: int | None,
    ) -> list[str]:
        """Tell other cogs, and return the lines they add to the reply; the check-in is saved,
        so their failure must not undo the reply."""
        event = CheckinRecorded(
            tenant=inv.tenant,
            member=inv.member,
            checkin_id=saved.id,
            local_date=on,
            did=did,
            skills=skills,
            minutes=minutes,
            updated=saved.updated,
            session=saved.sessions,
        )
        try:
            return await self._app.events.publish(event)
        except Exception:
            log.exception("a CheckinRecorded handler failed for check-in %s", saved.id)
            return []

    # --- changing a day ----------------------------------------------------------------------

    @command(
        "checkin edit",
        "Change a day's check-in: opens it in the form, or give the fields to change.",
        examples=("/checkin edit", "/checkin edit day:yesterday", "/checkin edit minutes:50"),
    )
    async def edit(
        self,
        inv: Invocation,
        *,
        did: Annotated[str, Opt("what you did", max_length=TEXT_LIMIT)] = "",
        next: Next = "",
        blockers: Blockers = "",
        skills: Annotated[
            SkillList | None, Opt("skills you practised (replaces the day's)", aliases=("skill",))
        ] = None,
        minutes: Minutes = None,
        day: Day = TODAY,
    ) -> Reply:
        md = await member_day(self._app, inv.tenant, inv.member, inv.now)
        on = day.resolve(md.today)
        current = await self._repo.day(inv.tenant.id, inv.member.id, on)
        if current is None:
            raise CommandError(
                f"You have no check-in for {long_date(on)} to edit; check in with /checkin"
                f"{'' if on == md.today else ' day:' + on.isoformat()}.",
                inv.command,
            )
        if not (did or next or blockers or skills is not None or minutes):
            form = edit_form(current, on)
            return Reply(text=form.title, form=form)
        await self._repo.replace(
            inv.tenant.id,
            inv.member.id,
            on,
            inv.now,
            did=did or current.did,
            next=next or current.next,
            blockers=(blockers if is_blocker(blockers) else "") if blockers else current.blockers,
            minutes=minutes or current.minutes,
            skills=current.skills if skills is None else skills,
        )
        changed = [
            name
            for name, value in (
                ("what you did", did),
                ("what's next", next),
                ("blockers", blockers),
                ("minutes", minutes),
            )
            if value
        ]
        if skills is not None:
            changed.append("skills")
        return Reply(text=f"Updated your check-in for {long_date(on)}: {', '.join(changed)}.")

    @command(
        "checkin delete",
        "Delete a day's check-in (asks to confirm first).",
        examples=("/checkin delete", "/checkin delete day:yesterday confirm:yes"),
    )
    async def delete(
        self,
        inv: Invocation,
        *,
        day: Day = TODAY,
        confirm: Annotated[bool | None, Opt("yes to delete, no to keep")] = None,
    ) -> Reply:
        md = await member_day(self._app, inv.tenant, inv.member, inv.now)
        on = day.resolve(md.today)
        current = await self._repo.day(inv.tenant.id, inv.member.id, on)
        if current is None:
            raise CommandError(f"You have no check-in for {long_date(on)}.", inv.command)
        if confirm is None:
            line = f"checkin delete day:{on.isoformat()}"
            summary = current.did.replace("\n", " · ")
            return Reply(
                text=f"Delete your check-in for {long_date(on)} ({summary[:120]})? Its minutes, "
                "skills and blocker go with it, and your streak is counted without that day. "
                f"Confirm with /{line} confirm:yes",
                buttons=(
                    Button("Delete it", f"{line} confirm:yes", "danger"),
                    Button("Keep it", f"{line} confirm:no"),
                ),
            )
        # Answered: the question that was clicked keeps no buttons to answer it twice.
        answered = Message(f"Check-in for {long_date(on)}: {'deleted' if confirm else 'kept'}.")
        if not confirm:
            return Reply(text=f"Kept your check-in for {long_date(on)}.", replaces_clicked=answered)
        await self._repo.delete(inv.tenant.id, inv.member.id, on)
        dates = await self._repo.dates(inv.tenant.id, inv.member.id)
        after = streaks.compute(dates, md.today, md.freezes)
        return Reply(
            text=f"Deleted your check-in for {long_date(on)}.\n{_streak_line(after)}",
            replaces_clicked=answered,
        )

    @command(
        "checkin solved",
        "Mark your latest open blocker (or the one given) solved.",
        examples=("/checkin solved", "/checkin solved blocker:12"),
    )
    async def solved(
        self,
        inv: Invocation,
        *,
        blocker: Annotated[
            int | None, Opt("which blocker (its number, from /stats)", min=1)
        ] = None,
    ) -> Reply:
        open_ones = await self._repo.open_blockers(
            inv.tenant.id, inv.member.id, inv.now - timedelta(days=BLOCKER_DAYS)
        )
        chosen = next((b for b in open_ones if blocker in (None, b.id)), None)
        if chosen is None and blocker is not None:
            # Not among the member's open ones: a digest's button clicked by someone else, a
            # second click, or one past BLOCKER_DAYS. Say which; its author may still close it.
            found = await self._repo.blocker(inv.tenant.id, blocker)
            if found is None:
                raise CommandError(f"There is no blocker #{blocker}.", inv.command)
            if found.member_id != inv.member.id:
                return Reply(
                    text=f"Blocker #{blocker} is {found.author}'s; only they can mark it solved.",
                    error=True,
                )
            if found.solved:
                return Reply(text=f"Your blocker #{blocker} is already marked solved.")
            chosen = found.blocker
        if chosen is None:
            return Reply(text="You have no open blocker. Nice!")
        await self._repo.solve(inv.tenant.id, inv.member.id, chosen.id, inv.now)
        lines = [f"Marked solved: “{chosen.text[:120]}” (from {long_date(chosen.local_date)})."]
        rest = [b for b in open_ones if b.id != chosen.id]
        if rest:
            lines.append("Still open: " + "; ".join(f"#{b.id} “{b.text[:40]}”" for b in rest))
        return Reply(text="\n".join(lines))


def _streak_line(streak: Streak) -> str:
    return f"🔥 Streak: {plural(streak.current, 'day')} (longest {plural(streak.longest, 'day')})"
