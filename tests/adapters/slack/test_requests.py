"""Signed requests through the real bolt app: verification, acks, tenancy, admins, events."""

from __future__ import annotations

import json
import time

from adapters.slack.admins import ADMIN_TTL
from bot.commands import Invocation, Reply, command
from tests.adapters.slack.slack_harness import ALICE, BOB, ORGANIZER, OWNER, SlackHarness
from tests.fakes.slack import (
    OTHER_TEAM_ID,
    TEAM_ID,
    member_left_channel_event,
    sign,
    slash_command_body,
    team_join_event,
    user_deactivated_event,
)


async def test_help_rides_on_the_ack(slack: SlackHarness) -> None:
    """`/study help` answers in the ack itself, with commands written as `/study <name>`."""
    response = await slack.command("help")
    assert response.status == 200
    body = json.loads(response.body)
    assert body["response_type"] == "ephemeral"
    text = slack.reply_text(response)
    assert "/study help" in text
    assert slack.handled.names == ["help"]
    assert "response_url" not in slack.fake.methods()  # nothing more to send


async def test_bare_study_lists_everything(slack: SlackHarness) -> None:
    """`/study` alone is `/study help`."""
    response = await slack.command("")
    assert response.status == 200
    assert slack.handled.names == ["help"]
    for name in slack.app.commands.names():
        command = slack.app.commands.get(name)
        assert command is not None
        if not command.admin:
            assert f"/study {name}" in slack.reply_text(response)


async def test_bad_signature_and_stale_timestamp_get_401(slack: SlackHarness) -> None:
    """Neither a wrong signature nor a 6-minute-old timestamp runs anything."""
    body = slash_command_body("help", user_id=ALICE)
    wrong = sign(body, secret="not-the-secret")
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    unsigned = {"content-type": "application/x-www-form-urlencoded"}
    for headers in (wrong, stale, unsigned):
        response = await slack.dispatch(body, headers=headers)
        assert response.status == 401
    await slack.adapter.settle()
    assert slack.handled.names == []
    assert slack.fake.calls == []
    assert await slack.app.tenants.all() == []


async def test_unknown_command_gets_usage_hint(slack: SlackHarness) -> None:
    """Typos get the shared parser's message, with Slack's `/study` prefix."""
    response = await slack.command("hlep")
    assert response.status == 200
    text = slack.reply_text(response)
    assert "Unknown command" in text
    assert "/study help" in text


async def test_other_workspace_is_refused_without_touching_data(slack: SlackHarness) -> None:
    """A signed request from workspace B: a polite refusal, no core call, no storage, no API."""
    await slack.command("help")  # workspace A exists
    before = await slack.app.tenants.all()
    slack.fake.calls.clear()
    slack.handled.names.clear()
    response = await slack.command("help", team_id=OTHER_TEAM_ID)
    assert response.status == 200
    assert "different Slack workspace" in (response.body or "")
    click = await slack.click("help", team_id=OTHER_TEAM_ID)
    assert click.status == 200
    event = await slack.event(team_join_event("U0MALLORY", team_id=OTHER_TEAM_ID))
    assert event.status == 200
    assert slack.handled.names == []
    assert slack.fake.calls == []
    assert await slack.app.tenants.all() == before
    assert await slack.app.tenants.find("slack", OTHER_TEAM_ID) is None


async def test_admin_command_refused_for_members(slack: SlackHarness) -> None:
    """A member's admin command is refused after a server-side check; nothing changes."""
    admin_commands = [c for c in slack.app.commands if c.admin]
    assert admin_commands, "the admin cog declares admin commands"
    command = admin_commands[0]
    response = await slack.command(command.name, user=BOB)
    assert "for community admins only" in slack.reply_text(response)
    assert slack.fake.calls_to("users.info")[-1].args["user"] == BOB


async def test_workspace_owner_and_admin_group_are_admins(slack: SlackHarness) -> None:
    """Owners/admins by Slack role, and members of the configured user group, are admins."""
    admin_help = next(c for c in slack.app.commands if c.admin)
    for user in (OWNER, ORGANIZER):
        slack.handled.admins.clear()
        response = await slack.command(admin_help.name, user=user)
        assert "for community admins only" not in slack.reply_text(response)
        assert slack.handled.admins == [True]
    assert slack.fake.calls_to("usergroups.users.list")


