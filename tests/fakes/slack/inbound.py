"""What Slack sends the app, as bodies and payloads: slash commands, block actions, view
submissions and Events API callbacks (also the payloads of Socket Mode envelopes).
Sign them with `signing.sign` for the HTTP route."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack.models import APP_ID, BOT_ID, BOT_USER_ID, JSON, TEAM_ID, FakeUser

# Slack gives every interaction a trigger_id and every event an event_id of its own (the bot
# drops a second delivery of either), so each payload built here gets a fresh one.
_deliveries = itertools.count(1)


def _trigger_id() -> str:
    return f"{next(_deliveries)}.1700000000.trig"


def slash_command_form(
    text: str,
    *,
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    team_id: str = TEAM_ID,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    response_url: str = "http://127.0.0.1:9/response/r1",
    trigger_id: str | None = None,
    command: str = "/study",
) -> dict[str, str]:
    """The form fields of a slash command (also the Socket Mode `slash_commands` payload)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "study-group",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or _trigger_id(),
    }


def slash_command_body(text: str, **kwargs: Any) -> str:
    return urlencode(slash_command_form(text, **kwargs))


def _user(user_id: str, team_id: str) -> JSON:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    block_id: str = "b1",
    user_id: str = "U0ALICE",
    team_id: str = TEAM_ID,
    channel_id: str = "C0GENERAL",
    response_url: str = "http://127.0.0.1:9/response/r1",
    trigger_id: str | None = None,
    message_ts: str = "1700000000.000001",
) -> JSON:
    """A `block_actions` payload for one button click."""
    return {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": team_id, "domain": "study-group"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "message": {"type": "message", "ts": message_ts, "text": "", "user": BOT_USER_ID},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": "button"},
                "value": value,
                "action_ts": "1700000001.000000",
            }
        ],
    }


def view_submission_payload(
    callback_id: str,
    values: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    private_metadata: str = "",
    user_id: str = "U0ALICE",
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
) -> JSON:
    """A `view_submission` payload; `values` is `state.values` (block_id -> action_id -> value)."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "study-group"},
        "user": _user(user_id, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id or _trigger_id(),
        "is_enterprise_install": False,
        "enterprise": None,
        "view": {
            "id": "V0SUBMIT",
            "team_id": team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": {k: dict(v) for k, v in values.items()}},
            "hash": "h1",
            "title": {"type": "plain_text", "text": "Form"},
            "blocks": [],
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
    }


def interactive_body(payload: JSON) -> str:
    """Interactive payloads arrive as a form with one JSON `payload` field."""
    return urlencode({"payload": json.dumps(payload)})


def event_callback(event: JSON, *, team_id: str = TEAM_ID) -> JSON:
    """An Events API `event_callback` envelope (also the Socket Mode `events_api` payload)."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_deliveries):08d}",
        "event_time": 1700000000,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def team_join_event(
    user_id: str, *, name: str = "", team_id: str = TEAM_ID, tz: str = "UTC"
) -> JSON:
    user = FakeUser(user_id, name or user_id.lower(), team_id=team_id, tz=tz).to_json()
    return event_callback({"type": "team_join", "user": user}, team_id=team_id)


def user_changed_event(user: FakeUser) -> JSON:
    """A member edited their Slack profile (their time zone, say): the whole user comes along."""
    return event_callback({"type": "user_change", "user": user.to_json()}, team_id=user.team_id)


def app_home_opened_event(
    user_id: str, *, channel_id: str = "D0HOME", tab: str = "home", team_id: str = TEAM_ID
) -> JSON:
    """A member opened the app's Home (or Messages) tab; `view` comes once a Home was published."""
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel_id,
        "tab": tab,
        "event_ts": "1700000000.000100",
    }
    return event_callback(event, team_id=team_id)


def member_left_channel_event(
    user_id: str, *, channel_id: str = "C0GENERAL", team_id: str = TEAM_ID
) -> JSON:
    return _channel_membership("member_left_channel", user_id, channel_id, team_id)


def member_joined_channel_event(
    user_id: str, *, channel_id: str = "C0GENERAL", team_id: str = TEAM_ID
) -> JSON:
    return _channel_membership("member_joined_channel", user_id, channel_id, team_id)


def _channel_membership(kind: str, user_id: str, channel_id: str, team_id: str) -> JSON:
    event = {
        "type": kind,
        "user": user_id,
        "channel": channel_id,
        "channel_type": "G" if channel_id.startswith("G") else "C",
        "team": team_id,
    }
    if kind == "member_joined_channel":
        event["event_ts"] = "1700000000.000100"
    return event_callback(event, team_id=team_id)


def app_uninstalled_event(*, team_id: str = TEAM_ID) -> JSON:
    return event_callback({"type": "app_uninstalled"}, team_id=team_id)


def tokens_revoked_event(*, bot: tuple[str, ...] = (), oauth: tuple[str, ...] = ()) -> JSON:
    """Slack names the revoked tokens by their user ids: `bot` for bot tokens."""
    tokens = {"oauth": list(oauth), "bot": list(bot)}
    return event_callback({"type": "tokens_revoked", "tokens": tokens}, team_id=TEAM_ID)


def user_deactivated_event(user_id: str, *, team_id: str = TEAM_ID) -> JSON:
    """Slack has no "left the workspace" event: deactivation is a `user_change` with deleted."""
    user = FakeUser(user_id, user_id.lower(), team_id=team_id, deleted=True).to_json()
    return event_callback({"type": "user_change", "user": user}, team_id=team_id)


def json_body(payload: JSON) -> str:
    return json.dumps(payload)
