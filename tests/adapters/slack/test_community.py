"""`/admin community channel:#x` on Slack: that channel's members are the community, not the
whole workspace; joining it is joining, leaving it is leaving."""

from __future__ import annotations

from tests.adapters.slack.slack_harness import ORGANIZER, SlackHarness
from tests.fakes.slack import (
    TEAM_ID,
    FakeSlack,
    FakeUser,
    member_joined_channel_event,
    member_left_channel_event,
    team_join_event,
)


async def member_left_at(slack: SlackHarness, user_id: str) -> tuple[bool, bool]:
    """(is a member row, has left)."""
    tenant = await slack.app.tenants.find("slack", TEAM_ID)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, user_id)
    return member is not None, member is not None and member.left_at is not None


async def choose_study_group(slack: SlackHarness, fake: FakeSlack) -> str:
    channel = fake.add_channel("study-group")
    reply = await slack.command(f"admin community channel:<#{channel}|study-group>", user=ORGANIZER)
    assert f"The community is now the members of #{channel}" in slack.reply_text(reply)
    return channel


async def test_joining_the_workspace_no_longer_joins_the_community(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await choose_study_group(slack, fake)
    await slack.event(team_join_event("U0NEW"))
    assert await member_left_at(slack, "U0NEW") == (False, False)


async def test_joining_the_channel_joins_with_the_profile_name(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    channel = await choose_study_group(slack, fake)
    fake.add_user(FakeUser("U0ANA", "Ana Lima"))  # her Slack display name
    await slack.event(member_joined_channel_event("U0ANA", channel_id=channel))
    assert await member_left_at(slack, "U0ANA") == (True, False)
    tenant = await slack.app.tenants.find("slack", TEAM_ID)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, "U0ANA")
    assert member is not None and member.display_name == "Ana Lima"


async def test_leaving_the_channel_leaves_the_community_and_other_channels_do_not(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    channel = await choose_study_group(slack, fake)
    fake.add_user(FakeUser("U0ANA", "ana"))
    await slack.event(member_joined_channel_event("U0ANA", channel_id=channel))
    await slack.event(member_left_channel_event("U0ANA", channel_id="C0RANDOM"))
    assert await member_left_at(slack, "U0ANA") == (True, False)
    await slack.event(member_left_channel_event("U0ANA", channel_id=channel))
    assert await member_left_at(slack, "U0ANA") == (True, True)


async def test_off_makes_the_workspace_the_community_again(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await choose_study_group(slack, fake)
    reply = await slack.command("admin community off:yes", user=ORGANIZER)
    assert "The whole workspace is the community again." in slack.reply_text(reply)
    await slack.event(team_join_event("U0NEW"))
    assert await member_left_at(slack, "U0NEW") == (True, False)


async def test_a_community_channel_the_bot_is_not_in_is_joined(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    channel = fake.add_channel("study-group", member=False)
    reply = await slack.command(f"admin community channel:<#{channel}|study-group>", user=ORGANIZER)
    assert "I joined #study-group" in slack.reply_text(reply)
