"""SlackMessenger behind the real outbox sender: DMs, group DMs, threads, files, errors, 429s."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.messenger import SlackMessenger, map_error
from adapters.slack.render import Renderer
from bot.ports import (
    Attachment,
    Button,
    ChannelKind,
    ChannelRef,
    DMsClosed,
    Forbidden,
    Message,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
    UserRef,
)
from bot.storage.dm_channels import DmChannelRepo
from bot.storage.outbox import Target, enqueue
from tests.adapters.slack.slack_harness import ALICE, BOB, CAROL, DAVE, SlackHarness
from tests.fakes.slack import OTHER_TEAM_ID, TEAM_ID, RecordedCall


async def queue(slack: SlackHarness, key: str, target: Target, message: Message) -> None:
    """Queue a message the way cogs do: in a transaction, with an idempotency key."""
    tenant = await slack.app.tenants.ensure("slack", TEAM_ID, "Study Group", slack.clock.now())
    async with slack.app.db.transaction() as tx:
        await enqueue(tx, tenant.id, key, target, message, slack.clock.now())


async def test_reminder_dm_with_buttons_through_the_outbox(slack: SlackHarness) -> None:
    """A queued reminder opens the DM once and posts Block Kit buttons with command lines."""
    reminder = Message(
        text="Time for today's check-in!",
        buttons=(Button("Check in now", "checkin", "primary"), Button("Skip today", "help")),
    )
    await queue(slack, "r1", Target.dm(ALICE), reminder)
    await queue(slack, "r2", Target.dm(ALICE), Message(text="again"))
    assert await slack.app.sender.drain() == 2
    assert [c.args["users"] for c in slack.fake.calls_to("conversations.open")] == [ALICE]
    posted = slack.fake.calls_to("chat.postMessage")[0]
    assert posted.args["channel"].startswith("D")
    actions = posted.json_arg("blocks")[-1]
    assert [e["value"] for e in actions["elements"]] == ["checkin", "help"]


async def test_buddy_round_opens_one_group_dm_per_group(slack: SlackHarness) -> None:
    """Each group gets `conversations.open` with its members; later posts reuse the room."""
    groups = {"g1": (ALICE, BOB), "g2": (CAROL, DAVE, "U0OWNER")}
    for key, members in groups.items():
        await queue(
            slack, f"{key}-intro", Target.room(key, members, "Study buddies"), Message("Hi!")
        )
    await slack.app.sender.drain()
    await queue(slack, "g1-met", Target.room("g1", groups["g1"], "Study buddies"), Message("Met?"))
    await slack.app.sender.drain()
    opened = [c.args["users"] for c in slack.fake.calls_to("conversations.open")]
    assert sorted(opened) == ["U0ALICE,U0BOB", "U0CAROL,U0DAVE,U0OWNER"]
    posts = [(c.args["channel"], c.args["text"]) for c in slack.fake.calls_to("chat.postMessage")]
    assert len(posts) == 3 and all(c.startswith("G") for c, _ in posts)
    g1 = [c for c, text in posts if text == "Met?"]
    assert len({c for c, _ in posts}) == 2 and g1 and posts.count((g1[0], "Hi!")) == 1


async def test_rate_limit_is_retried_by_the_outbox_after_retry_after(slack: SlackHarness) -> None:
    """A 429 raises RateLimited(Retry-After); the sender waits exactly that long on its clock."""
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=7)
    await queue(slack, "digest", Target.channel("C0GENERAL"), Message("Weekly digest"))
    assert await slack.app.sender.drain() == 0
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # no SDK-level retry
    slack.clock.advance(timedelta(seconds=6))
    assert await slack.app.sender.drain() == 0
    assert len(slack.fake.calls_to("chat.postMessage")) == 1  # not due yet
    slack.clock.advance(timedelta(seconds=1))
    assert await slack.app.sender.drain() == 1
    assert len(slack.fake.calls_to("chat.postMessage")) == 2
    item = await slack.app.outbox.by_key("digest")
    assert item is not None and item.status == "sent"


async def test_messenger_raises_rate_limited_with_retry_after(slack: SlackHarness) -> None:
    """The port error carries Slack's Retry-After."""
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=12)
    with pytest.raises(RateLimited) as err:
        await slack.adapter.messenger.send(ChannelRef(TEAM_ID, "C1"), Message("x"))
    assert err.value.retry_after == 12


