"""Forms as modals, buttons as command lines, files, and where answers are delivered."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import pytest

from bot.commands import Invocation, Opt, Reply, command
from bot.ports import Attachment, Button, ChannelKind, ChannelRef, Form, FormField, Message
from tests.adapters.slack.slack_harness import ALICE, BOB, SlackHarness
from tests.fakes.slack import TEAM_ID

NOTE_FORM = Form(
    "Quick note",
    "zz note",
    (
        FormField("did", "What did you do?", required=True, multiline=True),
        FormField("minutes", "Minutes"),
    ),
)


@pytest.fixture
def notes(slack: SlackHarness) -> list[tuple[str, dict[str, Any]]]:
    """Test-only commands: a form command, a command that replies with a file, a public one."""
    seen: list[tuple[str, dict[str, Any]]] = []

    @command("zz note", "test only", form=NOTE_FORM)
    async def note(
        inv: Invocation,
        *,
        did: Annotated[str, Opt("what you did", primary=True)],
        minutes: Annotated[int | None, Opt("minutes", min=1, max=600)] = None,
    ) -> Reply:
        given = {"did": did} if minutes is None else {"did": did, "minutes": minutes}
        seen.append((inv.member.external_id, given))
        return Reply(text=f"Saved {minutes or 0} min: {did}")

    @command("zz export", "test only")
    async def export(inv: Invocation) -> Reply:
        return Reply(text="Your data", files=(Attachment("me.json", b'{"a": 1}', "export"),))

    @command("zz shout", "test only")
    async def shout(inv: Invocation) -> Reply:
        seen.append((inv.member.external_id, {}))
        return Reply(text="Everyone: hello", private=False, buttons=(Button("Me too", "zz shout"),))

    slack.app.add_commands(note, export, shout)
    return seen


async def test_form_opens_a_modal_and_submission_runs_the_command(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """`/study zz note` opens a modal with the trigger id; a valid submission runs it."""
    response = await slack.command("zz note", trigger_id="trig-modal")
    assert response.status == 200 and not response.body
    opened = await slack.fake.wait_for_call("views.open")
    assert opened.args["trigger_id"] == "trig-modal"
    view = opened.json_arg("view")
    assert view["title"]["text"] == "Quick note"

    submitted = await slack.submit(view, {"did": "SQL joins", "minutes": "30"})
    assert submitted.status == 200 and not submitted.body  # empty ack closes the modal
    assert notes == [(ALICE, {"did": "SQL joins", "minutes": 30})]
    answer = await slack.fake.wait_for_call("response_url")
    assert answer.args["_key"] == "cmd"  # the slash command's response_url, kept in the modal
    assert answer.args["response_type"] == "ephemeral"
    assert "Saved 30 min: SQL joins" in answer.args["text"]


async def test_invalid_submission_keeps_the_modal_open_with_field_errors(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """Validation errors come back as `response_action: errors` on the right field."""
    await slack.command("zz note")
    view = (await slack.fake.wait_for_call("views.open")).json_arg("view")
    response = await slack.submit(view, {"did": "SQL", "minutes": "9999"})
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["field.minutes"]
    assert "600" in body["errors"]["field.minutes"]
    assert notes == []
    empty = json.loads((await slack.submit(view, {})).body)
    assert empty["response_action"] == "errors"


async def test_typed_options_skip_the_form(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """The same command typed with options runs at once and answers in the ack."""
    response = await slack.command('zz note did:"read about Docker volumes" minutes:45')
    assert "Saved 45 min: read about Docker volumes" in slack.reply_text(response)
    assert "views.open" not in slack.fake.methods()


async def test_button_runs_its_command_as_the_clicker(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """A button posted by the messenger carries a command line; clicking runs it as the clicker."""
    channel = ChannelRef(TEAM_ID, "C0GENERAL", ChannelKind.CHANNEL)
    message = Message(text="Time to check in!", buttons=(Button("Shout", "zz shout", "primary"),))
    await slack.adapter.messenger.send(channel, message)
    posted = await slack.fake.wait_for_call("chat.postMessage")
    button = posted.json_arg("blocks")[-1]["elements"][0]
    assert button["value"] == "zz shout"

    response = await slack.click(button["value"], user=BOB)
    assert response.status == 200 and not response.body  # buttons are acked empty, at once
    assert notes == [(BOB, {})]
    answer = await slack.fake.wait_for_call("response_url")
    assert answer.args["replace_original"] is False
    assert answer.args["response_type"] == "in_channel"  # the reply was public


async def test_button_that_needs_a_form_opens_the_modal(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """A reminder's "Check in now" button opens the modal with the click's trigger id."""
    await slack.click("zz note", trigger_id="trig-click")
    opened = await slack.fake.wait_for_call("views.open")
    assert opened.args["trigger_id"] == "trig-click"


async def test_expired_trigger_falls_back_to_typing_hint(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """If views.open fails, the member is told how to type the command instead."""
    slack.fake.fail_next("views.open", "expired_trigger_id")
    await slack.command("zz note")
    answer = await slack.fake.wait_for_call("response_url")
    assert "/study zz note" in answer.args["text"]


async def test_private_files_upload_to_the_dm(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """A reply with a file: text via response_url, file with the v2 upload API into the DM."""
    response = await slack.command("zz export")
    assert response.status == 200
    complete = await slack.fake.wait_for_call("files.completeUploadExternal")
    dm = slack.fake.calls_to("conversations.open")[0]
    assert dm.args["users"] == ALICE
    assert complete.args["channel_id"].startswith("D")
    assert list(slack.fake.uploads.values()) == [b'{"a": 1}']
    assert slack.fake.methods().index("files.getUploadURLExternal") < slack.fake.methods().index(
        "upload"
    )
    assert "Your data" in (await slack.fake.wait_for_call("response_url")).args["text"]


async def test_expired_response_url_falls_back_to_a_dm(
    slack: SlackHarness, notes: list[tuple[str, dict[str, Any]]]
) -> None:
    """When response_url no longer works, the answer arrives as a DM instead of vanishing."""
    await slack.command("zz note")
    view = (await slack.fake.wait_for_call("views.open")).json_arg("view")
    metadata = json.loads(view["private_metadata"])
    view["private_metadata"] = json.dumps({**metadata, "ru": ""})  # the response_url is gone
    await slack.submit(view, {"did": "late night SQL"})
    posted = await slack.fake.wait_for_call("chat.postMessage")
    assert posted.args["channel"].startswith("D")
    assert "late night SQL" in posted.args["text"]


async def test_form_checked_after_the_ack_when_slack_is_slow(
    slack: SlackHarness,
    notes: list[tuple[str, dict[str, Any]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If the pre-ack check outlives the budget, the modal closes and errors come as a reply."""
    await slack.command("zz note")
    view = (await slack.fake.wait_for_call("views.open")).json_arg("view")
    slow_slack = asyncio.Event()

    async def slow_admin_check(user_id: str, *, fresh: bool) -> bool:
        await slow_slack.wait()
        return False

    monkeypatch.setattr(slack.adapter.admins, "is_admin", slow_admin_check)
    slack.adapter.ack_budget = 0.01
    asyncio.get_running_loop().call_later(0.05, slow_slack.set)
    response = await slack.submit(view, {"did": "x", "minutes": "0"})
    assert response.status == 200 and not response.body
    answer = await slack.fake.wait_for_call("response_url")
    assert "minutes" in answer.args["text"] and "/study zz note" in answer.args["text"]
    assert notes == []


async def test_a_bug_still_acks_with_an_apology(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception in the adapter never leaves Slack without an ack."""

    async def broken(*args: Any, **kwargs: Any) -> Reply:
        raise RuntimeError("boom")

    monkeypatch.setattr(slack.adapter, "_run_line", broken)
    response = await slack.command("help")
    assert response.status == 200
    assert "something went wrong" in json.loads(response.body)["text"]
