"""The shipped app manifest matches what the adapter uses."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.slack.listeners import EVENTS
from adapters.slack.scopes import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yml"


def _list_under(text: str, key: str) -> list[str]:
    """The `- item` lines of a YAML list (comments dropped); enough for this flat manifest."""
    match = re.search(rf"^(\s*){key}:\n((?:\1\s+(?:- .*|#.*)\n)+)", text, re.MULTILINE)
    assert match, f"{key} not found in {MANIFEST}"
    items = [line.split("#")[0].strip() for line in match.group(2).splitlines()]
    return [i.removeprefix("- ").strip() for i in items if i.startswith("- ")]


def test_manifest_declares_command_scopes_events_and_interactivity() -> None:
    """One /study command, the scopes for every Web API method used, the routed events."""
    text = MANIFEST.read_text(encoding="utf-8")
    assert re.search(r"- command: /study\n", text)
    assert "should_escape: true" in text
    scopes = set(_list_under(text, "bot"))
    needed = {
        "commands",  # /study
        "chat:write",  # chat.postMessage, chat.postEphemeral
        "im:write",  # conversations.open with one user
        "mpim:write",  # conversations.open with a group
        "users:read",  # users.info, team_join, user_change
        "usergroups:read",  # usergroups.users.list / usergroups.list
        "files:write",  # files.getUploadURLExternal / completeUploadExternal
        "files:read",  # file_input in a modal, files.info and the download
        "channels:read",  # conversations.info on a channel an organizer picks
        "groups:read",  # the same for a private channel the bot was invited to
        "channels:join",  # conversations.join on a public channel it is not in yet
    }
    assert scopes == needed == BOT_SCOPES  # what doctor expects a token to hold
    assert _list_under(text, "bot_events") == list(EVENTS)
    assert re.search(r"interactivity:\n\s+is_enabled: true", text)
    assert "socket_mode_enabled: true" in text


def test_manifest_turns_on_the_messages_tab_that_dms_arrive_in() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    app_home = re.search(r"^  app_home:\n((?:    .*\n)+)", text, re.MULTILINE)
    assert app_home, "features.app_home is missing"
    assert "messages_tab_enabled: true" in app_home.group(1)
    assert "messages_tab_read_only_enabled: false" in app_home.group(1)


def test_manifest_turns_on_the_home_tab() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    app_home = re.search(r"^  app_home:\n((?:    .*\n)+)", text, re.MULTILINE)
    assert app_home, "features.app_home is missing"
    assert "home_tab_enabled: true" in app_home.group(1)
    assert "app_home_opened" in _list_under(text, "bot_events")
