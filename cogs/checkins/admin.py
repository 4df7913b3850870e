"""/admin checkins: streak freezes and how far back members may log a forgotten day."""

from __future__ import annotations

from typing import Annotated

from bot import streaks
from bot.app import App
from bot.commands import Invocation, Opt, Reply, command, settings_reply
from bot.community import STREAK_FREEZES
from cogs.checkins.days import BACKFILL, MAX_BACKFILL


class CheckinSettings:
    def __init__(self, app: App) -> None:
        self._app = app

    @command(
        "admin checkins",
        "Check-in settings: streak freezes per week (0-3), days back a check-in may be logged.",
        admin=True,
        examples=("/admin checkins", "/admin checkins freezes:2", "/admin checkins backfill:3"),
    )
    async def configure(
        self,
        inv: Invocation,
        *,
        freezes: Annotated[
            int | None,
            Opt("freezes per member per ISO week", primary=True, min=0, max=streaks.MAX_FREEZES),
        ] = None,
        backfill: Annotated[
            int | None,
            Opt(
                "days back a forgotten check-in may be logged (0: today only)",
                min=0,
                max=MAX_BACKFILL,
                unit="days",
            ),
        ] = None,
    ) -> Reply:
        changed = await self._app.community.update(
            inv.tenant.id, {STREAK_FREEZES: freezes, BACKFILL: backfill}
        )
        values = await self._app.community.get(inv.tenant.id)
        current = (
            f"Streak freezes: {values[STREAK_FREEZES]} per ISO week. Each covers one missed day; "
            "two missed days in a row always end a streak.\n"
            f"Forgotten days: {BACKFILL.display(values[BACKFILL])} "
            "(/checkin day:yesterday logs one)."
        )
        return settings_reply(inv, current, saved=changed, title="Check-in settings")
