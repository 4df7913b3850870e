"""Removing the app from the workspace (uninstall, a revoked bot token): the community is
marked removed, its jobs stop and nothing more is sent; a command there later brings it back."""

from __future__ import annotations

from tests.adapters.slack.slack_harness import SlackHarness
from tests.fakes.slack import (
    BOT_USER_ID,
    TEAM_ID,
    app_uninstalled_event,
    tokens_revoked_event,
)


async def removed(slack: SlackHarness) -> bool:
    tenant = await slack.app.tenants.find("slack", TEAM_ID)
    assert tenant is not None
    return not tenant.active


async def test_an_uninstall_marks_the_community_removed(slack: SlackHarness) -> None:
    await slack.command("help")  # the community is known
    await slack.event(app_uninstalled_event())
    assert await removed(slack)


async def test_a_revoked_bot_token_marks_it_removed(slack: SlackHarness) -> None:
    await slack.command("help")
    await slack.event(tokens_revoked_event(bot=(BOT_USER_ID,)))
    assert await removed(slack)


async def test_a_revoked_user_token_changes_nothing(slack: SlackHarness) -> None:
    await slack.command("help")
    await slack.event(tokens_revoked_event(oauth=("U0SOMEONE",)))
    assert not await removed(slack)


async def test_a_command_after_a_reinstall_brings_the_community_back(slack: SlackHarness) -> None:
    await slack.command("help")
    await slack.event(app_uninstalled_event())
    await slack.command("help")
    assert not await removed(slack)
