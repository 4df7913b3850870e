"""The App Home tab through the real bolt app: opening it publishes the member's own page."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.slack.slack_harness import ALICE, OWNER, SlackHarness
from tests.fakes.slack import OTHER_TEAM_ID, app_home_opened_event


def published(slack: SlackHarness) -> list[dict[str, Any]]:
    """The views.publish calls' (user, view) in order."""
    views = []
    for call in slack.fake.calls_to("views.publish"):
        view = call.args["view"]
        views.append(
            {"user": call.args["user_id"], **(json.loads(view) if isinstance(view, str) else view)}
        )
    return views


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def buttons_of(view: dict[str, Any]) -> list[str]:
    return [
        str(element["value"])
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_opening_home_publishes_the_members_streak(slack: SlackHarness) -> None:
    await slack.command("checkin did:sql joins")
    await slack.event(app_home_opened_event(ALICE))
    [view] = published(slack)
    assert view["user"] == ALICE and view["type"] == "home"
    assert "Current: 1 day" in text_of(view)
    assert "Last 14 days" in text_of(view)


async def test_home_has_buttons_that_run_commands(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    [view] = published(slack)
    assert {"checkin", "checkin edit", "buddy join", "profile show"} <= set(buttons_of(view))


async def test_a_member_with_no_data_gets_the_start_text(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    [view] = published(slack)
    assert "Start one with /study checkin did:what you did today" in text_of(view)


async def test_the_organizer_section_is_for_admins_only(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    await slack.event(app_home_opened_event(OWNER))
    member, organizer = published(slack)
    assert "admin digest" not in buttons_of(member)
    assert "admin digest" in buttons_of(organizer)


async def test_checking_in_republishes_an_opened_home(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    await slack.command("checkin did:sql joins")
    first, after = published(slack)
    assert "Current: 0 days" in text_of(first)
    assert "Current: 1 day" in text_of(after)


async def test_a_command_does_not_publish_a_home_never_opened(slack: SlackHarness) -> None:
    await slack.command("checkin did:sql joins")
    assert not published(slack)


async def test_the_messages_tab_publishes_nothing(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE, tab="messages"))
    assert not published(slack)


async def test_another_workspaces_home_event_is_refused(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE, team_id=OTHER_TEAM_ID))
    assert not published(slack)


async def test_a_form_submission_republishes_an_opened_home(slack: SlackHarness) -> None:
    await slack.event(app_home_opened_event(ALICE))
    await slack.command("checkin")  # opens the check-in form
    [opened] = slack.fake.calls_to("views.open")
    view = opened.args["view"]
    await slack.submit(json.loads(view) if isinstance(view, str) else view, {"did": "sql joins"})
    assert "Current: 1 day" in text_of(published(slack)[-1])


async def test_a_home_button_answers_in_a_dm(slack: SlackHarness) -> None:
    """A click on the Home tab has no channel and no response_url: the answer goes to a DM."""
    await slack.event(app_home_opened_event(ALICE))
    await slack.click("profile show", response_url="", channel_id="")
    [dm] = slack.fake.calls_to("chat.postMessage")
    assert "study profile" in str(dm.args["text"])
