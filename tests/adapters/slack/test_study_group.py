"""The issue's stories end to end on Slack, with the real cogs: check-in modal, reminder button,
a buddy round opening group DMs, and the "Did you meet?" buttons.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from tests.adapters.slack.slack_harness import ALICE, BOB, CAROL, DAVE, OWNER, SlackHarness
from tests.fakes.slack import RecordedCall

STUDENTS = (ALICE, BOB, CAROL, DAVE)


def buttons_in(call: RecordedCall) -> list[dict[str, Any]]:
    blocks = call.json_arg("blocks") or []
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def posts_with_buttons(slack: SlackHarness, command_prefix: str) -> list[RecordedCall]:
    return [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if any(b["value"].startswith(command_prefix) for b in buttons_in(c))
    ]


async def test_checkin_modal_and_submission(slack: SlackHarness) -> None:
    """`/study checkin` opens the check-in modal; submitting it records today's check-in."""
    response = await slack.command("checkin", trigger_id="trig-checkin")
    assert response.status == 200 and not response.body
    opened = await slack.fake.wait_for_call("views.open")
    assert opened.args["trigger_id"] == "trig-checkin"
    view = opened.json_arg("view")
    assert view["title"]["text"] == "Daily check-in"
    skills = ",".join(sorted(slack.app.skills.skills)[:1])
    values = {"did": "Dockerised my Flask app", "skills": skills, "minutes": "45"}
    submitted = await slack.submit(view, values)
    assert submitted.status == 200 and not submitted.body
    assert slack.handled.names[-1] == "checkin"
    answer = await slack.fake.wait_for_call("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "Usage:" not in answer.args["text"]
    streak = await slack.command("streak")
    assert "1" in slack.reply_text(streak)


async def test_reminder_button_opens_the_checkin_modal(slack: SlackHarness) -> None:
    """A reminder DM comes with "Check in now"; clicking it opens the modal for the clicker."""
    reply = await slack.command("checkin remind 19:00")
    assert "19:00" in slack.reply_text(reply)
    slack.clock.advance(timedelta(hours=7))  # 13:00 UTC Monday -> 20:00
    await slack.app.scheduler.run_due()
    await slack.app.sender.drain()
    reminders = posts_with_buttons(slack, "checkin")
    assert len(reminders) == 1
    assert reminders[0].args["channel"].startswith("D")
    button = buttons_in(reminders[0])[0]
    assert button["text"]["text"] == "Check in now" and button["style"] == "primary"

    await slack.click(button["value"], user=ALICE, trigger_id="trig-reminder")
    opened = await slack.fake.wait_for_call("views.open")
    assert opened.args["trigger_id"] == "trig-reminder"
    assert opened.json_arg("view")["title"]["text"] == "Daily check-in"


async def test_buddy_round_opens_group_dms_and_met_buttons_record_answers(
    slack: SlackHarness,
) -> None:
    """`/study admin match now` pairs the students; each pair gets a group DM; the follow-up
    "Did you meet?" buttons run `buddy met` as whoever clicks."""
    for student in STUDENTS:
        joined = await slack.command("buddy join", user=student)
        assert "Usage:" not in slack.reply_text(joined)
    response = await slack.command("admin match now", user=OWNER)
    assert "Working on it" in json.loads(response.body)["text"]  # a slow command acks first
    report = await slack.fake.wait_for_call("response_url")
    assert "for community admins only" not in report.args["text"]

    await slack.app.sender.drain()
    opened = [c.args["users"].split(",") for c in slack.fake.calls_to("conversations.open")]
    groups = [set(users) for users in opened if len(users) > 1]
    assert groups, "every group gets a group DM"
    assert set().union(*groups) == set(STUDENTS)
    assert sum(len(g) for g in groups) == len(STUDENTS)  # nobody in two groups
    rooms = {
        c.args["channel"]
        for c in slack.fake.calls_to("chat.postMessage")
        if c.args["channel"].startswith("G")
    }
    assert len(rooms) == len(groups)

    slack.clock.advance(timedelta(days=4))  # past the mid-round follow-up
    await slack.app.scheduler.run_due()
    await slack.app.sender.drain()
    followups = posts_with_buttons(slack, "buddy met")
    assert followups, "the follow-up asks with buttons"
    values = [b["value"] for b in buttons_in(followups[0])]
    assert values == ["buddy met answer:yes", "buddy met answer:no"]

    slack.handled.names.clear()
    clicked = await slack.click(values[0], user=ALICE, channel_id=followups[0].args["channel"])
    assert clicked.status == 200
    assert slack.handled.names == ["buddy met"]
    replaced, answer = slack.fake.calls_to("response_url")[-2:]
    # the clicked question now shows Alice's answer; its buttons stay for her buddy
    assert replaced.args["replace_original"] is True
    assert ": yes · " in replaced.args["text"] and ": not yet" in replaced.args["text"]
    assert [b["value"] for b in buttons_in(replaced)] == values
    assert answer.args["_key"] == "click" and answer.args["replace_original"] is False
    assert answer.args["response_type"] == "ephemeral"
    assert "Usage:" not in answer.args["text"] and "recorded that you met" in answer.args["text"]
    history = await slack.command("buddy history", user=ALICE)
    assert "met" in slack.reply_text(history).lower()
