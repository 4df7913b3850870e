"""Discord's documented limits on what a bot sends, as validators that list the problems a
real Discord would reject a payload for (an empty list if it would accept it).

discord.py checks few of these itself; the fake runs them on command syncs, new channel
messages, interaction replies, follow-ups and modals, so that a payload production would
refuse fails the test instead.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.discord.constants import (
    OPT_STRING,
    OPT_SUB_COMMAND,
    OPT_SUB_COMMAND_GROUP,
    Json,
)

_COMMAND_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


def validate_command(cmd: Json) -> list[str]:
    """Problems Discord would reject a CHAT_INPUT command for (an empty list if none)."""
    problems: list[str] = []
    name = cmd.get("name", "")
    if not _COMMAND_NAME.match(str(name)):
        problems.append(f"command name {name!r} is not 1-32 lowercase letters, digits, - or _")
    problems.extend(_validate_description(str(name), cmd.get("description", "")))
    perms = cmd.get("default_member_permissions")
    if perms is not None and not str(perms).isdigit():
        problems.append(f"{name}: default_member_permissions must be a numeric string")
    problems.extend(_validate_options(str(name), cmd.get("options") or [], depth=0))
    if _command_size(cmd) > 4000:
        problems.append(f"{name}: names, descriptions and choices exceed 4000 characters")
    return problems


def _validate_description(where: str, description: Any) -> list[str]:
    if not isinstance(description, str) or not 1 <= len(description) <= 100:
        return [f"{where}: description must be 1-100 characters, got {description!r}"]
    return []


def _validate_options(where: str, options: list[Json], depth: int) -> list[str]:
    problems: list[str] = []
    if len(options) > 25:
        problems.append(f"{where}: more than 25 options")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{where}: duplicate option names {names}")
    kinds = {o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in options}
    if len(kinds) > 1:
        problems.append(f"{where}: subcommands mixed with plain options")
    seen_optional = False
    for opt in options:
        opt_name = str(opt.get("name", ""))
        path = f"{where} {opt_name}"
        if not _COMMAND_NAME.match(opt_name):
            problems.append(f"{path}: option name is not 1-32 lowercase letters, digits, - or _")
        problems.extend(_validate_description(path, opt.get("description", "")))
        kind = opt.get("type")
        if kind == OPT_SUB_COMMAND_GROUP:
            if depth != 0:
                problems.append(f"{path}: subcommand groups can only be nested one level deep")
            children = opt.get("options") or []
            if any(c.get("type") != OPT_SUB_COMMAND for c in children):
                problems.append(f"{path}: a group may contain only subcommands")
            problems.extend(_validate_options(path, children, depth + 1))
        elif kind == OPT_SUB_COMMAND:
            if depth > 1:
                problems.append(f"{path}: subcommand nested too deep")
            problems.extend(_validate_options(path, opt.get("options") or [], depth + 2))
        else:
            if kind not in range(OPT_STRING, 12):
                problems.append(f"{path}: unknown option type {kind}")
            required = bool(opt.get("required", False))
            if required and seen_optional:
                problems.append(f"{path}: required options must come before optional ones")
            seen_optional = seen_optional or not required
            choices = opt.get("choices") or []
            if len(choices) > 25:
                problems.append(f"{path}: more than 25 choices")
            if choices and opt.get("autocomplete"):
                problems.append(f"{path}: choices and autocomplete are mutually exclusive")
            for choice in choices:
                if not 1 <= len(str(choice.get("name", ""))) <= 100:
                    problems.append(f"{path}: choice name must be 1-100 characters")
    return problems


def _command_size(node: Json) -> int:
    size = len(str(node.get("name", ""))) + len(str(node.get("description", "")))
    for choice in node.get("choices") or []:
        size += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
    return size + sum(_command_size(o) for o in node.get("options") or [])


def validate_message(data: Json) -> list[str]:
    """Problems Discord would reject a message body for."""
    problems: list[str] = []
    content = data.get("content") or ""
    if len(content) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    if len(data.get("embeds") or []) > 10:
        problems.append("more than 10 embeds")
    rows = data.get("components") or []
    if len(rows) > 5:
        problems.append("more than 5 action rows")
    for row in rows:
        children = row.get("components") or []
        if row.get("type") == 1 and not 1 <= len(children) <= 5:
            problems.append("an action row must hold 1-5 components")
        for child in children:
            if child.get("type") != 2:
                continue
            label = child.get("label") or ""
            if len(label) > 80:
                problems.append(f"button label {label!r} longer than 80")
            custom_id = child.get("custom_id")
            if child.get("style") != 5 and not 1 <= len(custom_id or "") <= 100:
                problems.append(f"button custom_id {custom_id!r} must be 1-100 characters")
    return problems


def validate_modal(data: Json) -> list[str]:
    problems: list[str] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= 45:
        problems.append(f"modal title {title!r} must be 1-45 characters")
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        problems.append("modal custom_id must be 1-100 characters")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems.append("a modal needs 1-5 components")
    for row in rows:
        for text_input in modal_inputs(row):
            label = text_input.get("label") or row.get("label") or ""
            if not 1 <= len(label) <= 45:
                problems.append(f"text input label {label!r} must be 1-45 characters")
            if not 1 <= len(text_input.get("custom_id") or "") <= 100:
                problems.append("text input custom_id must be 1-100 characters")
    return problems


def modal_inputs(row: Json) -> list[Json]:
    """Text inputs in a modal row: action rows (type 1) or labels (type 18)."""
    if row.get("type") == 18:
        component = row.get("component") or {}
        return [component] if component.get("type") == 4 else []
    return [c for c in row.get("components") or [] if c.get("type") == 4]
