"""A member's Slack time zone (users.info `tz`) is their default zone, through the real bolt app:
check-in days and reminders follow it, their own profile zone wins, and Slack is asked rarely
and never fails a command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.adapters.slack.slack_harness import ALICE, SlackHarness
from tests.fakes.slack import user_changed_event

MONDAY_8PM_IN_LA = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # Tuesday in UTC (PST is UTC-8)


def live_in_los_angeles(slack: SlackHarness, user: str = ALICE) -> None:
    person = slack.fake.users[user]
    person.tz, person.tz_label, person.tz_offset = (
        "America/Los_Angeles",
        "Pacific Standard Time",
        -28800,
    )


async def test_a_checkin_at_8pm_in_los_angeles_counts_for_that_local_day(
    slack: SlackHarness,
) -> None:
    live_in_los_angeles(slack)
    slack.clock.set(MONDAY_8PM_IN_LA)
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Monday 2 March." in text
    assert "time zone of your Slack profile, America/Los_Angeles" in text
    assert "/study profile set timezone:Berlin (your city or Area/City) overrides it" in text


async def test_the_zone_is_stored_on_the_member(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    await slack.command("streak")
    tenant = await slack.app.tenants.find("slack", slack.installation.team_id)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, ALICE)
    assert member is not None and member.platform_timezone == "America/Los_Angeles"


async def test_a_profile_zone_overrides_the_slack_zone(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    await slack.command("profile set timezone:Europe/Berlin")
    slack.clock.set(MONDAY_8PM_IN_LA)  # 05:00 on Tuesday in Berlin
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Tuesday 3 March." in text
    assert "Slack profile" not in text


async def test_profile_show_says_the_zone_came_from_slack(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    text = slack.reply_text(await slack.command("profile show"))
    assert "Time zone: America/Los_Angeles (from the Slack profile;" in text
    assert "/study profile set timezone:... overrides it" in text


async def test_users_info_failing_does_not_fail_the_command(slack: SlackHarness) -> None:
    slack.fake.fail_next("users.info", "internal_error", times=5)
    slack.clock.set(MONDAY_8PM_IN_LA)
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Tuesday 3 March." in text  # the community's zone: UTC
    assert "community's time zone" in text


async def test_a_429_from_users_info_does_not_fail_the_command(slack: SlackHarness) -> None:
    slack.fake.rate_limit("users.info", times=5)
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Monday 2 March." in text
    assert len(slack.fake.calls_to("users.info")) == 1  # not asked again while limited


async def test_a_failure_keeps_the_zone_known_before(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    await slack.command("streak")
    slack.fake.rate_limit("users.info", times=5)
    slack.clock.set(MONDAY_8PM_IN_LA)  # 15 hours on: the admin answer and the zone are old
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Monday 2 March." in text


async def test_the_cache_avoids_a_second_users_info_call(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    await slack.command("streak")
    await slack.command("checkin did:sql joins")
    assert len(slack.fake.calls_to("users.info")) == 1


async def test_an_hour_old_zone_is_asked_for_again(slack: SlackHarness) -> None:
    await slack.command("streak")
    live_in_los_angeles(slack)
    slack.clock.set(MONDAY_8PM_IN_LA)  # 15 hours on
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Monday 2 March." in text


async def test_a_slack_profile_change_is_seen_by_the_next_command(slack: SlackHarness) -> None:
    slack.clock.set(MONDAY_8PM_IN_LA - timedelta(minutes=1))
    await slack.command("streak")
    live_in_los_angeles(slack)
    await slack.event(user_changed_event(slack.fake.users[ALICE]))
    slack.clock.set(MONDAY_8PM_IN_LA)
    text = slack.reply_text(await slack.command("checkin did:sql joins"))
    assert "Checked in for Monday 2 March." in text
    assert len(slack.fake.calls_to("users.info")) == 1  # the event said it; nobody asked


async def test_reminders_go_out_at_the_slack_zones_local_time(slack: SlackHarness) -> None:
    live_in_los_angeles(slack)
    reply = slack.reply_text(await slack.command("checkin remind 19:00"))
    assert "America/Los_Angeles time" in reply and "Slack profile" in reply
    slack.clock.set(datetime(2026, 3, 2, 19, 0, tzinfo=UTC))  # 11:00 in Los Angeles
    await slack.app.scheduler.run_due()
    await slack.app.sender.drain()
    assert not slack.fake.calls_to("chat.postMessage")
    slack.clock.set(datetime(2026, 3, 3, 3, 0, tzinfo=UTC))  # 19:00 on Monday there
    await slack.app.scheduler.run_due()
    await slack.app.sender.drain()
    [dm] = slack.fake.calls_to("chat.postMessage")
    assert "Time for today's check-in" in str(dm.args["text"])


def named_ana_lima(slack: SlackHarness) -> None:
    person = slack.fake.users[ALICE]
    person.name, person.display_name = "ana.l", "Ana Lima"


async def test_commands_show_the_slack_profile_name_not_the_handle(slack: SlackHarness) -> None:
    named_ana_lima(slack)
    await slack.command("checkin did:sql joins", user_name="ana.l")
    text = slack.reply_text(await slack.command("profile show", user_name="ana.l"))
    assert "Ana Lima's study profile" in text
    assert "ana.l" not in text


async def test_a_button_click_keeps_the_profile_name(slack: SlackHarness) -> None:
    named_ana_lima(slack)
    await slack.command("streak", user_name="ana.l")
    await slack.click("streak")
    tenant = await slack.app.tenants.find("slack", slack.installation.team_id)
    assert tenant is not None
    member = await slack.app.members.find(tenant.id, ALICE)
    assert member is not None and member.display_name == "Ana Lima"


async def test_without_a_profile_the_stored_name_is_kept(slack: SlackHarness) -> None:
    named_ana_lima(slack)
    await slack.command("streak", user_name="ana.l")
    slack.clock.set(MONDAY_8PM_IN_LA)  # the cached profile is old: Slack is asked again
    slack.fake.fail_next("users.info", "internal_error", times=5)
    text = slack.reply_text(await slack.command("profile show", user_name="ana.l"))
    assert "Ana Lima's study profile" in text
