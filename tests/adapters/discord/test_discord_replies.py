"""How replies render on Discord: ephemeral flags, deferral, modals, buttons, files, long text.

A small demo cog declares one command per rendering case, so these tests pin the adapter's
behaviour independently of what the real cogs answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import pytest

from bot.app import App
from bot.commands import ChannelName, Invocation, Opt, Reply, command
from bot.ports import Attachment, Button, Form, FormField, Message, UserRef
from bot.storage.models import Member
from tests.adapters.discord.discord_harness import Harness, harness_with, issued, start_harness
from tests.fakes.discord import EPHEMERAL, FakeDiscord, FakeGuild

CHECKIN_FORM = Form(
    title="Daily check-in",
    command="demo checkin",
    fields=(
        FormField("did", "What did you do?", required=True, multiline=True, max_length=500),
        FormField("next", "What's next?"),
        FormField("minutes", "Minutes"),
    ),
)


class Demo:
    """Records every invocation; each command returns one kind of reply."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.delay = 0.0

    async def _record(self, inv: Invocation, **given: Any) -> None:
        self.calls.append((inv.command.name, {k: v for k, v in given.items() if v is not None}))
        if self.delay:
            await asyncio.sleep(self.delay)

    @command("demo checkin", "Check in", form=CHECKIN_FORM)
    async def checkin(
        self,
        inv: Invocation,
        *,
        did: Annotated[str, Opt("what you did")],
        next: Annotated[str | None, Opt("what is next")] = None,
        minutes: Annotated[int | None, Opt("minutes", min=1, max=600)] = None,
    ) -> Reply:
        await self._record(inv, did=did, next=next, minutes=minutes)
        return Reply(text=f"Saved: {did} ({minutes if minutes is not None else '?'} min)")

    @command(
        "demo slowform",
        "A slow command with a form",
        form=Form("Slow check-in", "demo slowform", (FormField("did", "Done?"),)),
        slow=True,
    )
    async def slowform(self, inv: Invocation, *, did: Annotated[str, Opt("what you did")]) -> Reply:
        return await self.checkin(inv, did=did)

    @command("demo public", "Public")
    async def public(self, inv: Invocation) -> Reply:
        await self._record(inv)
        buttons = (
            Button("Yes, we met", "demo met answer:yes", style="primary"),
            Button("Not yet", "demo met answer:no"),
        )
        return Reply(text="Did you meet your buddy?", private=False, buttons=buttons)

    @command("demo met", "Met?")
    async def met(
        self,
        inv: Invocation,
        *,
        answer: Annotated[str | None, Opt("yes or no", choices=("yes", "no"))] = None,
    ) -> Reply:
        await self._record(inv, answer=answer)
        return Reply(text=f"Noted: {answer}")

    @command("demo chart", "Chart", slow=True)
    async def chart(self, inv: Invocation) -> Reply:
        await self._record(inv)
        png = Attachment("chart.png", b"\x89PNG fake", "weekly chart")
        return Reply(text="Your week", files=(png,), details="Mon 30 min\nTue 45 min")

    @command("demo long", "Long")
    async def long(self, inv: Invocation) -> Reply:
        await self._record(inv)
        lines = [f"line {i:04d} " + "x" * 40 for i in range(100)]
        return Reply(text="\n".join(lines))

    @command("demo who", "Who")
    async def who(
        self,
        inv: Invocation,
        *,
        buddy: Annotated[Member, Opt("a member")],
        where: Annotated[ChannelName | None, Opt("a channel")] = None,
    ) -> Reply:
        await self._record(inv, buddy=buddy, where=where)
        return Reply(text=f"buddy={buddy.external_id} channel={where}")


@pytest.fixture
def demo() -> Demo:
    return Demo()


@pytest.fixture
async def h(
    fake: FakeDiscord, guild: FakeGuild, tmp_path: Path, demo: Demo
) -> AsyncIterator[Harness]:
    async with harness_with(fake, tmp_path, demo) as harness:
        yield harness


