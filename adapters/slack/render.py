"""Pure translations between the core's messages and Slack's text, Block Kit and modal payloads.

No I/O here, so every rule is unit-testable without a server.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.commands import Command, OptionType
from bot.ports import Button, Form, Message
from bot.signing import Signer, expiry_of
from bot.text import shorten, split, unescape

JSON = dict[str, Any]

SLASH_COMMAND = "/study"
RUN_ACTION = "studybot.run"  # prefix of every button's action_id; the value is a command line
FORM_CALLBACK = "studybot.form"
FIELD_ACTION = "value"

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks)
SECTION_CHARS = 3000
MAX_BLOCKS = 50
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL_CHARS = 75
BUTTON_VALUE_CHARS = 2000
FALLBACK_CHARS = 3000  # notification text; Slack truncates long top-level text anyway
# Slack refuses a message whose blocks are very long overall (msg_blocks_too_long, seen around
# 13k characters, undocumented): a longer message is split before that.
MESSAGE_CHARS = 12_000
MODAL_TITLE_CHARS = 24
LABEL_CHARS = 2000
PLACEHOLDER_CHARS = 150
METADATA_CHARS = 3000

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)\|[^>]*>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class MessagePart:
    """One Slack message: its top-level (notification) text and its blocks."""

    text: str
    blocks: list[JSON]


@dataclass
class Renderer:
    """Turns core text into Slack mrkdwn.

    The core writes commands as `/checkin`; on Slack every command lives under one slash
    command, so `/checkin` is shown as `/study checkin`. The command words are filled in once
    the cogs have declared their commands (after the messenger had to exist).
    """

    command_words: set[str] = field(default_factory=set)

    def set_commands(self, names: Iterable[str]) -> None:
        self.command_words = {name.split()[0].lower() for name in names if name.strip()}

    def text(self, text: str, mentions: Iterable[tuple[str, str]] = ()) -> str:
        """Escape, convert `**bold**`, prefix commands and turn `@name` into real mentions."""
        out = escape(text)
        out = _BOLD.sub(r"*\1*", out)
        if self.command_words:
            words = "|".join(sorted((re.escape(w) for w in self.command_words), key=len)[::-1])
            out = re.sub(rf"(?<![\w/<])/(?=(?:{words})\b)", SLASH_COMMAND + " ", out)
        for user_id, name in mentions:
            if name:
                out = out.replace("@" + escape(name), f"<@{user_id}>")
        return unescape(out, _as_typed)

    def message_parts(self, message: Message, *, with_details: bool = False) -> list[MessagePart]:
        """The message as one or more Slack messages, in order, each within Block Kit's limits
        (a digest may need several; nothing is cut). Sections for the text (and details, when
        no thread can carry them), then the buttons, which end up in the last part."""
        mentions = [(m.id, m.display_name) for m in message.mentions]
        blocks = [_section(chunk) for chunk in _chunks(self.text(message.text, mentions))]
        if with_details and message.details:
            blocks.append({"type": "divider"})
            blocks += [_section(c) for c in _chunks(self.text(message.details, mentions))]
        blocks += button_blocks(message.buttons)
        batches = _batches(blocks)
        first = MessagePart(self.fallback(message), batches[0])
        return [first, *(MessagePart(_plain(batch), batch) for batch in batches[1:])]

    def fallback(self, message: Message) -> str:
        """Top-level `text`: shown in notifications and by clients that cannot draw blocks."""
        text = self.text(message.text, [(m.id, m.display_name) for m in message.mentions])
        return shorten(text, FALLBACK_CHARS)


# mrkdwn has no escape character: characters a member typed show as look-alikes that Slack
# does not read as formatting.
_LOOKALIKES = {"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"}


def _as_typed(char: str) -> str:
    return _LOOKALIKES.get(char, char)


def escape(text: str) -> str:
    """Slack's three control characters in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def typed_text(text: str) -> str:
    """What a member typed after `/study`, back to the plain text the console would see.

    The command is declared with `should_escape`, so mentions arrive as `<@U123|name>`: keep the
    id (`<@U123>`) for the shared parser. Auto-linked URLs lose their brackets; entities that
    Slack escaped (&amp; &lt; &gt;) become characters again.
    """
    text = _USER_MENTION.sub(r"<@\1>", text)
    text = _LINK.sub(r"\1", text)
    parts = re.split(r"(<[@#!][^>]*>)", text)  # leave mention tokens alone while unescaping
    return "".join(p if p.startswith("<") else html.unescape(p) for p in parts).strip()


def _section(text: str) -> JSON:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}


def _chunks(text: str, size: int = SECTION_CHARS) -> list[str]:
    """Split at line breaks so that each section stays under Slack's limit."""
    return split(text, size) if text else []


def _batches(blocks: list[JSON]) -> list[list[JSON]]:
    """Consecutive runs of blocks, each at most MAX_BLOCKS and about MESSAGE_CHARS long."""
    batches: list[list[JSON]] = [[]]
    size = 0
    for block in blocks:
        chars = len(json.dumps(block))
        if batches[-1] and (len(batches[-1]) == MAX_BLOCKS or size + chars > MESSAGE_CHARS):
            batches.append([])
            size = 0
        batches[-1].append(block)
        size += chars
    return batches