async def test_losing_the_admin_role_takes_effect_within_the_ttl(slack: SlackHarness) -> None:
    """Admin commands reuse an answer for ADMIN_TTL (Slack's rate limits), never longer."""
    admin_command = next(c for c in slack.app.commands if c.admin)
    await slack.command(admin_command.name, user=OWNER)
    slack.fake.users[OWNER].is_owner = False
    slack.clock.advance(ADMIN_TTL)
    response = await slack.command(admin_command.name, user=OWNER)
    assert "for community admins only" in slack.reply_text(response)


async def test_team_join_and_deactivation_reach_the_core(slack: SlackHarness) -> None:
    """team_join adds a member; a deactivated account (user_change, deleted) marks them left."""
    response = await slack.event(team_join_event("U0NEW", name="newbie"))
    assert response.status == 200
    tenant = await slack.app.tenants.find("slack", TEAM_ID)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, "U0NEW")
    assert member is not None and member.left_at is None
    await slack.event(user_deactivated_event("U0NEW"))
    member = await slack.app.members.find(tenant.id, "U0NEW")
    assert member is not None and member.left_at is not None


async def test_leaving_one_channel_is_not_leaving_the_workspace(slack: SlackHarness) -> None:
    """Without a community channel the workspace is the community: a channel means nothing."""
    await slack.event(team_join_event("U0STAY"))
    await slack.event(member_left_channel_event("U0STAY"))
    tenant = await slack.app.tenants.find("slack", TEAM_ID)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, "U0STAY")
    assert member is not None and member.left_at is None


async def test_slow_command_acks_first_then_answers_via_response_url(
    slack: SlackHarness,
) -> None:
    """A command that outlives the ack budget is acked with 'Working on it' and answered later."""
    import asyncio

    release = asyncio.Event()

    @command("zz slowpoke", "test only")
    async def slow(inv: Invocation) -> Reply:
        await release.wait()
        return Reply(text="done at last", private=False)

    slack.app.add_commands(slow)
    slack.adapter.renderer.set_commands(slack.app.commands.names())
    slack.adapter.ack_budget = 0.05
    response = await slack.command("zz slowpoke", settle=False)
    assert response.status == 200
    assert "Working on it" in json.loads(response.body)["text"]
    assert slack.fake.calls_to("response_url") == []
    release.set()
    post = await slack.fake.wait_for_call("response_url")
    assert post.args["response_type"] == "in_channel"
    assert "done at last" in post.args["text"]
    await slack.adapter.settle()


async def test_declared_slow_command_never_waits_for_the_ack(slack: SlackHarness) -> None:
    """`slow=True` commands ack before running at all."""
    ran: list[str] = []

    @command("zz report", "test only", slow=True)
    async def slow(inv: Invocation) -> Reply:
        ran.append("x")
        return Reply(text="report ready")

    slack.app.add_commands(slow)
    response = await slack.command("zz report")
    assert "Working on it" in json.loads(response.body)["text"]
    post = await slack.fake.wait_for_call("response_url")
    assert post.args["response_type"] == "ephemeral" and "report ready" in post.args["text"]
    assert ran == ["x"]


async def test_admin_group_by_handle(slack: SlackHarness) -> None:
    """SLACK_ADMIN_USERGROUP may name the group by handle instead of id."""
    from adapters.slack.admins import AdminCheck

    slack.fake.usergroup_handles["S0ADMINS"] = "study-organizers"
    check = AdminCheck(slack.adapter.client, slack.clock, "@study-organizers")
    assert await check.is_admin(ORGANIZER, fresh=True)
    assert not await check.is_admin(BOB, fresh=True)
    missing = AdminCheck(slack.adapter.client, slack.clock, "no-such-group")
    assert not await missing.is_admin(ORGANIZER, fresh=True)


async def test_admin_check_fails_closed(slack: SlackHarness) -> None:
    """If Slack cannot answer, nobody is an admin."""
    slack.fake.fail_next("users.info", "internal_error")
    response = await slack.command(next(c for c in slack.app.commands if c.admin).name, user=OWNER)
    assert "for community admins only" in slack.reply_text(response)


async def test_a_long_answer_arrives_whole_through_response_url(slack: SlackHarness) -> None:
    """Over Block Kit's limits the answer cannot ride on the ack: parts follow, in order."""
    lines = [f"{i:03d}. a long line of the weekly report, number {i}" for i in range(700)]

    @command("zz long", "test only")
    async def long_answer(inv: Invocation) -> Reply:
        return Reply(text="\n".join(lines))

    slack.app.add_commands(long_answer)
    await slack.command("zz long")
    posts = slack.fake.calls_to("response_url")
    assert len(posts) > 1
    shown = [
        line
        for post in posts
        for block in post.args["blocks"]
        if block["type"] == "section"
        for line in block["text"]["text"].split("\n")
    ]
    assert shown == lines
