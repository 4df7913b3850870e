"""Buttons and forms prove where they belong: a click or a submitted form from a DM names its
server in its id, so the id is signed (server, member, expiry) and the member must still be one.
Crafted ids, another server's or member's ids, a member who left and an expired form are refused,
and nothing is written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from adapters.discord.components import EXPIRED, FORM_LIFETIME, NOT_YOURS, OUT_OF_DATE, parse_issued
from bot.app import NOT_A_MEMBER
from bot.ports import Button, Message, UserRef
from tests.adapters.discord.discord_harness import Harness
from tests.fakes.discord import FakeDiscord, FakeGuild, FakeMember


async def _checkins(h: Harness) -> int:
    row = await h.app.db.fetchone("SELECT COUNT(*) AS n FROM checkins")
    assert row is not None
    return int(row["n"])


async def _reminder_dm(
    h: Harness, fake: FakeDiscord, guild: FakeGuild, who: FakeMember
) -> dict[str, Any]:
    """A DM with a 'Check in now' button, as the reminder tick sends it."""
    await h.join(guild, who)
    await h.app.messenger.send_dm(
        UserRef(str(guild.id), str(who.id)),
        Message("Time for today's check-in!", buttons=(Button("Check in now", "checkin"),)),
    )
    return fake.dms_to(who.id)[-1]


def _carrying(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The message as a tampered client would present it: its button replaced by `custom_id`
    (discord.py only dispatches ids that are on the message)."""
    (row,) = message["components"]
    (button,) = row["components"]
    return {**message, "components": [{**row, "components": [{**button, "custom_id": custom_id}]}]}


def _only_button(message: dict[str, Any]) -> str:
    (row,) = message["components"]
    (button,) = row["components"]
    return str(button["custom_id"])


async def test_dm_buttons_are_issued_to_their_member(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    issued = parse_issued(_only_button(await _reminder_dm(harness, fake, guild, alice)))
    assert issued is not None and (issued.tenant, issued.user) == (str(guild.id), str(alice.id))


async def test_a_member_who_left_cannot_check_in_from_an_old_dm(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    dm = await _reminder_dm(harness, fake, guild, alice)
    modal = await harness.click(_only_button(dm), user=alice.user)  # opened while still in
    assert modal["_callback"] == 9
    await harness.app.member_left(str(guild.id), str(alice.id))
    clicked = await harness.click(_only_button(dm), user=alice.user)
    submitted = await harness.feed(
        fake.modal_submit({"did": "still here?"}, user=alice.user, guild=None, modal=modal)
    )
    expected = NOT_A_MEMBER.split("{community}")[0]
    assert clicked["content"].startswith(expected) and submitted["content"].startswith(expected)
    assert await _checkins(harness) == 0
    tenant = await harness.app.tenants.find("discord", str(guild.id))
    assert tenant is not None
    member = await harness.app.members.find(tenant.id, str(alice.id))
    assert member is not None and member.left_at is not None  # not made a member again


async def test_a_crafted_or_unsigned_id_is_refused(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    dm = await _reminder_dm(harness, fake, guild, alice)
    issued = parse_issued(_only_button(dm))
    assert issued is not None
    forged = f"sb:C:{guild.id}:{alice.id}:{issued.expires}:AAAAAAAAAAAA:checkin did:forged"
    old_style = f"sb:c:{guild.id}:checkin did:forged"
    answers = [
        await harness.feed(
            fake.button_click(custom_id, user=alice.user, message=_carrying(dm, custom_id))
        )
        for custom_id in (forged, old_style)
    ]
    assert [a["content"] for a in answers] == [NOT_YOURS, OUT_OF_DATE]
    assert await _checkins(harness) == 0


async def test_another_members_form_or_button_is_refused(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    """Mallory, of another server, replays alice's ids from her own DMs."""
    alice = guild.member_named("alice")
    dm = await _reminder_dm(harness, fake, guild, alice)
    modal = await harness.click(_only_button(dm), user=alice.user)
    other = fake.add_guild("Other Hall")
    mallory = fake.add_member(other, "mallory")
    await harness.join(other, mallory)
    clicked = await harness.feed(fake.button_click(_only_button(dm), user=mallory.user, message=dm))
    submitted = await harness.feed(
        fake.modal_submit({"did": "in alice's name"}, user=mallory.user, guild=None, modal=modal)
    )
    assert clicked["content"] == NOT_YOURS and submitted["content"] == NOT_YOURS
    assert await _checkins(harness) == 0


async def test_an_expired_form_saves_nothing(
    harness: Harness, fake: FakeDiscord, guild: FakeGuild
) -> None:
    alice = guild.member_named("alice")
    modal = await harness.invoke("checkin", user=alice, guild=guild)
    assert modal["_callback"] == 9
    harness.clock.advance(FORM_LIFETIME + timedelta(minutes=1))
    reply = await harness.submit({"did": "much later"}, user=alice, guild=guild)
    assert reply["content"] == EXPIRED
    assert await _checkins(harness) == 0
