"""Discord's protocol numbers the fake speaks: API version, permission bits, gateway intents,
interaction, callback, option and channel types (names as in Discord's developer docs)."""

from __future__ import annotations

from typing import Any

API_VERSION = 10
API_PREFIX = f"/api/v{API_VERSION}"
FIXED_TIMESTAMP = "2030-01-07T09:00:00.000000+00:00"  # payloads need one; tests never read it

Json = dict[str, Any]

# Permission bits (Discord docs, "Permissions").
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
ORGANIZER_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
# What the invite link asks for (adapters/discord/channels.invite_permissions).
BOT_PERMISSIONS = (
    MEMBER_PERMISSIONS | CREATE_PUBLIC_THREADS | CREATE_PRIVATE_THREADS | MANAGE_THREADS
)
ALL_PERMISSIONS = (1 << 53) - 1

# Gateway intents (Discord docs, "Gateway Intents").
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT
# Events Discord only sends to connections that asked for the intent.
EVENT_INTENTS = {
    "GUILD_MEMBER_ADD": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": INTENT_GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": INTENT_GUILD_MEMBERS,
}

# Interaction and callback types.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS: dict[int, set[int]] = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE,
        UPDATE_MESSAGE,
        MODAL,
    },
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Application command option types.
OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP, OPT_STRING, OPT_INTEGER, OPT_BOOLEAN = 1, 2, 3, 4, 5
OPT_USER, OPT_CHANNEL, OPT_ROLE, OPT_MENTIONABLE, OPT_NUMBER = 6, 7, 8, 9, 10
OPT_ATTACHMENT = 11

# Channel types.
GUILD_TEXT, DM, GUILD_ANNOUNCEMENT, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 5, 11, 12

# Application flags (Discord docs, "Application Object"): a privileged intent switched on in
# the developer portal, for a bot in fewer than 100 servers (the "_LIMITED" flags).
GATEWAY_PRESENCE_LIMITED = 1 << 13
GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19


def application_flags(intents_enabled: int) -> int:
    """The flags GET /oauth2/applications/@me reports for these enabled privileged intents."""
    flags = 0
    if intents_enabled & INTENT_GUILD_PRESENCES:
        flags |= GATEWAY_PRESENCE_LIMITED
    if intents_enabled & INTENT_GUILD_MEMBERS:
        flags |= GATEWAY_GUILD_MEMBERS_LIMITED
    if intents_enabled & INTENT_MESSAGE_CONTENT:
        flags |= GATEWAY_MESSAGE_CONTENT_LIMITED
    return flags


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events on."""
    return (guild_id >> 22) % shard_count
