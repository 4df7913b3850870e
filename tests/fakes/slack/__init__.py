"""A fake Slack on 127.0.0.1 for driving the real slack_sdk / slack_bolt offline.

The parts: ``models`` (fixed ids and tokens, users, the recorded call), ``server``
(``FakeSlack``: the Web API, upload URLs, ``response_url``s and Socket Mode, each request
recorded), ``inbound`` (what Slack sends the app: slash commands, actions, view submissions,
events) and ``signing`` (the v0 signature bolt checks). This package exports what tests use.
"""

from __future__ import annotations

from tests.fakes.slack.inbound import (
    app_home_opened_event,
    app_uninstalled_event,
    block_actions_payload,
    event_callback,
    interactive_body,
    json_body,
    member_joined_channel_event,
    member_left_channel_event,
    slash_command_body,
    slash_command_form,
    team_join_event,
    tokens_revoked_event,
    user_changed_event,
    user_deactivated_event,
    view_submission_payload,
)
from tests.fakes.slack.models import (
    APP_ID,
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    JSON,
    OTHER_TEAM_ID,
    SIGNING_SECRET,
    TEAM_ID,
    FakeUser,
    RecordedCall,
)
from tests.fakes.slack.server import FakeInstall, FakeSlack
from tests.fakes.slack.signing import FORM, bolt_request, sign

__all__ = [
    "APP_ID",
    "APP_TOKEN",
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "FORM",
    "JSON",
    "OTHER_TEAM_ID",
    "SIGNING_SECRET",
    "TEAM_ID",
    "FakeInstall",
    "FakeSlack",
    "FakeUser",
    "RecordedCall",
    "app_home_opened_event",
    "app_uninstalled_event",
    "block_actions_payload",
    "bolt_request",
    "event_callback",
    "interactive_body",
    "json_body",
    "member_joined_channel_event",
    "member_left_channel_event",
    "sign",
    "slash_command_body",
    "slash_command_form",
    "team_join_event",
    "tokens_revoked_event",
    "user_changed_event",
    "user_deactivated_event",
    "view_submission_payload",
]
