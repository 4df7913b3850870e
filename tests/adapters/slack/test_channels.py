"""Choosing a channel on Slack: the bot joins a public channel it may join, and says exactly
what to do when it cannot post there (a private channel, an archived one, a missing scope)."""

from __future__ import annotations

from tests.adapters.slack.slack_harness import ORGANIZER, SlackHarness
from tests.fakes.slack import FakeSlack


async def choose(slack: SlackHarness, command: str, channel_id: str, name: str) -> str:
    response = await slack.command(f"{command} channel:<#{channel_id}|{name}>", user=ORGANIZER)
    return slack.reply_text(response)


async def test_a_public_channel_the_bot_is_not_in_is_joined(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    study = fake.add_channel("study", member=False)
    text = await choose(slack, "admin digest", study, "study")
    assert "Saved." in text and "I joined #study, so I can post there." in text
    assert [c.args["channel"] for c in fake.calls_to("conversations.join")] == [study]


async def test_a_channel_the_bot_is_in_is_ready_without_joining(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    study = fake.add_channel("study")
    text = await choose(slack, "admin digest", study, "study")
    assert "Not ready" not in text and "joined" not in text
    assert fake.calls_to("conversations.join") == []


async def test_a_private_channel_asks_for_an_invite(slack: SlackHarness, fake: FakeSlack) -> None:
    hidden = fake.add_channel("mentors", private=True, member=False)
    text = await choose(slack, "admin digest", hidden, "mentors")
    assert "Not ready yet: I cannot post the digest in" in text
    assert "if it is private, type /invite @studybot in it" in text


async def test_an_archived_channel_is_refused(slack: SlackHarness, fake: FakeSlack) -> None:
    old = fake.add_channel("old-study", archived=True)
    text = await choose(slack, "admin digest", old, "old-study")
    assert "#old-study is archived" in text


async def test_without_the_join_scope_the_reply_says_to_invite(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fake.scopes.discard("channels:join")
    study = fake.add_channel("study", member=False)
    text = await choose(slack, "admin digest", study, "study")
    assert "studybot is not in #study: type /invite @studybot in #study." in text


async def test_without_the_read_scope_the_reply_names_the_scope(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fake.scopes.discard("channels:read")
    study = fake.add_channel("study")
    text = await choose(slack, "admin digest", study, "study")
    assert "studybot lacks the channels:read scope" in text and "reinstall" in text


async def test_the_buddy_channel_is_not_used_for_group_dms(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    study = fake.add_channel("study-buddies")
    text = await choose(slack, "admin buddies", study, "study-buddies")
    assert "each buddy group gets its own group DM" in text
