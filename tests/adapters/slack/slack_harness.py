"""The Slack adapter under test, driven as Slack would: the harness the Slack tests use, the
people of the fake workspace, and the spy that records what reached the core."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.response import BoltResponse

from adapters.slack.listeners import SlackAdapter
from adapters.slack.messenger import Installation
from bot.app import App
from bot.clock import ManualClock
from tests.fakes.slack import (
    FakeSlack,
    FakeUser,
    block_actions_payload,
    bolt_request,
    interactive_body,
    json_body,
    sign,
    slash_command_body,
    view_submission_payload,
)

ADMIN_GROUP = "S0ADMINS"
ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
OWNER, ORGANIZER = "U0OWNER", "U0ORG"


@dataclass
class Handled:
    """What reached the core's `App.handle` (the spy proves a command was routed)."""

    names: list[str] = field(default_factory=list)
    admins: list[bool] = field(default_factory=list)


@dataclass
class SlackHarness:
    fake: FakeSlack
    adapter: SlackAdapter
    installation: Installation
    clock: ManualClock
    handled: Handled

    @property
    def app(self) -> App:
        return self.adapter.app

    async def dispatch(self, body: str, *, headers: dict[str, str] | None = None) -> BoltResponse:
        return await self.adapter.bolt.async_dispatch(bolt_request(body, headers))

    async def command(
        self, text: str, *, user: str = ALICE, settle: bool = True, **kwargs: Any
    ) -> BoltResponse:
        """Type `/study <text>` as `user`; waits for the after-ack work unless told not to."""
        kwargs.setdefault("response_url", self.fake.response_url("cmd"))
        kwargs.setdefault("user_name", user.lower().removeprefix("u0"))
        body = slash_command_body(text, user_id=user, **kwargs)
        response = await self.dispatch(body)
        if settle:
            await self.adapter.settle()
        return response

    async def click(self, value: str, *, user: str = ALICE, **kwargs: Any) -> BoltResponse:
        kwargs.setdefault("response_url", self.fake.response_url("click"))
        payload = block_actions_payload("studybot.run.0", value, user_id=user, **kwargs)
        response = await self.dispatch(interactive_body(payload))
        await self.adapter.settle()
        return response

    async def submit(
        self,
        view: dict[str, Any],
        values: dict[str, str],
        *,
        user: str = ALICE,
        files: dict[str, dict[str, Any]] | None = None,
    ) -> BoltResponse:
        """Submit a modal the bot opened, with these field values and picked files (the file
        objects of `fake.share_file`, by option name)."""
        state = {
            block["block_id"]: {"value": _state(block, values, files or {})}
            for block in view["blocks"]
        }
        payload = view_submission_payload(
            view["callback_id"], state, private_metadata=view["private_metadata"], user_id=user
        )
        payload["view"]["blocks"] = view["blocks"]
        response = await self.dispatch(interactive_body(payload))
        await self.adapter.settle()
        return response

    async def event(self, payload: dict[str, Any]) -> BoltResponse:
        body = json_body(payload)
        response = await self.dispatch(body, headers=sign(body, content_type="application/json"))
        await self.adapter.settle()
        return response

    def reply_text(self, response: BoltResponse) -> str:
        """The answer a member saw: the ack body, else the last response_url post."""
        if response.body:
            try:
                data = json.loads(response.body)
            except json.JSONDecodeError:
                return response.body
            return _all_text(data)
        posts = self.fake.calls_to("response_url")
        return _all_text(dict(posts[-1].args)) if posts else ""


def _state(block: dict[str, Any], values: dict[str, str], files: dict[str, Any]) -> Any:
    """What Slack reports for one input block: the text typed, or the files picked."""
    name = block["block_id"].removeprefix("field.")
    if block["element"]["type"] == "file_input":
        return {"type": "file_input", "files": [files[name]] if name in files else []}
    return {"type": "plain_text_input", "value": values.get(name)}


def _all_text(data: dict[str, Any]) -> str:
    parts = [str(data.get("text", ""))]
    for block in data.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(str(text.get("text", "")))
    return "\n".join(parts)


def add_people(fake: FakeSlack) -> None:
    for uid in (ALICE, BOB, CAROL, DAVE):
        fake.add_user(FakeUser(uid, uid.lower().removeprefix("u0")))
    fake.add_user(FakeUser(OWNER, "owner", is_owner=True))
    fake.add_user(FakeUser(ORGANIZER, "organizer"))
    fake.usergroups[ADMIN_GROUP] = [ORGANIZER]
