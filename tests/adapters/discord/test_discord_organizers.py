"""Who counts as an organizer on Discord: whoever Discord lets run an admin-only command
(Manage Server by default, or a role the server granted in Server Settings > Integrations);
for buttons and forms, which Discord does not gate, Manage Server."""

from __future__ import annotations

from bot.ports import Button, ChannelKind, ChannelRef, Message
from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import FakeDiscord, FakeGuild, FakeMember, FakeRole


def _study_leads(fake: FakeDiscord, guild: FakeGuild, member: FakeMember) -> FakeRole:
    """A role without Manage Server, granted /admin in Server Settings > Integrations."""
    role = FakeRole(fake.new_id(), "Study leads", guild.everyone_role.permissions)
    guild.roles[role.id] = role
    member.role_ids.append(role.id)
    guild.command_overrides["admin"] = {role.id: True}
    return role


async def test_a_role_granted_the_command_in_integrations_may_run_it(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    _study_leads(fake, guild, alice)
    reply = await harness.invoke("admin show", user=alice, guild=guild)
    assert "for community admins only" not in reply["content"]
    assert "digest" in reply["content"].lower()


async def test_a_granted_role_still_cannot_run_admin_lines_from_buttons(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Discord does not gate clicks, so a button's admin line needs Manage Server."""
    alice = guild.member_named("alice")
    _study_leads(fake, guild, alice)
    general = guild.channel_named("general")
    channel = ChannelRef(str(guild.id), str(general.id), ChannelKind.CHANNEL)
    await harness.app.messenger.send(
        channel, Message("Settings", buttons=(Button("Show settings", "admin show"),))
    )
    (custom_id,) = fake.button_ids(fake.messages[general.id][-1])
    reply = await harness.click(custom_id, user=alice, guild=guild)
    assert "/admin show is for community admins only." in reply["content"]
