"""What the fake Discord saw and keeps for tests to inspect: REST requests (with uploaded
files), interactions and the bot's callbacks to them, and failures scripted for later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.discord.constants import Json


@dataclass(frozen=True)
class RecordedFile:
    field_name: str
    filename: str
    content: bytes
    content_type: str


@dataclass
class RecordedRequest:
    method: str
    path: str  # below /api/v10, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    headers: dict[str, str]
    received_at: float  # the event loop's monotonic clock
    status: int = 0
    response: Any = None

    @property
    def authorized(self) -> bool:
        return "Authorization" in self.headers


@dataclass
class ScriptedFailure:
    method: str
    path_substring: str
    remaining: int
    status: int
    body: Json
    headers: dict[str, str]


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    issued_at: float
    user_id: int
    guild_id: int | None
    channel_id: int | None
    callbacks: list[Json] = field(default_factory=list)
    original_message: Json | None = None

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def callback_type(self) -> int | None:
        return int(self.callbacks[0]["type"]) if self.callbacks else None
