"""The fake Discord itself, driven by a minimal real discord.py bot (no studybot code)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord import (
    EPHEMERAL,
    INTENT_GUILD_MEMBERS,
    FakeDiscord,
    FakeGuild,
    validate_command,
)


class MiniView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="mini:yes")
    async def yes(
        self, interaction: discord.Interaction, button: discord.ui.Button[MiniView]
    ) -> None:
        await interaction.response.send_message("clicked yes", ephemeral=True)


class MiniModal(discord.ui.Modal, title="Check in"):
    done: discord.ui.TextInput[MiniModal] = discord.ui.TextInput(
        label="What did you do?", custom_id="done"
    )

    def __init__(self) -> None:
        super().__init__(custom_id="mini:modal", timeout=None)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"saved: {self.done.value}", ephemeral=True)


class MiniBot(commands.Bot):
    """Just enough bot to exercise every part of the fake."""

    def __init__(self, *, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents or discord.Intents.none() | discord.Intents(guilds=True),
            guild_ready_timeout=0.05,
        )
        self.errors: list[BaseException] = []
        self.removed: list[int] = []
        self.slow_seconds = 0.0

    async def setup_hook(self) -> None:
        self.add_view(MiniView())
        tree = self.tree
        group = app_commands.Group(name="admin", description="Organizer commands")
        config = app_commands.Group(name="config", description="Settings", parent=group)

        @config.command(name="set", description="Set a setting")
        async def config_set(
            interaction: discord.Interaction, key: str, channel: app_commands.AppCommandChannel
        ) -> None:
            await interaction.response.send_message(f"{key}={channel.name}", ephemeral=True)

        @tree.command(name="ping", description="Ping")
        async def ping(interaction: discord.Interaction, who: discord.Member | None = None) -> None:
            name = who.name if who else "nobody"
            await interaction.response.send_message(f"pong {name}", ephemeral=True, view=MiniView())

        @tree.command(name="slow", description="Slow")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(self.slow_seconds)
            await interaction.response.send_message("finally")

        @tree.command(name="deferred", description="Deferred")
        async def deferred(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            file = discord.File(io.BytesIO(b"png-bytes"), filename="chart.png")
            await interaction.followup.send("here", file=file, ephemeral=True)

        @tree.command(name="form", description="Form")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(MiniModal())

        @tree.command(name="tz", description="Time zone")
        async def tz(interaction: discord.Interaction, zone: str) -> None:
            await interaction.response.send_message(zone)

        @tz.autocomplete("zone")
        async def tz_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            zones = ["Europe/Berlin", "Europe/Paris", "America/New_York"]
            return [app_commands.Choice(name=z, value=z) for z in zones if current in z]

        tree.add_command(group)

        @tree.error
        async def on_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.errors.append(error)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        self.removed.append(payload.user.id)


@pytest.fixture
def guild(fake: FakeDiscord) -> FakeGuild:
    guild = fake.add_guild("Study Hall")
    fake.add_member(guild, "alice")
    fake.add_member(guild, "olga", organizer=True)
    return guild


@pytest.fixture
async def bot(fake: FakeDiscord, guild: FakeGuild) -> AsyncIterator[MiniBot]:
    """Mode A: logged in over REST, commands synced, interactions fed to the parser."""
    client = MiniBot()
    await client.login(fake.token)
    await client.tree.sync()
    yield client
    await client.close()


async def test_login_and_sync_record_requests(fake: FakeDiscord, bot: MiniBot) -> None:
    """Login hits users/@me and the app info; a global sync stores commands with ids."""
    assert fake.find_requests("GET", "/users/@me")
    put = await fake.wait_for_request("PUT", f"/applications/{fake.app_id}/commands")
    assert put.headers["Authorization"] == f"Bot {fake.token}"
    names = {c["name"] for c in fake.global_commands}
    assert {"ping", "admin", "slow", "deferred", "form", "tz"} <= names
    assert all(c["id"] for c in fake.global_commands)


async def test_slash_command_reply_is_ephemeral(
    fake: FakeDiscord, bot: MiniBot, guild: FakeGuild
) -> None:
    """A slash command with a resolved user option reaches the callback; the reply is flagged."""
    alice = guild.member_named("alice")
    payload = fake.slash_command("ping", {"who": alice}, user=alice, guild=guild)
    fake.feed(bot, payload)
    callback = await fake.wait_for_callback(payload)
    assert callback.query == {"with_response": "1"}
    assert "Authorization" not in callback.headers
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == "pong alice"
    assert callback.json["data"]["flags"] == EPHEMERAL


async def test_subcommand_group_and_channel_option(
    fake: FakeDiscord, bot: MiniBot, guild: FakeGuild
) -> None:
    """Nested groups and channel options are built from the synced schema."""
    olga = guild.member_named("olga")
    channel = guild.channel_named("digests")
    payload = fake.slash_command(
        "admin config set", {"key": "digest", "channel": channel}, user=olga, guild=guild
    )
    assert payload["data"]["options"][0]["type"] == 2  # the group
    fake.feed(bot, payload)
    reply = await fake.wait_for_reply(payload)
    assert reply["content"] == "digest=digests"


async def test_deferred_followup_with_file(
    fake: FakeDiscord, bot: MiniBot, guild: FakeGuild
) -> None:
    """defer() then followup.send(file=...) replaces the thinking message; the file uploads."""
    alice = guild.member_named("alice")
    payload = fake.slash_command("deferred", user=alice, guild=guild)
    fake.feed(bot, payload)
    reply = await fake.wait_for_reply(payload)
    assert reply["_callback"] == 5
    assert reply["content"] == "here"
    upload = fake.find_requests("POST", f"/webhooks/{fake.app_id}/")[0]
    assert [f.filename for f in upload.files] == ["chart.png"]
    assert upload.files[0].content == b"png-bytes"


async def test_late_reply_is_a_violation(fake: FakeDiscord, bot: MiniBot, guild: FakeGuild) -> None:
    """A first callback after the deadline gets 10062 and is recorded as a violation."""
    fake.interaction_deadline = 0.05
    bot.slow_seconds = 0.15
    payload = fake.slash_command("slow", user=guild.member_named("alice"), guild=guild)
    fake.feed(bot, payload)
    request = await fake.wait_for_request("POST", "/callback")
    assert request.status == 404
    assert request.response["code"] == 10062
    assert any("answered after" in v for v in fake.violations)
    await asyncio.sleep(0.01)
    assert isinstance(bot.errors[0], app_commands.CommandInvokeError)
    fake.violations.clear()
    fake.interactions.clear()


async def test_button_click_on_persistent_view(
    fake: FakeDiscord, bot: MiniBot, guild: FakeGuild
) -> None:
    """A click builds on the message that carried the button and reaches the view."""
    alice = guild.member_named("alice")
    first = fake.slash_command("ping", user=alice, guild=guild)
    fake.feed(bot, first)
    await fake.wait_for_reply(first)
    click = fake.button_click("mini:yes", user=alice)
    assert click["message"]["components"]
    fake.feed(bot, click)
    reply = await fake.wait_for_reply(click)
    assert reply["content"] == "clicked yes"


async def test_modal_round_trip(fake: FakeDiscord, bot: MiniBot, guild: FakeGuild) -> None:
    """A command opens a modal; the submit builder answers it with typed values."""
    alice = guild.member_named("alice")
    payload = fake.slash_command("form", user=alice, guild=guild)
    fake.feed(bot, payload)
    modal = await fake.wait_for_reply(payload)
    assert modal["_callback"] == 9 and modal["title"] == "Check in"
    submit = fake.modal_submit({"done": "SQL joins"}, user=alice, guild=guild)
    fake.feed(bot, submit)
    reply = await fake.wait_for_reply(submit)
    assert reply["content"] == "saved: SQL joins"


async def test_autocomplete(fake: FakeDiscord, bot: MiniBot, guild: FakeGuild) -> None:
    """An autocomplete interaction gets a type 8 result with matching choices."""
    payload = fake.autocomplete(
        "tz", {"zone": "Europe"}, focused="zone", user=guild.member_named("alice"), guild=guild
    )
    fake.feed(bot, payload)
    result = await fake.wait_for_reply(payload)
    assert result["_callback"] == 8
    assert [c["value"] for c in result["choices"]] == ["Europe/Berlin", "Europe/Paris"]


async def test_rate_limit_is_retried_after_retry_after(
    fake: FakeDiscord, bot: MiniBot, guild: FakeGuild
) -> None:
    """A 429 with Via and Retry-After makes discord.py wait and retry."""
    channel = guild.channel_named("general")
    fake.rate_limit_next("POST", f"/channels/{channel.id}/messages", retry_after=0.1)
    await bot.get_partial_messageable(channel.id).send("hello")
    first, second = fake.find_requests("POST", f"/channels/{channel.id}/messages")
    assert (first.status, second.status) == (429, 200)
    assert first.response["retry_after"] == 0.1
    assert second.received_at - first.received_at >= 0.1


async def test_closed_dm_and_threads(fake: FakeDiscord, bot: MiniBot, guild: FakeGuild) -> None:
    """Closed DMs give 50007; private threads work until the guild forbids them (50001)."""
    alice = guild.member_named("alice")
    fake.closed_dms.add(alice.id)
    user = await bot.fetch_user(alice.id)
    with pytest.raises(discord.Forbidden) as closed:
        await user.send("hi")
    assert closed.value.code == 50007

    parent = guild.channel_named("study-buddies")
    channel = bot.get_partial_messageable(parent.id, guild_id=guild.id)
    raw = await bot.http.start_thread_without_message(
        parent.id, name="pod", auto_archive_duration=10080, type=12, invitable=False
    )
    await bot.http.add_user_to_thread(int(raw["id"]), alice.id)
    (thread,) = fake.threads(guild)
    assert thread.type == 12 and alice.id in thread.member_ids
    assert channel.id == parent.id

    guild.threads_allowed = False
    with pytest.raises(discord.Forbidden) as denied:
        await bot.http.start_thread_without_message(
            parent.id, name="pod2", auto_archive_duration=10080, type=12
        )
    assert denied.value.code == 50001


async def test_invalid_command_schema_is_rejected(fake: FakeDiscord, bot: MiniBot) -> None:
    """Names Discord would refuse are refused here too, and recorded."""
    assert validate_command({"name": "Bad Name", "description": "x"})
    with pytest.raises(discord.HTTPException) as error:
        await bot.http.bulk_upsert_global_commands(
            fake.app_id, [{"name": "checkin", "description": ""}]
        )
    assert error.value.code == 50035
    assert fake.violations
    fake.violations.clear()


async def test_wrong_token_is_rejected(fake: FakeDiscord) -> None:
    """A wrong token gets 401, which discord.py turns into LoginFailure."""
    client = MiniBot()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()


async def test_gateway_ready_guild_create_and_dispatch(fake: FakeDiscord, guild: FakeGuild) -> None:
    """Mode B: start() over the fake gateway, sync, and answer a dispatched interaction."""
    client = MiniBot(intents=discord.Intents(guilds=True, members=True))
    task = asyncio.create_task(client.start(fake.token))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 5)
        conn = await fake.wait_for_identify()
        assert conn.intents is not None and conn.intents & INTENT_GUILD_MEMBERS
        assert any(frame["op"] == 1 for frame in conn.received)  # discord.py heartbeats
        cached = client.get_guild(guild.id)
        assert cached is not None
        assert {c.name for c in cached.text_channels} == {"general", "study-buddies", "digests"}
        assert cached.get_member(guild.member_named("alice").id) is not None
        client.tree.copy_global_to(guild=discord.Object(guild.id))
        await client.tree.sync(guild=discord.Object(guild.id))
        assert {c["name"] for c in fake.guild_commands[guild.id]} >= {"ping"}

        payload = fake.slash_command("ping", user=guild.member_named("alice"), guild=guild)
        assert await fake.dispatch("INTERACTION_CREATE", payload) == 1
        reply = await fake.wait_for_reply(payload)
        assert reply["content"] == "pong nobody"

        alice_id = guild.member_named("alice").id
        assert await fake.remove_member_event(guild, alice_id) == 1
        for _ in range(50):
            if client.removed:
                break
            await asyncio.sleep(0.01)
        assert client.removed == [alice_id]
    finally:
        await client.close()
        await task


async def test_privileged_intent_not_enabled(fake: FakeDiscord, guild: FakeGuild) -> None:
    """Asking for a privileged intent the portal does not grant closes with 4014."""
    fake.privileged_intents_enabled = 0
    client = MiniBot(intents=discord.Intents(guilds=True, members=True))
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await asyncio.wait_for(client.start(fake.token), 5)
    await client.close()


async def test_member_events_need_the_members_intent(fake: FakeDiscord, guild: FakeGuild) -> None:
    """Without GUILD_MEMBERS the fake, like Discord, withholds member events and lists."""
    client = MiniBot()
    task = asyncio.create_task(client.start(fake.token))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 5)
        cached = client.get_guild(guild.id)
        assert cached is not None and cached.get_member(guild.member_named("alice").id) is None
        assert await fake.remove_member_event(guild, guild.member_named("alice").id) == 0
    finally:
        await client.close()
        await task
