"""/admin: community-wide settings every cog declares, listed and changed by organizers."""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.commands import Invocation, Opt, Reply, TimeZoneName, command, settings_reply
from bot.community import TIMEZONE
from bot.timezones import describe


class Admin:
    def __init__(self, app: App) -> None:
        self._app = app

    @command("admin show", "Show every community setting.", admin=True)
    async def show(self, inv: Invocation) -> Reply:
        values = await self._app.community.get(inv.tenant.id)
        lines = [f"**Settings for {inv.tenant.name or 'this community'}**"]
        for key, setting in sorted(self._app.community.declared.items()):
            lines.append(f"{key}: {setting.display(values[setting])} - {setting.description}")
        return Reply(text="\n".join(lines))

    @command(
        "admin timezone",
        "Show or set the community's default time zone.",
        admin=True,
        examples=("/admin timezone", "/admin timezone Europe/Berlin", "/admin timezone berlin"),
    )
    async def timezone(
        self,
        inv: Invocation,
        *,
        timezone: Annotated[
            TimeZoneName | None,
            Opt("a city or an IANA time zone; empty shows the current one", primary=True),
        ] = None,
        # Read by the time zone converter (ConvertContext.given), not here: with it, an offset
        # like UTC+2 is kept as the fixed zone Etc/GMT-2 instead of asking for a city.
        fixed: Annotated[bool, Opt("keep a fixed UTC offset, no daylight saving")] = False,
    ) -> Reply:
        if timezone is None:
            current = (await self._app.community.get(inv.tenant.id))[TIMEZONE]
            return settings_reply(inv, f"Community time zone: {describe(current)}. {_USED_FOR}")
        await self._app.community.update(inv.tenant.id, {TIMEZONE: timezone})
        return Reply(text=f"Community time zone set to {describe(timezone)}. {_USED_FOR}")


_USED_FOR = (
    "Members without their own time zone use it for check-in days, "
    "and schedules (rounds, digests) run on it."
)


def setup(app: App) -> None:
    app.community.declare(TIMEZONE)
    app.add_cog(Admin(app))
