"""What Slack delivers twice is handled once: an event it retries (same `event_id`, with
X-Slack-Retry-Num), a slash command or a click that reaches the app again (same `trigger_id`).
Two deliveries of their own are two."""

from __future__ import annotations

from tests.adapters.slack.slack_harness import ALICE, SlackHarness
from tests.fakes.slack import (
    app_home_opened_event,
    block_actions_payload,
    interactive_body,
    json_body,
    sign,
    slash_command_body,
)


def retried(body: str, attempt: int) -> dict[str, str]:
    """The headers of Slack's retry of an event whose ack it thinks came late."""
    return {
        **sign(body, content_type="application/json"),
        "x-slack-retry-num": str(attempt),
        "x-slack-retry-reason": "http_timeout",
    }


async def test_a_retried_event_is_handled_once(slack: SlackHarness) -> None:
    body = json_body(app_home_opened_event(ALICE))
    await slack.dispatch(body, headers=sign(body, content_type="application/json"))
    await slack.adapter.settle()
    retry = await slack.dispatch(body, headers=retried(body, 1))
    await slack.adapter.settle()
    assert retry.status == 200 and retry.body == ""
    assert len(slack.fake.calls_to("views.publish")) == 1


async def test_two_events_are_both_handled(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    await slack.event(app_home_opened_event(ALICE))
    assert len(slack.fake.calls_to("views.publish")) == 2


async def test_a_command_delivered_twice_runs_once(slack: SlackHarness) -> None:
    body = slash_command_body(
        "checkin did:SQL joins minutes:30",
        user_id=ALICE,
        response_url=slack.fake.response_url("cmd"),
    )
    first = await slack.dispatch(body)
    again = await slack.dispatch(body)
    await slack.adapter.settle()
    assert "Checked in" in slack.reply_text(first)
    assert again.status == 200 and again.body == ""
    assert slack.handled.names == ["checkin"]


async def test_two_commands_alike_both_run(slack: SlackHarness) -> None:
    first = await slack.command("checkin did:SQL minutes:30")
    second = await slack.command("checkin did:SQL minutes:45")
    assert "30 min" in slack.reply_text(first)
    assert "45 min" in slack.reply_text(second)
    assert slack.handled.names == ["checkin", "checkin"]


async def test_a_click_delivered_twice_runs_once(slack: SlackHarness) -> None:
    payload = block_actions_payload(
        "studybot.run.0", "streak", user_id=ALICE, response_url=slack.fake.response_url("click")
    )
    body = interactive_body(payload)
    await slack.dispatch(body)
    again = await slack.dispatch(body)
    await slack.adapter.settle()
    assert again.status == 200 and again.body == ""
    assert slack.handled.names == ["streak"]
