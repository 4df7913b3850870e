"""The fake Slack's fixed identities (team, bot, app, tokens), the users it knows and the
record of each request it received."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

TEAM_ID = "T0STUDY"
OTHER_TEAM_ID = "T0OTHER"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0STUDY"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-fake"
APP_TOKEN = "xapp-fake"


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), or "upload" / "response_url"
    args: Mapping[str, Any]  # query + form + json body merged; JSON-looking strings kept as-is
    headers: Mapping[str, str]
    at: float  # event-loop time (monotonic), for ordering and gaps, never wall-clock
    body: bytes = b""
    path: str = ""

    def json_arg(self, name: str) -> Any:
        """An argument the SDK sent JSON-encoded in a form field (blocks, view, files)."""
        value = self.args.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass
class FakeUser:
    id: str
    name: str
    real_name: str = ""
    display_name: str = ""  # the profile's; Slack sends "" when the member set none
    team_id: str = TEAM_ID
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    # As users.info reports them: an IANA name, its label and its offset now, in seconds.
    tz: str = "UTC"
    tz_label: str = "Coordinated Universal Time"
    tz_offset: int = 0

    def to_json(self) -> JSON:
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "real_name": self.real_name or self.name,
            "deleted": self.deleted,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "tz_label": self.tz_label,
            "tz_offset": self.tz_offset,
            "profile": {
                "display_name": self.display_name or self.name,
                "real_name": self.real_name or self.name,
            },
        }
