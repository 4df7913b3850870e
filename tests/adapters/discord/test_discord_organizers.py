"""Who counts as an organizer on Discord: whoever Discord lets run an admin-only command
(Manage Server by default, or a role the server granted in Server Settings > Integrations);
for buttons and forms, which Discord does not gate, Manage Server or the community's organizer
role (`/admin organizers role:@Study leads`), read from each interaction's member roles."""

from __future__ import annotations

from bot.ports import Button, ChannelKind, ChannelRef, Message
from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import (
    OPT_ROLE,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    schema_options_at,
)

SETTINGS = "**Settings for"  # how /admin show begins


def _study_leads(fake: FakeDiscord, guild: FakeGuild, member: FakeMember) -> FakeRole:
    """A role without Manage Server, granted /admin in Server Settings > Integrations."""
    role = fake.add_role(guild, "Study leads", member)
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


async def _settings_button(harness: Harness, fake: FakeDiscord, guild: FakeGuild) -> str:
    """A public button in #general that runs `admin show` for whoever clicks it."""
    general = guild.channel_named("general")
    channel = ChannelRef(str(guild.id), str(general.id), ChannelKind.CHANNEL)
    await harness.app.messenger.send(
        channel, Message("Settings", buttons=(Button("Show settings", "admin show"),))
    )
    (custom_id,) = fake.button_ids(fake.messages[general.id][-1])
    return custom_id


async def _set_organizer_role(harness: Harness, guild: FakeGuild, role: FakeRole) -> str:
    """`/admin organizers role:` picked by olga (Manage Server); the reply she reads."""
    olga = guild.member_named("olga")
    reply = await harness.invoke("admin organizers", {"role": role}, user=olga, guild=guild)
    return str(reply["content"])


async def _alice_leads(harness: Harness, fake: FakeDiscord, guild: FakeGuild) -> FakeMember:
    """alice (no Manage Server) holds Study leads, the community's organizer role."""
    alice = guild.member_named("alice")
    await _set_organizer_role(harness, guild, fake.add_role(guild, "Study leads", alice))
    return alice


async def test_a_granted_role_still_cannot_run_admin_lines_from_buttons(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Discord does not gate clicks, so a button's admin line needs Manage Server."""
    alice = guild.member_named("alice")
    _study_leads(fake, guild, alice)
    custom_id = await _settings_button(harness, fake, guild)
    reply = await harness.click(custom_id, user=alice, guild=guild)
    assert "/admin show is for community admins only." in reply["content"]


async def test_the_organizer_role_is_picked_from_discords_role_list(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    (admin,) = (c for c in fake.commands_for(guild.id) if c["name"] == "admin")
    options = schema_options_at(admin["options"], ["organizers"])
    assert {o["name"]: o["type"] for o in options}["role"] == OPT_ROLE


async def test_setting_the_role_names_the_integrations_step_left_to_the_organizer(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    leads = fake.add_role(guild, "Study leads")
    text = await _set_organizer_role(harness, guild, leads)
    assert text.startswith("Saved. Members with @Study leads are organizers now")
    assert "Server Settings > Integrations > studybot, pick /admin and add @Study leads" in text
    shown = await harness.invoke("admin show", user=guild.member_named("olga"), guild=guild)
    assert f"organizer_role: <@&{leads.id}>" in shown["content"]


async def test_holders_of_the_organizer_role_run_admin_lines_and_others_do_not(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = await _alice_leads(harness, fake, guild)
    bob = guild.member_named("bob")
    custom_id = await _settings_button(harness, fake, guild)
    by_alice = await harness.click(custom_id, user=alice, guild=guild)
    assert by_alice["content"].startswith(SETTINGS)
    by_bob = await harness.click(custom_id, user=bob, guild=guild)
    assert "/admin show is for community admins only." in by_bob["content"]


async def test_a_role_given_after_the_setting_counts_at_the_next_click(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Nothing about the member is cached: each interaction's member roles decide."""
    alice = guild.member_named("alice")
    leads = fake.add_role(guild, "Study leads")
    await _set_organizer_role(harness, guild, leads)
    custom_id = await _settings_button(harness, fake, guild)
    before = await harness.click(custom_id, user=alice, guild=guild)
    alice.role_ids.append(leads.id)
    after = await harness.click(custom_id, user=alice, guild=guild)
    assert "for community admins only" in before["content"]
    assert after["content"].startswith(SETTINGS)


async def test_after_the_role_is_cleared_its_holders_are_refused_again(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice, olga = await _alice_leads(harness, fake, guild), guild.member_named("olga")
    custom_id = await _settings_button(harness, fake, guild)
    while_set = await harness.click(custom_id, user=alice, guild=guild)
    cleared = await harness.invoke("admin organizers", {"off": True}, user=olga, guild=guild)
    after = await harness.click(custom_id, user=alice, guild=guild)
    assert while_set["content"].startswith(SETTINGS)
    assert cleared["content"].startswith("Organizer role cleared")
    assert "/admin show is for community admins only." in after["content"]


async def test_a_holder_of_the_organizer_role_sees_the_organizer_commands_in_help(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = await _alice_leads(harness, fake, guild)
    reply = await harness.invoke("help", user=alice, guild=guild)
    assert "/admin organizers" in reply["content"]
