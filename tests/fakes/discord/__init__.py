"""A fake Discord (REST API + gateway) on 127.0.0.1 for driving the real discord.py offline.

Every REST request is recorded; the routes the bot uses answer with realistic payloads, and
the rules a real Discord enforces and discord.py does not are enforced, so that a test fails
the way production would: the 3-second interaction deadline and single acknowledgement
(``interactions.py``), message, modal, button and command-schema limits (``limits.py``), DMs
to users who closed them (403/50007), commands a
member may not use (``CommandHidden``: default member permissions and server overrides), private threads in a guild that forbids them
(403/50001), and failures scripted for the next N requests on a route, such as a 429 with
``Retry-After`` and ``Via`` (``rest.py``).

The parts: ``constants`` (Discord's numbers), ``models`` (the world as data), ``records``
(what the fake saw), ``state`` (the store everything reads and changes), ``rest`` and
``routes`` (HTTP), ``interactions``, ``gateway``, ``payloads`` (what users send) and
``server`` (``FakeDiscord``, which owns them all). ``python -m tests.fakes.discord --help``
serves one for a bot started by hand.

This package exports what tests import; the other constants are in ``constants``.
"""

from __future__ import annotations

from tests.fakes.discord.constants import (
    EPHEMERAL,
    GUILD_ANNOUNCEMENT,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILDS,
    OPT_ATTACHMENT,
    OPT_BOOLEAN,
    OPT_CHANNEL,
    OPT_INTEGER,
    OPT_ROLE,
    OPT_STRING,
    OPT_USER,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Json,
    shard_of,
)
from tests.fakes.discord.gateway import GatewayConnection
from tests.fakes.discord.limits import validate_command, validate_message, validate_modal
from tests.fakes.discord.models import (
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
)
from tests.fakes.discord.payloads import CommandHidden, schema_options_at
from tests.fakes.discord.records import InteractionRecord, RecordedFile, RecordedRequest
from tests.fakes.discord.server import FakeDiscord

__all__ = [
    "EPHEMERAL",
    "GUILD_ANNOUNCEMENT",
    "INTENT_GUILDS",
    "INTENT_GUILD_MEMBERS",
    "OPT_ATTACHMENT",
    "OPT_BOOLEAN",
    "OPT_CHANNEL",
    "OPT_INTEGER",
    "OPT_ROLE",
    "OPT_STRING",
    "OPT_USER",
    "PRIVATE_THREAD",
    "PUBLIC_THREAD",
    "CommandHidden",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "GatewayConnection",
    "InteractionRecord",
    "Json",
    "RecordedFile",
    "RecordedRequest",
    "schema_options_at",
    "shard_of",
    "validate_command",
    "validate_message",
    "validate_modal",
]
