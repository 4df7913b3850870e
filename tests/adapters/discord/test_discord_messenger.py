"""The Messenger port on Discord: what reaches the fake, and which port error each failure
maps to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest

from adapters.discord.client import StudyBot
from adapters.discord.messenger import (
    DM_ROOM_PREFIX,
    DiscordMessenger,
    message_parts,
    port_errors,
)
from bot.clock import ManualClock
from bot.ports import (
    Attachment,
    Button,
    ChannelKind,
    ChannelRef,
    DMsClosed,
    Forbidden,
    Message,
    MessengerError,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
    UserRef,
)
from bot.signing import Signer
from tests.adapters.discord.discord_harness import issued
from tests.fakes.discord import (
    GUILD_ANNOUNCEMENT,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    FakeDiscord,
    FakeGuild,
)
from tests.fakes.discord.constants import MANAGE_THREADS
from tests.helpers import START


class _NoApp:
    """StudyBot needs an app for its command tree; the messenger tests need none."""

    commands: tuple[object, ...] = ()
    convert_context = None
    signer = Signer("messenger-tests")
    clock = ManualClock(START)


@pytest.fixture
async def client(fake: FakeDiscord, guild: FakeGuild) -> AsyncIterator[StudyBot]:
    bot = StudyBot(_NoApp(), sync=False)  # type: ignore[arg-type]
    await bot.login(fake.token)
    yield bot
    await bot.close()


@pytest.fixture
def pairing(guild: FakeGuild) -> dict[str, int]:
    return {str(guild.id): guild.channel_named("study-buddies").id}


@pytest.fixture
def messenger(client: StudyBot, pairing: dict[str, int]) -> DiscordMessenger:
    async def room_parent(tenant: str) -> int | None:
        return pairing.get(tenant)

    return DiscordMessenger(client, room_parent)


def _channel(guild: FakeGuild, name: str = "general") -> ChannelRef:
    return ChannelRef(str(guild.id), str(guild.channel_named(name).id))


def _user(guild: FakeGuild, name: str) -> UserRef:
    return UserRef(str(guild.id), str(guild.member_named(name).id))


async def test_channel_message_with_buttons_files_and_mentions(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    alice = _user(guild, "alice")
    message = Message(
        text="Weekly digest",
        buttons=(Button("Join next round", "buddy join"),),
        files=(Attachment("chart.png", b"png"),),
        mentions=(alice,),
    )
    ref = await messenger.send(_channel(guild), message)
    (request,) = fake.find_requests("POST", f"/channels/{_channel(guild).id}/messages")
    assert ref.id == request.response["id"]
    assert request.json["content"] == f"<@{alice.id}>\nWeekly digest"
    assert request.json["allowed_mentions"] == {"parse": [], "users": [int(alice.id)]}
    assert [issued(i) for i in fake.button_ids(request.response)] == [
        ("C", str(guild.id), "*", "buddy join")  # a channel post: anyone there may click
    ]
    assert [f.filename for f in request.files] == ["chart.png"]


async def test_details_go_to_a_thread_under_the_message(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    ref = await messenger.send(_channel(guild), Message(text="Digest", details="All the numbers"))
    (thread,) = fake.threads(guild)
    assert thread.type == PUBLIC_THREAD and thread.id == int(ref.id)
    assert fake.messages[thread.id][0]["content"] == "All the numbers"


async def test_long_messages_are_split(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    text = "\n".join("x" * 99 for _ in range(50))  # 4,999 characters
    await messenger.send(_channel(guild), Message(text=text))
    sent = fake.find_requests("POST", "/messages")
    assert len(sent) == 3 and all(len(r.json["content"]) <= 2000 for r in sent)
    assert "\n".join(r.json["content"] for r in sent) == text


def test_message_parts_hard_splits_a_single_long_line() -> None:
    assert [len(c) for c in message_parts("y" * 4500)] == [2000, 2000, 500]
    assert message_parts("") == ["\u200b"]


def test_message_parts_render_channel_ids_as_mentions_and_leave_short_numbers() -> None:
    text = "Posted in #1200000000000000006; blocker #12 solved; see <#1200000000000000007>"
    assert message_parts(text) == [
        "Posted in <#1200000000000000006>; blocker #12 solved; see <#1200000000000000007>"
    ]


async def test_member_text_with_everyone_pings_nobody(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """A member's words echoed in a channel post (a check-in, a blocker) never ping."""
    await messenger.send(_channel(guild), Message(text="Alice: stuck, help @everyone @here"))
    (request,) = fake.find_requests("POST", f"/channels/{_channel(guild).id}/messages")
    assert request.json["allowed_mentions"] == {"parse": []}


