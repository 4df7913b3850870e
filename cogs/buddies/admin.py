"""/admin buddies and /admin match now: how organizers set up and start buddy rounds."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from bot.app import App
from bot.commands import ChannelName, Invocation, Opt, Reply, command, settings_reply
from bot.community import PAIRING_CHANNEL
from bot.text import WEEKDAYS, group_names, plural
from cogs.buddies.rounds import Rounds
from cogs.buddies.settings import (
    EVERY_WEEKS,
    GROUP_SIZE,
    GROUP_SIZE_CHOICES,
    MAX_EVERY_WEEKS,
    MAX_REPEAT_WINDOW,
    REPEAT_WINDOW,
    ROUND_DAY,
    ROUND_TIME,
    describe,
)
from cogs.buddies.texts import round_mix


class OrganizerCommands:
    def __init__(self, app: App, rounds: Rounds) -> None:
        self._app = app
        self._rounds = rounds

    @command(
        "admin match now",
        "Start a buddy round now and report the groups.",
        admin=True,
        slow=True,
    )
    async def match_now(self, inv: Invocation) -> Reply:
        report = await self._rounds.run(inv.tenant, None, inv.now)
        assert report is not None  # a manual period is always new
        lines = [f"Round {report.number} started: {plural(len(report.groups), 'group')}."]
        if not report.groups and not report.left_out:
            lines.append("Nobody is taking part right now; members join with /buddy join.")
        lines += [f"• {group_names(g)}" for g in report.groups]
        values = await self._app.community.get(inv.tenant.id)
        mix = round_mix([len(g) for g in report.groups], values[GROUP_SIZE])
        if mix:
            lines.append(mix)
        if report.left_out:
            lines.append(f"Left out (each told why): {', '.join(report.left_out)}")
        if report.paused:
            lines.append(f"Paused for inactivity (each told how to resume): {report.paused}")
        return Reply(text="\n".join(lines))

    @command(
        "admin buddies",
        "Buddy matching settings: cadence, group size, repeat window, pairing channel.",
        admin=True,
        examples=(
            "/admin buddies",
            "/admin buddies day:monday time:10:00 every:1",
            "/admin buddies size:3 repeat:6 channel:#study-buddies",
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
    ) -> Reply:
        changed = await self._app.community.update(
            inv.tenant.id,
            {
                ROUND_DAY: day,
                ROUND_TIME: time,
                EVERY_WEEKS: every,
                GROUP_SIZE: size,
                REPEAT_WINDOW: repeat,
                PAIRING_CHANNEL: channel,
            },
        )
        values = await self._app.community.get(inv.tenant.id)
        return settings_reply(inv, describe(values), saved=changed, title="Buddy matching settings")
