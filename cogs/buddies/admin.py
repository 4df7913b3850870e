"""/admin buddies and /admin match now: how organizers set up and start buddy rounds."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from bot.app import App
from bot.channel_check import with_channel_check
from bot.commands import (
    ChannelName,
    CommandError,
    Invocation,
    Opt,
    Reply,
    command,
    settings_reply,
)
from bot.community import PAIRING_CHANNEL
from bot.ports import ChannelUse
from bot.storage.buddies import BuddyRepo
from bot.text import WEEKDAYS, group_names, plural
from cogs.buddies.report import names_inline, report_of
from cogs.buddies.rounds import RoundReport, Rounds
from cogs.buddies.settings import (
    EVERY_WEEKS,
    GROUP_SIZE,
    GROUP_SIZE_CHOICES,
    MAX_EVERY_WEEKS,
    MAX_REPEAT_WINDOW,
    MAX_STILLIN_HOURS,
    REPEAT_WINDOW,
    ROUND_DAY,
    ROUND_TIME,
    SILENCE,
    SILENCE_CHOICES,
    STILLIN_HOURS,
    describe,
)
from cogs.buddies.texts import round_mix

INLINE_GROUPS = 10
"""Groups listed in the /admin match now reply itself; more go to its details."""
EXTRA_REPLY = (
    "It is an extra round: this period's scheduled round still runs as planned (unless it "
    "already ran), and these groups count for repeat avoidance like any round."
)


class OrganizerCommands:
    def __init__(self, app: App, repo: BuddyRepo, rounds: Rounds) -> None:
        self._app = app
        self._repo = repo
        self._rounds = rounds

    @command(
        "admin match now",
        "Start this period's buddy round now (or an extra one) and report the groups.",
        admin=True,
        slow=True,
        examples=("/admin match now", "/admin match now extra:yes"),
    )
    async def match_now(
        self,
        inv: Invocation,
        *,
        extra: Annotated[
            bool, Opt("an extra round on top of this period's (it counts as history)")
        ] = False,
    ) -> Reply:
        await self._repo.record_organizer(inv.tenant.id, inv.member.id, inv.now)
        outcome = await self._rounds.run(inv.tenant, inv.now, extra=extra)
        if not isinstance(outcome, RoundReport):
            # None only for a scheduled period; a manual run always says why it did not start
            return Reply(text=outcome.reason if outcome else "No round was started.")
        self._app.sender.kick()
        kind = "Extra round" if outcome.extra else "Round"
        lines = [f"{kind} {outcome.number} started: {plural(len(outcome.groups), 'group')}."]
        if outcome.extra:
            lines.append(EXTRA_REPLY)
        listed = [f"• {group_names(g)}" for g in outcome.groups]
        # a big community's list goes to the details, so the reply fits the platform's limit
        inline = len(listed) <= INLINE_GROUPS
        lines += listed if inline else ["The groups are listed in the details."]
        values = await self._app.community.get(inv.tenant.id)
        mix = round_mix([len(g) for g in outcome.groups], values[GROUP_SIZE])
        if mix:
            lines.append(mix)
        if outcome.left_out:
            lines.append(f"Left out (each told why): {names_inline(outcome.left_out)}")
        if outcome.paused:
            lines.append(f"Paused for inactivity (each told how to resume): {outcome.paused}")
        lines.append(f"Next scheduled round: {outcome.next_round}")
        return Reply(text="\n".join(lines), details=None if inline else "\n".join(listed))

    @command(
        "admin buddies report",
        "The organizer's report of the latest buddy round, or of round N.",
        admin=True,
        examples=("/admin buddies report", "/admin buddies report round:2"),
    )
    async def report(
        self,
        inv: Invocation,
        *,
        round: Annotated[int | None, Opt("round number", primary=True, min=1)] = None,
    ) -> Reply:
        values = await self._app.community.get(inv.tenant.id)
        report = await report_of(self._app.db, self._repo, inv.tenant.id, values, inv.now, round)
        if report is None:
            latest = await self._repo.last_round(inv.tenant.id)
            raise CommandError(
                "No buddy round has run yet; start one with /admin match now."
                if latest is None
                else f"There is no round {round}; the latest is round {latest.number}.",
                inv.command,
            )
        return Reply(text=report.message.text, details=report.message.details)

    @command(
        "admin buddies",
        "Buddy matching settings: cadence, group size, repeat window, pairing channel, silence.",
        admin=True,
        examples=(
            "/admin buddies",
            "/admin buddies day:monday time:10:00 every:1",
            "/admin buddies size:3 repeat:6 channel:#study-buddies",
            "/admin buddies silence:in ask:48",
        ),
    )
    async def configure(
        self,
        inv: Invocation,
        *,
        day: Annotated[str | None, Opt("weekday rounds start on", choices=WEEKDAYS)] = None,
        time: Annotated[time | None, Opt("time rounds start, community time zone")] = None,
        every: Annotated[
            int | None, Opt("weeks between rounds", min=1, max=MAX_EVERY_WEEKS, unit="weeks")
        ] = None,
        size: Annotated[int | None, Opt("members per group", choices=GROUP_SIZE_CHOICES)] = None,
        repeat: Annotated[
            int | None,
            Opt("rounds before the same two may be paired again", min=0, max=MAX_REPEAT_WINDOW),
        ] = None,
        channel: Annotated[ChannelName | None, Opt("where buddy rooms are opened")] = None,
        silence: Annotated[
            str | None,
            Opt('no answer to "Still in?": out of the round, or in', choices=SILENCE_CHOICES),
        ] = None,
        ask: Annotated[
            int | None,
            Opt('hours before a round to ask "Still in?"', min=1, max=MAX_STILLIN_HOURS),
        ] = None,
    ) -> Reply:
        await self._repo.record_organizer(inv.tenant.id, inv.member.id, inv.now)
        changed = await self._app.community.update(
            inv.tenant.id,
            {
                ROUND_DAY: day,
                ROUND_TIME: time,
                EVERY_WEEKS: every,
                GROUP_SIZE: size,
                REPEAT_WINDOW: repeat,
                PAIRING_CHANNEL: channel,
                SILENCE: silence,
                STILLIN_HOURS: ask,
            },
        )
        values = await self._app.community.get(inv.tenant.id)
        reply = settings_reply(
            inv, describe(values), saved=changed, title="Buddy matching settings"
        )
        return await with_channel_check(self._app.messenger, inv, reply, channel, ChannelUse.ROOMS)