async def test_dm_and_closed_dm(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """A DM opens the DM channel then posts; a user with closed DMs maps to DMsClosed."""
    ref = await messenger.send_dm(_user(guild, "alice"), Message(text="Time to check in"))
    assert ref.channel.kind is ChannelKind.DM
    assert fake.dms_to(guild.member_named("alice").id)[0]["content"] == "Time to check in"
    fake.closed_dms.add(guild.member_named("bob").id)
    with pytest.raises(DMsClosed):
        await messenger.send_dm(_user(guild, "bob"), Message(text="Time to check in"))


async def test_room_is_a_private_thread_with_members(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    members = [_user(guild, "alice"), _user(guild, "bob")]
    room = await messenger.open_room(str(guild.id), members, "Buddies: alice & bob")
    (thread,) = fake.threads(guild)
    assert room.kind is ChannelKind.ROOM and room.id == str(thread.id)
    assert thread.type == PRIVATE_THREAD and not thread.invitable
    assert thread.parent_id == guild.channel_named("study-buddies").id
    assert thread.member_ids == {fake.bot_user.id, *(int(m.id) for m in members)}
    await messenger.send(room, Message(text="Say hi!"))
    assert fake.messages[thread.id][0]["content"] == "Say hi!"


async def test_a_retry_after_a_crash_finds_the_thread_the_first_attempt_opened(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """The process died after Discord opened the thread, before its id was saved: the retry
    (`reuse`) asks Discord for the bot's active threads and takes that one."""
    members = [_user(guild, "alice"), _user(guild, "bob")]
    first = await messenger.open_room(str(guild.id), members, "Study buddies #3: alice & bob")
    again = await messenger.open_room(
        str(guild.id), members, "Study buddies #3: alice & bob", reuse=True
    )
    other = await messenger.open_room(
        str(guild.id), members, "Study buddies #4: alice & bob", reuse=True
    )
    assert again.id == first.id != other.id
    assert len(fake.threads(guild)) == 2


async def test_room_falls_back_to_dms_when_threads_are_not_allowed(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """403 50001 on thread creation: the room becomes one DM per member; closed DMs are
    skipped as long as somebody got the message."""
    guild.threads_allowed = False
    members = [_user(guild, "alice"), _user(guild, "bob")]
    room = await messenger.open_room(str(guild.id), members, "Buddies")
    assert room.id.startswith(DM_ROOM_PREFIX) and room.kind is ChannelKind.ROOM
    fake.closed_dms.add(guild.member_named("bob").id)
    await messenger.send(room, Message(text="Meet your buddy"))
    assert fake.dms_to(guild.member_named("alice").id)[0]["content"] == "Meet your buddy"
    fake.closed_dms.add(guild.member_named("alice").id)
    with pytest.raises(DMsClosed):
        await messenger.send(room, Message(text="Again"))


def _without_manage_threads(guild: FakeGuild) -> None:
    bot_role = next(r for r in guild.roles.values() if r.bot_id is not None)
    bot_role.permissions &= ~MANAGE_THREADS


async def test_without_manage_threads_members_cannot_be_added_and_dms_are_used(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """A private thread with invitable false takes members only from a thread moderator:
    the fake refuses the add (403 50013) to a bot without Manage Threads, as Discord does."""
    _without_manage_threads(guild)
    members = [_user(guild, "alice"), _user(guild, "bob")]
    room = await messenger.open_room(str(guild.id), members, "Buddies")
    assert room.id.startswith(DM_ROOM_PREFIX)
    assert fake.find_requests("PUT", "/thread-members/")[0].status == 403


async def test_a_refused_member_add_deletes_the_thread_before_falling_back_to_dms(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    members = [_user(guild, "alice"), _user(guild, "bob")]
    fake.fail_next("PUT", "/thread-members/", status=403, code=50013, message="Missing Permissions")
    room = await messenger.open_room(str(guild.id), members, "Buddies")
    assert room.id.startswith(DM_ROOM_PREFIX)
    assert fake.threads(guild) == []


async def test_room_without_a_pairing_channel_uses_dms(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger, pairing: dict[str, int]
) -> None:
    pairing.clear()
    room = await messenger.open_room(str(guild.id), [_user(guild, "carol")], "Solo")
    assert room.id == f"{DM_ROOM_PREFIX}{guild.member_named('carol').id}"
    assert not fake.find_requests("POST", "/threads")


async def test_room_in_a_channel_without_private_threads_uses_dms(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger, pairing: dict[str, int]
) -> None:
    """An announcement channel refuses private threads (400 50024): DMs instead."""
    news = guild.channel_named("digests")
    news.type = GUILD_ANNOUNCEMENT
    pairing[str(guild.id)] = news.id
    room = await messenger.open_room(str(guild.id), [_user(guild, "alice")], "Pod")
    assert room.id.startswith(DM_ROOM_PREFIX)


async def test_a_retry_after_a_failed_member_add_reuses_the_thread(
    fake: FakeDiscord, guild: FakeGuild, client: StudyBot, messenger: DiscordMessenger
) -> None:
    """A long 429 while adding members fails the attempt; the outbox's retry must not open a
    second thread."""
    client.http.max_ratelimit_timeout = 0.5
    members = [_user(guild, "alice"), _user(guild, "bob")]
    fake.rate_limit_next("PUT", "/thread-members/", retry_after=40.0)
    with pytest.raises(RateLimited):
        await messenger.open_room(str(guild.id), members, "Pod")
    room = await messenger.open_room(str(guild.id), members, "Pod")
    (thread,) = fake.threads(guild)
    assert room.id == str(thread.id)
    assert thread.member_ids == {fake.bot_user.id, *(int(m.id) for m in members)}


async def test_ids_that_are_not_discord_ids_are_not_found(
    guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    with pytest.raises(NotFound):
        await messenger.send(ChannelRef(str(guild.id), "study-hall"), Message(text="x"))
    with pytest.raises(NotFound):
        await messenger.send_dm(UserRef(str(guild.id), "alice"), Message(text="x"))


async def test_a_member_who_left_is_skipped_when_adding_to_the_thread(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    gone = _user(guild, "carol")
    fake.remove_member(guild, int(gone.id))
    room = await messenger.open_room(str(guild.id), [_user(guild, "alice"), gone], "Pod")
    assert room.kind is ChannelKind.ROOM and not room.id.startswith(DM_ROOM_PREFIX)


async def test_short_429_is_retried_by_discord_py(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    """A 429 with Retry-After (and Via) is waited out and retried; the send succeeds."""
    channel = _channel(guild)
    fake.rate_limit_next("POST", f"/channels/{channel.id}/messages", retry_after=0.05)
    await messenger.send(channel, Message(text="hello"))
    first, second = fake.find_requests("POST", f"/channels/{channel.id}/messages")
    assert (first.status, second.status) == (429, 200)
    assert second.received_at - first.received_at >= 0.05


async def test_long_429_becomes_the_ports_rate_limited(
    fake: FakeDiscord, guild: FakeGuild, client: StudyBot, messenger: DiscordMessenger
) -> None:
    """Waits longer than the client's limit surface as RateLimited with the Retry-After,
    so the outbox reschedules instead of blocking the sender."""
    client.http.max_ratelimit_timeout = 0.5
    channel = _channel(guild)
    fake.rate_limit_next("POST", f"/channels/{channel.id}/messages", retry_after=40.0)
    with pytest.raises(RateLimited) as caught:
        await messenger.send(channel, Message(text="hello"))
    assert caught.value.retry_after == 40.0


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (403, 50013, Forbidden),
        (404, 10003, NotFound),
        (400, 50035, PermanentError),
        (503, 0, TransientError),
    ],
)
async def test_http_failures_map_to_port_errors(
    fake: FakeDiscord,
    guild: FakeGuild,
    messenger: DiscordMessenger,
    status: int,
    code: int,
    expected: type[MessengerError],
) -> None:
    channel = _channel(guild)
    fake.fail_next("POST", f"/channels/{channel.id}/messages", status=status, code=code)
    with pytest.raises(expected):
        await messenger.send(channel, Message(text="hello"))


async def test_no_discord_exception_escapes() -> None:
    """Anything discord.py raises inside the port becomes a MessengerError."""
    for error in (
        discord.ClientException("boom"),
        discord.RateLimited(3.0),
        ConnectionResetError("reset"),
        TimeoutError(),
    ):
        with pytest.raises(MessengerError):
            async with port_errors():
                raise error


async def test_lookup_user(
    fake: FakeDiscord, guild: FakeGuild, messenger: DiscordMessenger
) -> None:
    found = await messenger.lookup_user(str(guild.id), str(guild.member_named("alice").id))
    assert found is not None and found.display_name == "Alice"
    assert await messenger.lookup_user(str(guild.id), "123") is None
    assert await messenger.lookup_user(str(guild.id), "not-an-id") is None


async def test_unbound_messenger_is_transient() -> None:
    """Before the client exists (start-up) a send is retryable, not a crash."""
    with pytest.raises(TransientError):
        await DiscordMessenger().send(ChannelRef("1", "2"), Message(text="x"))
