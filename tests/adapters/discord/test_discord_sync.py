"""Sync only on change: the comparison ignores what Discord adds or omits by default."""

from __future__ import annotations

import copy
from typing import Any

from adapters.discord.sync import fingerprint

LOCAL: dict[str, Any] = {
    "name": "profile",
    "description": "profile: set, show",
    "type": 1,
    "options": [
        {
            "name": "set",
            "description": "Set your study profile",
            "type": 1,
            "options": [
                {
                    "type": 3,
                    "name": "timezone",
                    "description": "your IANA time zone",
                    "required": False,
                    "autocomplete": True,
                },
                {
                    "type": 3,
                    "name": "goal",
                    "description": "what for",
                    "required": False,
                    "choices": [{"name": "exam", "value": "exam"}],
                },
                {
                    "type": 7,
                    "name": "where",
                    "description": "a channel",
                    "required": True,
                    "channel_types": [5, 0],
                },
            ],
        }
    ],
    "nsfw": False,
    "dm_permission": False,
    "default_member_permissions": 32,
    "contexts": [0],
    "integration_types": [0],
}


def _as_discord_returns_it(local: dict[str, Any]) -> dict[str, Any]:
    """What GET /applications/{id}/commands gives back: ids added, defaults dropped."""
    remote = copy.deepcopy(local)
    remote.update(
        id="1",
        application_id="2",
        version="3",
        name_localizations=None,
        description_localizations=None,
        default_member_permissions="32",
    )
    remote.pop("dm_permission")
    for option in remote["options"][0]["options"]:
        if not option.get("required"):
            option.pop("required", None)
        if "channel_types" in option:
            option["channel_types"] = sorted(option["channel_types"])
    return remote


def test_what_discord_returns_matches_what_was_uploaded() -> None:
    assert fingerprint([LOCAL]) == fingerprint([_as_discord_returns_it(LOCAL)])


def test_a_changed_description_or_option_is_a_change() -> None:
    remote = _as_discord_returns_it(LOCAL)
    changed = copy.deepcopy(LOCAL)
    changed["options"][0]["options"][1]["choices"].append({"name": "job", "value": "job"})
    assert fingerprint([changed]) != fingerprint([remote])
    renamed = copy.deepcopy(LOCAL)
    renamed["description"] = "Your profile"
    assert fingerprint([renamed]) != fingerprint([remote])


def test_a_new_or_removed_command_is_a_change() -> None:
    other = dict(LOCAL, name="streak", options=[])
    assert fingerprint([LOCAL, other]) != fingerprint([LOCAL])
    assert fingerprint([LOCAL, other]) == fingerprint([other, LOCAL])  # order does not matter
