"""/admin: community-wide settings every cog declares, listed and changed by organizers."""

from __future__ import annotations

from typing import Annotated

from bot.app import App
from bot.channel_check import with_channel_check
from bot.commands import (
    ChannelName,
    CommandError,
    Invocation,
    Opt,
    Reply,
    TimeZoneName,
    command,
    settings_reply,
)
from bot.community import COMMUNITY_CHANNEL, TIMEZONE
from bot.ports import ChannelUse
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

    @command(
        "admin community",
        "Make one channel's members the community, instead of the whole workspace.",
        admin=True,
        examples=("/admin community channel:#study-group", "/admin community off:yes"),
    )
    async def community(
        self,
        inv: Invocation,
        *,
        channel: Annotated[ChannelName | None, Opt("the channel whose members take part")] = None,
        off: Annotated[bool, Opt("the whole workspace is the community again")] = False,
    ) -> Reply:
        messenger = self._app.messenger
        if not messenger.capabilities.community_channel:
            raise CommandError(
                "Here the whole server is the community; there is nothing to choose.", inv.command
            )
        if off:
            await self._app.community.reset(inv.tenant.id, COMMUNITY_CHANNEL)
            return Reply(text="The whole workspace is the community again.")
        if channel is None:
            current = (await self._app.community.get(inv.tenant.id))[COMMUNITY_CHANNEL]
            return settings_reply(inv, f"Community: {COMMUNITY_CHANNEL.display(current)}.")
        await self._app.community.update(inv.tenant.id, {COMMUNITY_CHANNEL: channel})
        reply = Reply(
            text=f"Saved. The community is now the members of #{channel}: people who join it "
            "take part, people who leave it stop (their data stays until they delete it). "
            "Members who joined the workspace before stay in until they leave it or the channel."
        )
        # The bot hears who joins and leaves only in a channel it is in.
        return await with_channel_check(messenger, inv, reply, channel, ChannelUse.POSTS)


_USED_FOR = (
    "Members without their own time zone use it for check-in days, "
    "and schedules (rounds, digests) run on it."
)


def setup(app: App) -> None:
    app.community.declare(TIMEZONE, COMMUNITY_CHANNEL)
    app.add_cog(Admin(app))
