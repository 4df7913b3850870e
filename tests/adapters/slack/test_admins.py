"""The Slack admin check within Slack's rate limits: cached answers, one group lookup, 429s."""

from __future__ import annotations

from adapters.slack.admins import ADMIN_TTL, AdminCheck
from tests.adapters.slack.slack_harness import ADMIN_GROUP, BOB, ORGANIZER, SlackHarness
from tests.fakes.slack import FakeUser

SECOND_ORGANIZER = "U0ORG2"


def _admin_command(slack: SlackHarness) -> str:
    return next(c for c in slack.app.commands if c.admin).name


async def test_repeated_admin_commands_cost_one_group_lookup(slack: SlackHarness) -> None:
    command = _admin_command(slack)
    for _ in range(3):
        await slack.command(command, user=ORGANIZER)
    assert slack.handled.admins == [True, True, True]
    assert len(slack.fake.calls_to("usergroups.users.list")) == 1


async def test_several_organizers_share_one_member_list(slack: SlackHarness) -> None:
    slack.fake.add_user(FakeUser(SECOND_ORGANIZER, "organizer2"))
    slack.fake.usergroups[ADMIN_GROUP].append(SECOND_ORGANIZER)
    check = AdminCheck(slack.adapter.client, slack.clock, ADMIN_GROUP)
    assert await check.is_admin(ORGANIZER, fresh=True)
    assert await check.is_admin(SECOND_ORGANIZER, fresh=True)
    assert not await check.is_admin(BOB, fresh=True)
    assert len(slack.fake.calls_to("usergroups.users.list")) == 1


async def test_a_group_handle_is_resolved_once(slack: SlackHarness) -> None:
    slack.fake.usergroup_handles[ADMIN_GROUP] = "study-organizers"
    check = AdminCheck(slack.adapter.client, slack.clock, "@study-organizers")
    assert await check.is_admin(ORGANIZER, fresh=True)
    slack.clock.advance(ADMIN_TTL * 2)
    assert await check.is_admin(ORGANIZER, fresh=True)
    assert len(slack.fake.calls_to("usergroups.list")) == 1
    assert len(slack.fake.calls_to("usergroups.users.list")) == 2


async def test_the_answer_is_asked_again_after_the_ttl(slack: SlackHarness) -> None:
    check = AdminCheck(slack.adapter.client, slack.clock, ADMIN_GROUP)
    assert await check.is_admin(ORGANIZER, fresh=True)
    slack.fake.usergroups[ADMIN_GROUP].remove(ORGANIZER)
    slack.clock.advance(ADMIN_TTL)
    assert not await check.is_admin(ORGANIZER, fresh=True)


async def test_a_429_is_waited_out_and_the_organizer_allowed(slack: SlackHarness) -> None:
    slack.fake.rate_limit("usergroups.users.list", retry_after=0)
    check = AdminCheck(slack.adapter.client, slack.clock, ADMIN_GROUP)
    assert await check.is_admin(ORGANIZER, fresh=True)
    assert len(slack.fake.calls_to("usergroups.users.list")) == 2


async def test_a_long_429_keeps_the_last_known_answer(slack: SlackHarness) -> None:
    check = AdminCheck(slack.adapter.client, slack.clock, ADMIN_GROUP)
    assert await check.is_admin(ORGANIZER, fresh=True)
    slack.clock.advance(ADMIN_TTL)
    slack.fake.rate_limit("usergroups.users.list", retry_after=60)
    assert await check.is_admin(ORGANIZER, fresh=True)
    assert len(slack.fake.calls_to("usergroups.users.list")) == 2  # no wait for a minute


async def test_a_429_with_nothing_known_refuses(slack: SlackHarness) -> None:
    slack.fake.rate_limit("usergroups.users.list", retry_after=60)
    check = AdminCheck(slack.adapter.client, slack.clock, ADMIN_GROUP)
    assert not await check.is_admin(ORGANIZER, fresh=True)
