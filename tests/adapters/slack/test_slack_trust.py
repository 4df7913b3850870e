"""Slack forms and DM buttons follow the same rule as Discord's: a form is signed for the member
who opened it, until it expires; a click in a DM acts only for a current member."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from adapters.slack.listeners import FORM_LIFETIME
from bot.app import NOT_A_MEMBER
from tests.adapters.slack.slack_harness import ALICE, BOB, SlackHarness
from tests.fakes.slack import TEAM_ID


async def _checkins(slack: SlackHarness) -> int:
    row = await slack.app.db.fetchone("SELECT COUNT(*) AS n FROM checkins")
    assert row is not None
    return int(row["n"])


async def _checkin_form(slack: SlackHarness) -> dict[str, Any]:
    await slack.command("checkin", trigger_id="trig-form")
    view: dict[str, Any] = (await slack.fake.wait_for_call("views.open")).json_arg("view")
    return view


def _errors(response: Any) -> list[str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    return list(body["errors"].values())


async def test_a_form_submitted_by_someone_else_is_refused_in_place(slack: SlackHarness) -> None:
    view = await _checkin_form(slack)
    response = await slack.submit(view, {"did": "in alice's name"}, user=BOB)
    assert _errors(response) == ["This form was opened for someone else."]
    assert await _checkins(slack) == 0


async def test_tampered_form_metadata_is_refused(slack: SlackHarness) -> None:
    view = await _checkin_form(slack)
    metadata = json.loads(view["private_metadata"])
    view["private_metadata"] = json.dumps({**metadata, "c": "privacy delete"})
    response = await slack.submit(view, {"did": "yes"})
    assert _errors(response) == ["This form is out of date."]
    assert await _checkins(slack) == 0


async def test_an_expired_form_saves_nothing(slack: SlackHarness) -> None:
    view = await _checkin_form(slack)
    slack.clock.advance(FORM_LIFETIME + timedelta(minutes=1))
    response = await slack.submit(view, {"did": "much later"})
    assert _errors(response) == ["This form has expired; nothing was saved. Run the command again."]
    assert await _checkins(slack) == 0


async def test_a_form_submitted_in_time_by_its_member_checks_in(slack: SlackHarness) -> None:
    view = await _checkin_form(slack)
    await slack.submit(view, {"did": "SQL joins"})
    assert await _checkins(slack) == 1


async def test_a_member_who_left_cannot_act_from_a_dm_button(slack: SlackHarness) -> None:
    await slack.command("streak")  # alice is a member
    await slack.app.member_left(TEAM_ID, ALICE)
    await slack.click('checkin did:"from an old reminder"', channel_id="D0ALICE")
    answer = await slack.fake.wait_for_call("response_url")
    assert answer.args["text"].startswith(NOT_A_MEMBER.split("{community}")[0])
    assert await _checkins(slack) == 0
