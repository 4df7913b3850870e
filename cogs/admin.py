"""/admin: community-wide settings every cog declares, listed and changed by organizers."""

from __future__ import annotations

from bot.app import App
from bot.commands import Command, Invocation, Option, OptionType, Reply
from bot.community import Setting


class Admin:
    def __init__(self, app: App) -> None:
        self._app = app

    async def show(self, inv: Invocation) -> Reply:
        values = await self._app.community.get(inv.tenant.id)
        lines = [f"**Settings for {inv.tenant.name or 'this community'}**"]
        for key, setting in sorted(self._app.community.declared.items()):
            lines.append(f"{key}: {setting.show(values[key])} - {setting.description}")
        return Reply(text="\n".join(lines))

    async def timezone(self, inv: Invocation) -> Reply:
        zone = str(inv.args["timezone"])
        await self._app.community.set(inv.tenant.id, {"timezone": zone})
        return Reply(
            text=f"Community time zone set to {zone}. Members without their own time zone "
            "use it for check-in days, and schedules (rounds, digests) run on it."
        )


def setup(app: App) -> None:
    cog = Admin(app)
    app.community.declare(
        Setting("timezone", "UTC", "community time zone for schedules and members without one"),
    )
    app.add_commands(
        Command("admin show", "Show every community setting.", cog.show, admin=True),
        Command(
            "admin timezone",
            "Set the community's default time zone.",
            cog.timezone,
            admin=True,
            options=(
                Option(
                    "timezone",
                    OptionType.TIMEZONE,
                    "an IANA time zone",
                    required=True,
                    primary=True,
                ),
            ),
            examples=("/admin timezone Europe/Berlin",),
        ),
    )