async def test_closed_dm_marks_the_member(slack: SlackHarness) -> None:
    """cannot_dm_bot becomes DMsClosed, which the sender records on the member."""
    tenant = await slack.app.tenants.ensure("slack", TEAM_ID, "", slack.clock.now())
    member = await slack.app.members.ensure(tenant.id, BOB, "bob", slack.clock.now())
    slack.fake.fail_next("conversations.open", "cannot_dm_bot")
    await queue(slack, "bob-dm", Target.dm(BOB), Message("hi"))
    await slack.app.sender.drain()
    refreshed = await slack.app.members.find(tenant.id, BOB)
    assert refreshed is not None and refreshed.id == member.id and refreshed.dm_closed


async def test_details_go_to_a_thread_and_files_upload(slack: SlackHarness) -> None:
    """Details are a thread reply under the message; files use the v2 upload flow."""
    message = Message(
        text="Weekly digest",
        details="Blockers: Docker networking",
        files=(Attachment("chart.png", b"PNG", "minutes per day"),),
    )
    ref = await slack.adapter.messenger.send(ChannelRef(TEAM_ID, "C0DIGEST"), message)
    posts = slack.fake.calls_to("chat.postMessage")
    assert posts[1].args["thread_ts"] == ref.id
    assert "Docker networking" in posts[1].args["text"]
    complete = slack.fake.calls_to("files.completeUploadExternal")[0]
    assert complete.args["channel_id"] == "C0DIGEST"
    assert complete.json_arg("files")[0]["title"] == "minutes per day"
    assert slack.fake.uploads and list(slack.fake.uploads.values()) == [b"PNG"]


async def test_lookup_user(slack: SlackHarness) -> None:
    """users.info -> UserRef; unknown or deactivated users -> None."""
    messenger = slack.adapter.messenger
    found = await messenger.lookup_user(TEAM_ID, ALICE)
    assert found == UserRef(TEAM_ID, ALICE, "alice")
    assert await messenger.lookup_user(TEAM_ID, "U0NOBODY") is None
    slack.fake.users[BOB].deleted = True
    assert await messenger.lookup_user(TEAM_ID, BOB) is None


async def test_other_tenant_is_refused_before_any_call(slack: SlackHarness) -> None:
    """The messenger serves one workspace; another tenant never reaches the Web API."""
    messenger = slack.adapter.messenger
    with pytest.raises(Forbidden):
        await messenger.send(ChannelRef(OTHER_TEAM_ID, "C1"), Message("x"))
    with pytest.raises(Forbidden):
        await messenger.send_dm(UserRef(OTHER_TEAM_ID, ALICE), Message("x"))
    with pytest.raises(Forbidden):
        await messenger.open_room(OTHER_TEAM_ID, [UserRef(OTHER_TEAM_ID, ALICE)], "t")
    with pytest.raises(Forbidden):
        await messenger.lookup_user(OTHER_TEAM_ID, ALICE)
    assert slack.fake.calls == []


async def test_group_dm_limits(slack: SlackHarness) -> None:
    """More than 8 members is refused locally; the bot itself is never listed."""
    messenger = slack.adapter.messenger
    nine = [UserRef(TEAM_ID, f"U{i}") for i in range(9)]
    with pytest.raises(PermanentError):
        await messenger.open_room(TEAM_ID, nine, "too big")
    room = await messenger.open_room(
        TEAM_ID, [UserRef(TEAM_ID, ALICE), UserRef(TEAM_ID, "U0BOT"), UserRef(TEAM_ID, BOB)], "t"
    )
    assert room.kind is ChannelKind.ROOM
    assert slack.fake.calls_to("conversations.open")[0].args["users"] == "U0ALICE,U0BOB"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("channel_not_found", NotFound),
        ("user_not_found", NotFound),
        ("not_in_channel", Forbidden),
        ("is_archived", Forbidden),
        ("missing_scope", Forbidden),
        ("cannot_dm_bot", DMsClosed),
        ("internal_error", TransientError),
        ("invalid_auth", PermanentError),
        ("msg_too_long", PermanentError),
    ],
)
async def test_slack_errors_map_to_port_errors(
    slack: SlackHarness, error: str, expected: type[Exception]
) -> None:
    """Each Slack error code surfaces as the port's error type."""
    slack.fake.fail_next("chat.postMessage", error)
    with pytest.raises(expected):
        await slack.adapter.messenger.send(ChannelRef(TEAM_ID, "C1"), Message("x"))


async def test_transport_failures_are_transient() -> None:
    """Connection errors and 5xx are worth another try."""
    import aiohttp

    assert isinstance(map_error(aiohttp.ClientConnectionError("reset")), TransientError)
    assert isinstance(map_error(TimeoutError()), TransientError)

    class Fake5xx(dict[str, str]):
        status_code = 503
        headers: ClassVar[dict[str, str]] = {}

    error = SlackApiError("boom", Fake5xx(error=""))  # type: ignore[no-untyped-call]
    assert isinstance(map_error(error), TransientError)