def _plain(blocks: list[JSON]) -> str:
    """The notification text of a continuation: its sections' text (buttons only: a word)."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return shorten("\n".join(texts), FALLBACK_CHARS) or "(continued)"


def button_blocks(buttons: Iterable[Button]) -> list[JSON]:
    elements: list[JSON] = []
    for index, button in enumerate(buttons):
        element: JSON = {
            "type": "button",
            "action_id": f"{RUN_ACTION}.{index}",  # unique within the message, as Slack requires
            "text": {"type": "plain_text", "text": shorten(button.label, BUTTON_LABEL_CHARS)},
            "value": button.command[:BUTTON_VALUE_CHARS],
        }
        if button.style in ("primary", "danger"):  # Slack has no "secondary": it is the default
            element["style"] = button.style
        elements.append(element)
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_BLOCK]}
        for i in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


# --- forms as modals --------------------------------------------------------------------------


@dataclass(frozen=True)
class FormContext:
    """Carried through the modal in `private_metadata`: where the answer should go, and who the
    form was opened for, until when, signed with the installation's secret."""

    command: str
    channel_id: str = ""
    response_url: str = ""
    user: str = ""
    expires: str = ""
    signature: str = ""

    def _signed(self, team: str) -> tuple[str, ...]:
        return (team, self.user, self.command, self.channel_id, self.expires)

    def signed(self, signer: Signer, team: str) -> FormContext:
        return replace(self, signature=signer.sign(*self._signed(team)))

    def refusal(self, signer: Signer, team: str, user: str, now: datetime) -> str | None:
        """Why this submission may not run; None when it may."""
        if not self.signature or not signer.verify(self.signature, *self._signed(team)):
            return "This form is out of date."
        if user != self.user:
            return "This form was opened for someone else."
        deadline = expiry_of(self.expires)
        if deadline is None or now > deadline:
            return "This form has expired; nothing was saved. Run the command again."
        return None

    def encode(self) -> str:
        data = {
            "c": self.command,
            "ch": self.channel_id,
            "u": self.user,
            "e": self.expires,
            "s": self.signature,
            "ru": self.response_url,
        }
        encoded = json.dumps(data, separators=(",", ":"))
        if len(encoded) > METADATA_CHARS:  # never in practice; drop the optional part
            encoded = json.dumps({k: v for k, v in data.items() if k != "ru"})
        return encoded

    @classmethod
    def decode(cls, raw: str) -> FormContext:
        try:
            data = json.loads(raw or "{}")
        except json.JSONDecodeError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls(
            command=str(data.get("c", "")),
            channel_id=str(data.get("ch", "")),
            response_url=str(data.get("ru", "")),
            user=str(data.get("u", "")),
            expires=str(data.get("e", "")),
            signature=str(data.get("s", "")),
        )


def field_block_id(name: str) -> str:
    return f"field.{name}"


def form_view(form: Form, context: FormContext) -> JSON:
    """A modal whose inputs are the form's fields; submitted as `FORM_CALLBACK`."""
    blocks: list[JSON] = []
    for f in form.fields:
        element: JSON = {
            "type": "plain_text_input",
            "action_id": FIELD_ACTION,
            "multiline": f.multiline,
        }
        if f.max_length is not None:
            element["max_length"] = min(f.max_length, 3000)
        if form.value(f.name):  # what is being edited
            element["initial_value"] = shorten(form.value(f.name), f.max_length or 3000)
        if f.placeholder:
            element["placeholder"] = {
                "type": "plain_text",
                "text": shorten(f.placeholder, PLACEHOLDER_CHARS),
            }
        blocks.append(_input_block(f.name, f.label, f.required, element))
    return _modal(form.title, context, blocks)


def file_form_view(command: Command, context: FormContext) -> JSON:
    """A modal with a file picker for each of the command's file options: a slash command
    cannot carry a file, so `/study <command>` opens this; submitted as `FORM_CALLBACK`, and
    `context.command` holds what the member typed besides."""
    blocks = [
        _input_block(
            o.name,
            o.description,
            o.required,
            {"type": "file_input", "action_id": FIELD_ACTION, "max_files": 1},
        )
        for o in command.options
        if o.type is OptionType.FILE
    ]
    return _modal(f"/{command.name}", context, blocks)


def _input_block(name: str, label: str, required: bool, element: JSON) -> JSON:
    return {
        "type": "input",
        "block_id": field_block_id(name),
        "optional": not required,
        "label": {"type": "plain_text", "text": shorten(label, LABEL_CHARS)},
        "element": element,
    }


def _modal(title: str, context: FormContext, blocks: list[JSON]) -> JSON:
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": {"type": "plain_text", "text": shorten(title, MODAL_TITLE_CHARS)},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": context.encode(),
        "blocks": blocks[:MAX_BLOCKS],
    }


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """The submitted field values by option name (empty fields left out)."""
    state = view.get("state", {}).get("values", {})
    values: dict[str, str] = {}
    for block_id, actions in state.items():
        if not block_id.startswith("field.") or not isinstance(actions, Mapping):
            continue
        value = actions.get(FIELD_ACTION, {}).get("value")
        if isinstance(value, str) and value.strip():
            values[block_id.removeprefix("field.")] = value.strip()
    return values


def form_files(view: Mapping[str, Any]) -> dict[str, JSON]:
    """The file picked in each file input, by option name (Slack's file object: id, name...)."""
    state = view.get("state", {}).get("values", {})
    picked: dict[str, JSON] = {}
    for block_id, actions in state.items():
        if not block_id.startswith("field.") or not isinstance(actions, Mapping):
            continue
        files = actions.get(FIELD_ACTION, {}).get("files") or []
        if files and isinstance(files[0], Mapping) and files[0].get("id"):
            picked[block_id.removeprefix("field.")] = dict(files[0])
    return picked


def field_errors(
    form_fields: Iterable[str], message: str, option: str | None = None
) -> dict[str, str]:
    """Attach a validation message to the field it is about (the first field if unclear)."""
    names = list(form_fields)
    if not names:
        return {}
    target = option if option in names else names[0]
    return {field_block_id(target): shorten(message, 2000)}
