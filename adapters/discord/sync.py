"""Command sync: to one guild (instant, for development) or globally, and only on change.

Discord rate-limits command updates and a global update can take a while to reach clients,
so the bot compares what it would upload with what Discord already has (one GET) and skips
the bulk overwrite when they match. The comparison keeps only the fields we set, with
Discord's defaults filled in, so extra or omitted-default fields never cause a resync.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

_OPTION_DEFAULTS: dict[str, Any] = {
    "required": False,
    "autocomplete": False,
    "choices": [],
    "channel_types": [],
    "options": [],
    "min_value": None,
    "max_value": None,
    "min_length": None,
    "max_length": None,
}
_COMMAND_DEFAULTS: dict[str, Any] = {
    "type": 1,
    "options": [],
    "default_member_permissions": None,
    "nsfw": False,
    "contexts": None,
    "integration_types": None,
}


def _option(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": data.get("type"),
        "name": data.get("name"),
        "description": data.get("description"),
    }
    for key, default in _OPTION_DEFAULTS.items():
        value = data.get(key, default)
        if value is None:
            value = default
        if key == "choices":
            value = [[c.get("name"), c.get("value")] for c in value]
        elif key == "channel_types":
            value = sorted(value)
        elif key == "options":
            value = [_option(o) for o in value]
        out[key] = value
    return out


def canonical(command: dict[str, Any]) -> dict[str, Any]:
    """The parts of a command payload that matter, with Discord's defaults made explicit."""
    out: dict[str, Any] = {"name": command.get("name"), "description": command.get("description")}
    for key, default in _COMMAND_DEFAULTS.items():
        value = command.get(key, default)
        if value is None:
            value = default
        if key == "options":
            value = [_option(o) for o in value]
        elif key in ("contexts", "integration_types") and value is not None:
            value = sorted(value)
        elif key == "default_member_permissions" and value is not None:
            value = str(value)
        out[key] = value
    return out


def fingerprint(commands: list[dict[str, Any]]) -> str:
    ordered = sorted((canonical(c) for c in commands), key=lambda c: str(c["name"]))
    return json.dumps(ordered, sort_keys=True)


async def sync_commands(
    client: discord.Client, tree: app_commands.CommandTree[Any], guild_id: int | None
) -> bool:
    """Upload the tree if it differs from what Discord has. Returns whether it uploaded."""
    guild = discord.Object(guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    local = [c.to_dict(tree) for c in tree.get_commands(guild=guild)]
    app_id = client.application_id
    assert app_id is not None, "log in before syncing"
    if guild_id is None:
        remote: Any = await client.http.get_global_commands(app_id)
    else:
        remote = await client.http.get_guild_commands(app_id, guild_id)
    where = f"guild {guild_id}" if guild_id is not None else "global"
    if fingerprint(local) == fingerprint(list(remote)):
        log.info("%d slash commands (%s) unchanged; not syncing", len(local), where)
        return False
    synced = await tree.sync(guild=guild)
    log.info("synced %d slash commands (%s)", len(synced), where)
    return True
