"""No ghosts, before a round: "Still in for next round?" and who a round may pair.

A member who did nothing since the last round (no check-in, no "Did you meet?" answer, no
Yes, not newly joined) is asked, a lead time before the scheduled round, whether they are in.
With the community's `buddy_silence` at `out` (the default) they are only paired if they
answer Yes or check in; with `in`, silence keeps them in. Members who never show up stop
costing their buddies a round each until the two-round auto-pause catches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.app import App
from bot.commands import CommandError, Invocation, Opt, Reply, command
from bot.community import TIMEZONE
from bot.localtime import zone_for
from bot.ports import Button, Message
from bot.storage.buddies import BuddyRepo, Enrolled
from bot.storage.db import Reader
from bot.storage.outbox import Target, enqueue, message_key
from bot.storage.presence import PresenceRepo
from bot.text import local_moment
from cogs.buddies.schedule import next_round_at
from cogs.buddies.settings import SILENCE, STILLIN_HOURS, cadence_of

STILLIN_JOB = "buddy-stillin"
STILLIN_BUTTONS = (
    Button("Yes, I'm in", "buddy stillin answer:yes", "primary"),
    Button("Pause a week", "buddy pause weeks:1"),
)


def still_in_text(start: str, silence: str) -> str:
    otherwise = (
        "If I don't hear from you, you'll sit this round out (no worries, you stay enrolled)."
        if silence == "out"
        else "If I don't hear from you, you stay in."
    )
    return (
        f"**Still in for next round?** The next buddy round starts {start}. I haven't seen a "
        f"check-in or an answer from you since the last one. {otherwise} Tap Yes (or check "
        "in) to be paired, or Pause to skip a week."
    )


class Presence:
    def __init__(self, app: App, repo: BuddyRepo) -> None:
        self._app = app
        self._repo = repo
        self._presence = PresenceRepo(app.db)

    async def present(
        self, reader: Reader, tenant_id: int, period: str | None, people: Sequence[Enrolled]
    ) -> list[Enrolled]:
        """The round's enrolment filter: `people` without those asked "Still in?" about round
        `period` who stayed silent, when silence means out. Manual rounds (None) ask nobody."""
        people = list(people)
        values = await self._app.community.get(tenant_id)
        last = await self._repo.last_round(tenant_id)
        if period is None or last is None or values[SILENCE] != "out":
            return people
        silent = await self._presence.unanswered(reader, tenant_id, period, last.started_at)
        return [p for p in people if p.member_id not in silent]

    async def tick(self, now: datetime) -> int:
        """Ask every silent member once per scheduled round, the lead time before it."""
        asked = 0
        for tenant_id, _ in await self._repo.enrolled_tenants():
            if not await self._app.runs_jobs_for(tenant_id):
                continue  # the bot was removed from it, or another shard owns it
            values = await self._app.community.get(tenant_id)
            cadence = cadence_of(values)
            # the next round that runs: a period an organizer already started is skipped
            start = await next_round_at(self._app.db, tenant_id, cadence, now)
            if now < start - timedelta(hours=values[STILLIN_HOURS]):
                continue
            last = await self._repo.last_round(tenant_id)
            if last is None:
                continue  # nobody has had a round to go quiet in
            period = cadence.period(start)[0]  # the key the round will run under
            async with self._app.db.transaction() as tx:
                silent = await self._presence.silent(tx, tenant_id, last.started_at, start)
                won = await self._presence.mark_asked(
                    tx, tenant_id, [p.member_id for p in silent], period
                )
                for person in (p for p in silent if p.member_id in won):
                    zone = await self._zone(tenant_id, person, values[TIMEZONE])
                    await enqueue(
                        tx,
                        tenant_id,
                        message_key(STILLIN_JOB, tenant_id, period, person.member_id),
                        Target.dm(person.external_id),
                        Message(
                            still_in_text(local_moment(start, zone), values[SILENCE]),
                            buttons=STILLIN_BUTTONS,
                        ),
                        now,
                        member_id=person.member_id,
                        expires_at=start,  # an answer after the round starts changes nothing
                    )
                    asked += 1
        if asked:
            self._app.sender.kick()
        return asked

    async def _zone(self, tenant_id: int, person: Enrolled, community: str) -> ZoneInfo:
        profile = await self._app.profiles.get(tenant_id, person.member_id)
        return zone_for(profile.timezone, person.platform_timezone, community)


class StillInCommands:
    def __init__(self, app: App, repo: BuddyRepo) -> None:
        self._app = app
        self._repo = repo
        self._presence = PresenceRepo(app.db)

    @command(
        "buddy stillin",
        'Answer "Still in for next round?": yes, or no to skip that round.',
        examples=("/buddy stillin answer:yes",),
    )
    async def stillin(
        self,
        inv: Invocation,
        *,
        answer: Annotated[str, Opt("are you in?", primary=True, choices=("yes", "no"))],
    ) -> Reply:
        buddy = await self._repo.get(inv.tenant.id, inv.member.id)
        if buddy is None or buddy.status == "left":
            raise CommandError("You are not in buddy matching; join with /buddy join.", inv.command)
        values = await self._app.community.get(inv.tenant.id)
        zone = zone_for(inv.member.timezone, inv.member.platform_timezone, values[TIMEZONE])
        cadence = cadence_of(values)
        upcoming = await next_round_at(self._app.db, inv.tenant.id, cadence, inv.now)
        start = local_moment(upcoming, zone)
        # Answered: the clicked question keeps no buttons to answer it twice.
        answered = Message(f"Still in for the round on {start}? You said {answer}.")
        if answer == "no":
            # paused past that round's start (even if it runs late), back for the one after
            until = cadence.followup_at(upcoming)
            await self._repo.set_status(inv.tenant.id, inv.member.id, "paused", inv.now, until)
            return Reply(
                text=f"OK, you'll sit out the round on {start} and are back automatically for "
                "the one after. /buddy resume brings you back sooner; /buddy leave stops for good.",
                replaces_clicked=answered,
            )
        await self._presence.say_still_in(inv.tenant.id, inv.member.id, inv.now)
        return Reply(
            text=f"Great, you're in the next round ({start}). I'll pair you then.",
            replaces_clicked=answered,
        )