async def test_form_opens_as_modal_and_submit_reaches_the_cog(
    h: Harness, guild: FakeGuild, demo: Demo
) -> None:
    """No options: the declared form opens as a modal; its submit is validated and typed."""
    alice = guild.member_named("alice")
    modal = await h.invoke("demo checkin", user=alice, guild=guild)
    assert modal["_callback"] == 9
    assert issued(modal["custom_id"]) == ("M", str(guild.id), str(alice.id), "demo checkin")
    assert modal["title"] == "Daily check-in"
    reply = await h.submit({"did": "SQL joins", "minutes": "45"}, user=alice, guild=guild)
    assert reply["content"] == "Saved: SQL joins (45 min)"
    assert reply["flags"] & EPHEMERAL
    assert demo.calls == [("demo checkin", {"did": "SQL joins", "minutes": 45})]


async def test_form_after_a_deferral_is_a_button_that_opens_it(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """A modal must be the first response; once deferred, a button opens the form instead."""
    alice = guild.member_named("alice")
    reply = await h.invoke("demo slowform", user=alice, guild=guild)
    assert reply["_callback"] == 5
    (button,) = fake.button_ids(reply)
    assert issued(button) == ("F", str(guild.id), str(alice.id), "demo slowform")
    modal = await h.click(button, user=alice)
    assert modal["_callback"] == 9 and modal["title"] == "Slow check-in"
    done = await h.submit({"did": "Kubernetes"}, user=alice, guild=guild)
    assert done["content"] == "Saved: Kubernetes (? min)"


async def test_form_submit_with_bad_value_gets_the_validators_message(
    h: Harness, guild: FakeGuild, demo: Demo
) -> None:
    alice = guild.member_named("alice")
    await h.invoke("demo checkin", user=alice, guild=guild)
    reply = await h.submit({"did": "x", "minutes": "lots"}, user=alice, guild=guild)
    assert "minutes must be a whole number" in reply["content"]
    assert "Usage: /demo checkin" in reply["content"]
    assert demo.calls == []


async def test_options_skip_the_form(h: Harness, guild: FakeGuild, demo: Demo) -> None:
    """Typed options run the command directly, with Discord's integer typed as int."""
    alice = guild.member_named("alice")
    reply = await h.invoke(
        "demo checkin", {"did": "Docker", "minutes": 30}, user=alice, guild=guild
    )
    assert reply["content"] == "Saved: Docker (30 min)"
    assert demo.calls == [("demo checkin", {"did": "Docker", "minutes": 30})]


async def test_public_reply_with_buttons_and_a_click(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """Public replies are not ephemeral; a button runs its line as the member who clicks."""
    bob = guild.member_named("bob")
    reply = await h.invoke("demo public", user=bob, guild=guild)
    assert not reply["flags"] & EPHEMERAL
    ids = fake.button_ids(reply)
    assert [issued(i) for i in ids] == [
        ("C", str(guild.id), "*", "demo met answer:yes"),
        ("C", str(guild.id), "*", "demo met answer:no"),
    ]
    answer = await h.click(ids[0], user=guild.member_named("carol"))
    assert answer["content"] == "Noted: yes"
    assert answer["flags"] & EPHEMERAL
    assert demo.calls[-1] == ("demo met", {"answer": "yes"})


async def test_buttons_keep_working_after_a_restart(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, tmp_path: Path, demo: Demo
) -> None:
    """A click on a message sent by the previous process reaches a fresh client."""
    reply = await h.invoke("demo public", user=guild.member_named("bob"), guild=guild)
    await h.bot.close()
    fresh = await start_harness(fake, tmp_path / "restart", cogs=[_rebind(h.app)])
    try:
        custom_id = fake.button_ids(reply)[1]
        answer = await fresh.click(custom_id, user=guild.member_named("bob"))
        assert answer["content"] == "Noted: no"
    finally:
        await fresh.bot.close()
        await fresh.app.close()


def _rebind(old: App) -> Any:
    """A cog setup that declares the same commands as an existing app."""

    def setup(app: App) -> None:
        app.add_commands(*old.commands)

    return setup


async def test_button_from_another_guild_is_refused(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    reply = await h.invoke("demo public", user=guild.member_named("bob"), guild=guild)
    other = fake.add_guild("Other Hall")
    mallory = fake.add_member(other, "mallory")
    message = dict(reply)
    payload = fake.button_click(
        fake.button_ids(reply)[0], user=mallory, guild=other, message=message
    )
    answer = await h.feed(payload)
    assert (
        answer["content"] == "That button or form was not issued to you here, so nothing was done."
    )
    assert [name for name, _ in demo.calls] == ["demo public"]


async def test_slow_command_defers_then_follows_up_with_files(
    h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """slow=True defers at once (type 5, ephemeral); files upload; details are inlined."""
    reply = await h.invoke("demo chart", user=guild.member_named("alice"), guild=guild)
    assert reply["_callback"] == 5
    assert reply["flags"] & EPHEMERAL
    assert reply["content"] == "Your week\n\nMon 30 min\nTue 45 min"
    (upload,) = [r for r in fake.find_requests("POST", "/webhooks/") if r.files]
    assert upload.files[0].filename == "chart.png"
    assert upload.files[0].content == b"\x89PNG fake"


async def test_a_command_that_turns_out_slow_is_deferred_in_time(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """A cog slower than the deadline: the adapter defers, the fake sees no late reply."""
    fake.interaction_deadline = 0.15
    h.bot.responder.defer_after = 0.02
    demo.delay = 0.3
    reply = await h.invoke(
        "demo met", {"answer": "no"}, user=guild.member_named("bob"), guild=guild
    )
    assert reply["_callback"] == 5
    assert reply["content"] == "Noted: no"


async def test_deferred_public_reply_replaces_the_placeholder(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """After an ephemeral deferral a public reply is posted as a new, public message."""
    h.bot.responder.defer_after = 0.01
    demo.delay = 0.05
    payload = fake.slash_command("demo public", user=guild.member_named("bob"), guild=guild)
    fake.feed(h.bot, payload)
    followup = await fake.wait_for_request("POST", f"/webhooks/{fake.app_id}/{payload['token']}")
    assert fake.find_requests("DELETE", "/messages/@original")
    assert not followup.json.get("flags", 0) & EPHEMERAL
    assert fake.button_ids(followup.response)


async def test_long_text_is_split_under_2000_characters(
    h: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    payload = fake.slash_command("demo long", user=guild.member_named("bob"), guild=guild)
    fake.feed(h.bot, payload)
    await fake.wait_for_request("POST", f"/webhooks/{fake.app_id}/", count=2)
    callback = fake.find_requests("POST", "/callback")[0].json["data"]["content"]
    parts = [callback] + [
        r.json["content"] for r in fake.find_requests("POST", f"/webhooks/{fake.app_id}/")
    ]
    assert all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts).splitlines()[-1].startswith("line 0099")


async def test_user_and_channel_options_resolve_to_members_and_ids(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """A user option becomes the core's member of the same tenant; a channel its id."""
    alice, bob = guild.member_named("alice"), guild.member_named("bob")
    await h.join(guild, bob)
    channel = guild.channel_named("digests")
    reply = await h.invoke("demo who", {"buddy": bob, "where": channel}, user=alice, guild=guild)
    assert reply["content"] == f"buddy={bob.id} channel={channel.id}"


async def test_user_option_for_a_stranger_is_refused(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    reply = await h.invoke(
        "demo who",
        {"buddy": guild.member_named("carol")},
        user=guild.member_named("alice"),
        guild=guild,
    )
    assert "don't know a member" in reply["content"]
    assert demo.calls == []


async def test_button_in_a_dm_runs_in_the_buttons_guild(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, demo: Demo
) -> None:
    """A reminder DM's button arrives without a guild; its custom_id names the tenant."""
    bob = guild.member_named("bob")
    await h.join(guild, bob)  # reminders go to members the community has
    await h.app.messenger.send_dm(
        UserRef(str(guild.id), str(bob.id)),
        Message(text="Time to check in!", buttons=(Button("Skip today", "demo met answer:no"),)),
    )
    (dm,) = fake.dms_to(bob.id)
    (custom_id,) = fake.button_ids(dm)
    payload = fake.button_click(custom_id, user=bob.user)
    assert "guild_id" not in payload
    answer = await h.feed(payload)
    assert answer["content"] == "Noted: no"
    assert demo.calls == [("demo met", {"answer": "no"})]
