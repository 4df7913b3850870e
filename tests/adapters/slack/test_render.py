"""Pure translations: typed text in, mrkdwn / Block Kit / modals out."""

from __future__ import annotations

import json

import pytest

from adapters.slack.render import (
    FORM_CALLBACK,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    SECTION_CHARS,
    FormContext,
    Renderer,
    button_blocks,
    field_errors,
    form_values,
    form_view,
    typed_text,
)
from bot.ports import Button, Form, FormField, Message, UserRef
from bot.text import literal


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("buddy join", "buddy join"),
        ("block user:<@U0BOB|bob>", "block user:<@U0BOB>"),
        ('checkin did:"a &lt; b &amp;&amp; c &gt; d"', 'checkin did:"a < b && c > d"'),
        ("checkin did:<https://example.org/x|example.org/x>", "checkin did:https://example.org/x"),
        ("digest channel:<#C0GEN|general>", "digest channel:<#C0GEN|general>"),
        ("  help  ", "help"),
    ],
)
def test_typed_text_back_to_console_syntax(typed: str, expected: str) -> None:
    """Slack's escaping of the slash command text is undone before the shared parser."""
    assert typed_text(typed) == expected


def test_renderer_escapes_bolds_prefixes_and_mentions() -> None:
    """Core text becomes safe mrkdwn with `/study` commands and real mentions."""
    renderer = Renderer()
    renderer.set_commands(["help", "buddy join", "checkin"])
    out = renderer.text(
        "**Hi @Bob** type /checkin or /buddy join; see http://x.org/help; 1<2 & /nope",
        mentions=[("U0BOB", "Bob")],
    )
    assert out == (
        "*Hi <@U0BOB>* type /study checkin or /study buddy join; see http://x.org/help;"
        " 1&lt;2 &amp; /nope"
    )


def test_long_text_is_split_into_sections_under_the_limit() -> None:
    """No section exceeds Slack's 3000-character limit and no text is lost."""
    renderer = Renderer()
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(100)) + "\n" + "y" * 7000
    parts = renderer.message_parts(Message(text=text))
    sections = [b["text"]["text"] for p in parts for b in p.blocks if b["type"] == "section"]
    assert all(len(s) <= SECTION_CHARS for s in sections)
    assert "".join(sections).replace("\n", "") == text.replace("\n", "")


def test_details_in_blocks_only_when_asked() -> None:
    """Ephemeral answers carry details inline; channel posts thread them instead."""
    renderer = Renderer()
    message = Message(text="digest", details="more")
    assert len(renderer.message_parts(message)[0].blocks) == 1
    inline = renderer.message_parts(message, with_details=True)[0].blocks
    assert inline[-1]["text"]["text"] == "more"


def test_buttons_carry_command_lines() -> None:
    """Each button's value is the command line it runs; ids are unique; 25 per block."""
    buttons = [Button(f"B{i}", f"buddy met answer:yes round:{i}", "primary") for i in range(30)]
    blocks = button_blocks(buttons)
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    elements = [e for b in blocks for e in b["elements"]]
    assert len({e["action_id"] for e in elements}) == 30
    assert elements[3]["value"] == "buddy met answer:yes round:3"
    assert elements[0]["style"] == "primary"
    secondary = button_blocks([Button("Later", "help")])[0]["elements"][0]
    assert "style" not in secondary


def test_mentions_from_message() -> None:
    """Message.mentions turn `@name` into a Slack mention."""
    renderer = Renderer()
    message = Message(text="You and @Carol", mentions=(UserRef("T", "U0CAROL", "Carol"),))
    assert renderer.fallback(message) == "You and <@U0CAROL>"


def test_form_round_trip() -> None:
    """A Form becomes a modal; submitted values come back by option name."""
    form = Form(
        "A very long check-in form title",
        "checkin",
        (
            FormField("did", "What did you do?", required=True, multiline=True, max_length=500),
            FormField("minutes", "Minutes", placeholder="30"),
        ),
    )
    context = FormContext("checkin", "C1", "https://hooks.example/r")
    view = form_view(form, context)
    assert view["callback_id"] == FORM_CALLBACK
    assert len(view["title"]["text"]) <= 24
    assert [b["block_id"] for b in view["blocks"]] == ["field.did", "field.minutes"]
    assert view["blocks"][0]["optional"] is False and view["blocks"][1]["optional"] is True
    assert view["blocks"][0]["element"]["multiline"] is True
    assert FormContext.decode(view["private_metadata"]) == context
    view["state"] = {
        "values": {
            "field.did": {"value": {"value": " SQL joins "}},
            "field.minutes": {"value": {"value": None}},
        }
    }
    assert form_values(view) == {"did": "SQL joins"}


def test_form_context_survives_garbage() -> None:
    """Tampered or empty metadata decodes to an empty context, never an exception."""
    assert FormContext.decode("not json").command == ""
    assert FormContext.decode(json.dumps([1, 2])).command == ""


@pytest.mark.parametrize(
    ("message", "option", "block"),
    [
        ("minutes must be between 1 and 600, not 0.", "minutes", "field.minutes"),
        ("Missing did: what you did", "did", "field.did"),
        ("Something else entirely", None, "field.did"),
        ("Not a field of this form", "skills", "field.did"),
    ],
)
def test_field_errors_point_at_the_field(message: str, option: str | None, block: str) -> None:
    """Validation messages land on the field they are about."""
    assert list(field_errors(["did", "minutes"], message, option)) == [block]


def test_member_text_shows_as_typed_on_slack() -> None:
    """Escaped characters (member text) never format: mrkdwn has no escape, so look-alikes."""
    out = Renderer().text("**Digest**: " + literal("*free* _nitro_ ~gone~ `x` [a](b)"))
    assert out == "*Digest*: ∗free∗ ˍnitroˍ ∼gone∼ ˋxˋ [a](b)"


def test_more_than_fifty_blocks_become_several_messages_in_order() -> None:
    """Nothing is cut: each part holds at most 50 blocks, the buttons come last."""
    buttons = [Button(f"B{i}", f"help {i}") for i in range(25 * 60)]
    parts = Renderer().message_parts(Message(text="start", buttons=tuple(buttons)))
    assert len(parts) > 1
    assert all(len(p.blocks) <= MAX_BLOCKS for p in parts)
    actions = [b for p in parts for b in p.blocks if b["type"] == "actions"]
    assert [e["value"] for b in actions for e in b["elements"]] == [b.command for b in buttons]


def test_a_long_text_is_split_before_slack_finds_it_too_long() -> None:
    text = "\n".join(f"line {i} " + "x" * 200 for i in range(400))
    parts = Renderer().message_parts(Message(text=text))
    assert len(parts) > 1
    assert all(sum(len(json.dumps(b)) for b in p.blocks) <= MESSAGE_CHARS for p in parts)