def restarted(slack: SlackHarness) -> SlackMessenger:
    """A new messenger on the same database, as after a restart."""
    messenger = SlackMessenger(slack.adapter.client, slack.installation, Renderer())
    messenger.store_dm_channels(DmChannelRepo(slack.app.db))
    return messenger


async def test_a_dm_after_a_restart_costs_no_conversations_open(slack: SlackHarness) -> None:
    await slack.app.tenants.ensure("slack", TEAM_ID, "Study Group", slack.clock.now())
    alice = UserRef(TEAM_ID, ALICE)
    await slack.adapter.messenger.send_dm(alice, Message(text="before"))
    await restarted(slack).send_dm(alice, Message(text="after"))
    assert len(slack.fake.calls_to("conversations.open")) == 1
    posts = slack.fake.calls_to("chat.postMessage")
    assert posts[0].args["channel"] == posts[1].args["channel"]


async def test_a_stale_dm_id_is_opened_again_once(slack: SlackHarness) -> None:
    await slack.app.tenants.ensure("slack", TEAM_ID, "Study Group", slack.clock.now())
    await DmChannelRepo(slack.app.db).put("slack", TEAM_ID, ALICE, "D0GONE")
    slack.fake.fail_next("chat.postMessage", "channel_not_found")
    await restarted(slack).send_dm(UserRef(TEAM_ID, ALICE), Message(text="hello"))
    assert len(slack.fake.calls_to("conversations.open")) == 1
    posts = slack.fake.calls_to("chat.postMessage")
    assert posts[0].args["channel"] == "D0GONE"
    assert posts[1].args["channel"] != "D0GONE"
    assert (
        await DmChannelRepo(slack.app.db).get("slack", TEAM_ID, ALICE) == posts[1].args["channel"]
    )


async def test_deleting_my_data_erases_the_stored_dm_id(slack: SlackHarness) -> None:
    await slack.command("help", user=ALICE)  # ALICE becomes a member
    await slack.adapter.messenger.send_dm(UserRef(TEAM_ID, ALICE), Message(text="hi"))
    store = DmChannelRepo(slack.app.db)
    assert await store.get("slack", TEAM_ID, ALICE) is not None
    await slack.command("privacy delete confirm:yes", user=ALICE)
    assert await store.get("slack", TEAM_ID, ALICE) is None
    await restarted(slack).send_dm(UserRef(TEAM_ID, ALICE), Message(text="again"))
    assert len(slack.fake.calls_to("conversations.open")) == 2


DIGEST_LINES = [f"{i:03d}. Member {i} studied for {i % 5 + 1} hours this week" for i in range(900)]


def posted_lines(calls: list[RecordedCall]) -> list[str]:
    """The lines of text the posted blocks show, in order."""
    return [
        line
        for call in calls
        for block in call.json_arg("blocks")
        if block["type"] == "section"
        for line in block["text"]["text"].split("\n")
    ]


async def test_a_digest_over_slacks_limits_arrives_whole_and_in_order(
    slack: SlackHarness,
) -> None:
    buttons = tuple(Button(f"Join {i}", f"help {i}") for i in range(25 * 55))
    message = Message(text="\n".join(DIGEST_LINES), buttons=buttons)
    await slack.adapter.messenger.send(ChannelRef(TEAM_ID, "C0DIGEST"), message)
    posts = slack.fake.calls_to("chat.postMessage")
    assert len(posts) > 1
    assert posted_lines(posts) == DIGEST_LINES
    values = [
        e["value"]
        for post in posts
        for block in post.json_arg("blocks")
        if block["type"] == "actions"
        for e in block["elements"]
    ]
    assert values == [b.command for b in buttons]


async def test_a_429_on_a_later_part_is_waited_out_not_sent_again(slack: SlackHarness) -> None:
    """Raising would make the outbox post the first part twice; waiting posts each once."""
    message = Message(text="\n".join(DIGEST_LINES))
    slack.fake.rate_limit("chat.postMessage", retry_after=0, after=1)
    await slack.adapter.messenger.send(ChannelRef(TEAM_ID, "C0DIGEST"), message)
    posts = slack.fake.calls_to("chat.postMessage")
    assert posted_lines([posts[0], *posts[2:]]) == DIGEST_LINES  # posts[1] got the 429
    assert posts[1].args["blocks"] == posts[2].args["blocks"]
