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
    RoleRef,
    TimeZoneName,
    command,
    settings_reply,
)
from bot.community import COMMUNITY_CHANNEL, ORGANIZER_ROLE, TIMEZONE
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

    @command(
        "admin organizers",
        "Show or set the role whose members are organizers, as if they held Manage Server.",
        admin=True,
        examples=("/admin organizers role:@Organizers", "/admin organizers off:yes"),
    )
    async def organizers(
        self,
        inv: Invocation,
        *,
        role: Annotated[RoleRef | None, Opt("members holding this role are organizers")] = None,
        off: Annotated[bool, Opt("only Manage Server makes organizers again")] = False,
    ) -> Reply:
        if not self._app.messenger.capabilities.organizer_role:
            raise CommandError(_NO_ORGANIZER_ROLE, inv.command)
        if off and role is not None:  # which one was meant is anyone's guess
            raise CommandError(
                "Choose one: role:@Organizers to set the role, or off:yes to clear it.", inv.command
            )
        if off:
            await self._app.community.reset(inv.tenant.id, ORGANIZER_ROLE)
            return Reply(text=_ROLE_CLEARED)
        if role is None:
            current = (await self._app.community.get(inv.tenant.id))[ORGANIZER_ROLE]
            return settings_reply(inv, f"Organizer role: {ORGANIZER_ROLE.display(current)}.")
        if not role.id:
            raise CommandError(
                f"Pick the role from the list Discord offers in the role option: @{role.name} "
                "alone does not say which role it is.",
                inv.command,
            )
        await self._app.community.update(inv.tenant.id, {ORGANIZER_ROLE: role.id})
        return Reply(text=_role_saved(role))


def _role_saved(role: RoleRef) -> str:
    return (
        f"Saved. Members with {role.label} are organizers now, as if they held Manage Server: "
        "organizer buttons and forms work for them, and /help lists the organizer commands.\n"
        "One step is yours: Discord still hides /admin from anyone without Manage Server, and "
        "a bot cannot change that. Open Server Settings > Integrations > studybot, pick /admin "
        f"and add {role.label} with the check mark."
    )


_ROLE_CLEARED = (
    "Organizer role cleared: organizers are the members with Manage Server again. If you added "
    "the role to /admin in Server Settings > Integrations > studybot, remove it there too: "
    "whoever Discord lets run /admin is an organizer for it."
)
_NO_ORGANIZER_ROLE = (
    "An organizer role is a Discord setting. Here the platform says who the organizers are: "
    "on Slack, they are the workspace admins and owners and the members of the user group "
    'named in SLACK_ADMIN_USERGROUP (docs/slack-setup.md, "Who is an admin"); in the console, '
    "whoever `:admin NAME` makes one."
)
_USED_FOR = (
    "Members without their own time zone use it for check-in days, "
    "and schedules (rounds, digests) run on it."
)


def setup(app: App) -> None:
    app.community.declare(TIMEZONE, COMMUNITY_CHANNEL, ORGANIZER_ROLE)
    app.add_cog(Admin(app))
