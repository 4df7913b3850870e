"""File options on Slack: a slash command cannot carry a file, so `/study <command>` for a
command that takes one opens a modal with a file input; the submission's file is asked of
`files.info` and downloaded with the bot token from the fake. A test-only command takes it."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.files import PickedFiles
from bot.commands import MAX_FILE_BYTES, FileArg, FileRefused, Invocation, Opt, Reply, command
from tests.adapters.slack.slack_harness import ALICE, OWNER, SlackHarness
from tests.fakes.slack import BOT_TOKEN

Received = list[tuple[FileArg, str]]


@pytest.fixture
def received(slack: SlackHarness) -> Received:
    seen: Received = []

    @command("zz upload", "test only")
    async def upload(
        inv: Invocation,
        *,
        file: Annotated[FileArg, Opt("the learning path to add")],
        note: Annotated[str, Opt("a note")] = "",
    ) -> Reply:
        seen.append((file, note))
        return Reply(text=f"Read {file.filename}: {file.data.decode()}")

    @command("zz upload secret", "test only", admin=True)
    async def upload_secret(
        inv: Invocation, *, file: Annotated[FileArg, Opt("the learning path to add")]
    ) -> Reply:
        seen.append((file, "secret"))
        return Reply(text=f"Read {file.filename}")

    slack.app.add_commands(upload, upload_secret)
    return seen


async def _picker(slack: SlackHarness, text: str, user: str = ALICE) -> dict[str, Any]:
    response = await slack.command(text, trigger_id="trig-file", user=user)
    assert response.status == 200 and not response.body
    opened = await slack.fake.wait_for_call("views.open")
    assert opened.args["trigger_id"] == "trig-file"
    view: dict[str, Any] = opened.json_arg("view")
    return view


async def test_the_command_opens_a_modal_with_a_file_input(
    slack: SlackHarness, received: Received
) -> None:
    view = await _picker(slack, "zz upload")
    assert view["title"]["text"] == "/zz upload"
    (block,) = view["blocks"]
    assert block["block_id"] == "field.file" and block["optional"] is False
    assert block["label"]["text"] == "the learning path to add"
    assert block["element"] == {"type": "file_input", "action_id": "value", "max_files": 1}
    assert received == []


async def test_the_picked_file_reaches_the_handler_with_the_options_typed_before(
    slack: SlackHarness, received: Received
) -> None:
    """Text cannot name a Slack file (`file:F1` is dropped); `note:` typed is kept."""
    view = await _picker(slack, "zz upload note:hello file:F1")
    picked = slack.fake.share_file("path.yaml", b"title: ML engineer")
    submitted = await slack.submit(view, {}, files={"file": picked})
    assert submitted.status == 200 and not submitted.body  # the modal closes
    assert received == [(FileArg("path.yaml", b"title: ML engineer"), "hello")]
    assert slack.fake.downloads == [picked["id"]]
    info = slack.fake.calls_to("files.info")[-1]
    assert info.args["file"] == picked["id"]
    assert info.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    answer = await slack.fake.wait_for_call("response_url")
    assert answer.args["_key"] == "cmd"
    assert "Read path.yaml: title: ML engineer" in answer.args["text"]


async def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(
    slack: SlackHarness, received: Received
) -> None:
    view = await _picker(slack, "zz upload")
    picked = slack.fake.share_file("export.zip", b"PK", size=MAX_FILE_BYTES + 1)
    await slack.submit(view, {}, files={"file": picked})
    answer = await slack.fake.wait_for_call("response_url")
    assert "file: that file is 257 KiB; the limit is 256 KiB." in answer.args["text"]
    assert "Usage: /study zz upload file:" in answer.args["text"]
    assert slack.fake.downloads == [] and received == []


async def test_a_file_larger_than_slack_said_is_refused_once_it_passes_the_limit(
    slack: SlackHarness, received: Received
) -> None:
    view = await _picker(slack, "zz upload")
    picked = slack.fake.share_file("path.yaml", b"x" * (MAX_FILE_BYTES + 70_000), size=10)
    await slack.submit(view, {}, files={"file": picked})
    answer = await slack.fake.wait_for_call("response_url")
    assert "the limit is 256 KiB." in answer.args["text"]
    assert received == []


async def test_a_file_slack_will_not_describe_is_refused_with_what_to_do(
    slack: SlackHarness, received: Received
) -> None:
    view = await _picker(slack, "zz upload")
    picked = slack.fake.share_file("path.yaml", b"title: x")
    slack.fake.scopes.discard("files:read")  # an install from before the scope was added
    await slack.submit(view, {}, files={"file": picked})
    answer = await slack.fake.wait_for_call("response_url")
    assert "file: Slack would not say what that file is." in answer.args["text"]
    assert slack.fake.downloads == [] and received == []


async def test_submitting_without_a_file_keeps_the_modal_open(
    slack: SlackHarness, received: Received
) -> None:
    view = await _picker(slack, "zz upload")
    response = await slack.submit(view, {})
    assert json.loads(response.body)["response_action"] == "errors"
    assert received == []


async def test_an_admin_command_opens_the_picker_for_an_organizer_only(
    slack: SlackHarness, received: Received
) -> None:
    response = await slack.command("zz upload secret", trigger_id="trig-member")
    assert "admins only" in slack.reply_text(response)
    assert "views.open" not in slack.fake.methods()
    view = await _picker(slack, "zz upload secret", user=OWNER)
    assert view["blocks"][0]["element"]["type"] == "file_input"


async def test_a_sign_in_page_instead_of_the_file_is_refused(slack: SlackHarness) -> None:
    """Slack answers a download without a valid token with its HTML sign-in page, 200 OK."""
    picked = slack.fake.share_file("path.yaml", b"title: x")
    stranger = AsyncWebClient(token="xoxb-someone-else", base_url=slack.fake.base_url)
    files = PickedFiles(stranger, {"file": picked})
    with pytest.raises(FileRefused, match=r"^file: Slack would not hand over path\.yaml"):
        await files.read("file", picked["id"], MAX_FILE_BYTES)
    assert slack.fake.downloads == []


async def test_only_a_file_picked_in_this_submission_is_read(slack: SlackHarness) -> None:
    """Another file's id (typed, or from another form) names nothing."""
    mine = slack.fake.share_file("mine.yaml", b"a")
    theirs = slack.fake.share_file("theirs.yaml", b"b")
    files = PickedFiles(slack.adapter.client, {"file": mine})
    with pytest.raises(FileRefused, match="pick the file in the form"):
        await files.read("file", theirs["id"], MAX_FILE_BYTES)
    assert "files.info" not in slack.fake.methods()
