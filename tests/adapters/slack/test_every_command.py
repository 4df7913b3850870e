"""Every declared command is reachable through `/study`, generated from the registry.

Nothing here names a command: a cog that declares a new one is covered automatically, and a
command the Slack adapter cannot route makes this test fail.
"""

from __future__ import annotations

import json

from bot.commands import Command, Option, OptionType, parse_line
from tests.adapters.slack.slack_harness import BOB, OWNER, SlackHarness
from tests.fakes.slack import TEAM_ID

CRASH = "something went wrong on our side"


def sample(option: Option, slack: SlackHarness) -> str:
    """A valid value for an option, written the way a Slack user would type it."""
    kind = option.type
    if option.choices:
        return option.choices[0]
    if kind is OptionType.TEXT:
        return '"practised SQL joins"'
    if kind is OptionType.INT:
        low = option.min_value if option.min_value is not None else 1
        high = option.max_value if option.max_value is not None else low + 30
        return str(min(max(low, 30), high))
    if kind is OptionType.CHOICE:
        return option.choices[0]
    if kind is OptionType.BOOL:
        return "yes"
    if kind is OptionType.USER:
        return f"<@{BOB}|bob>"  # how Slack escapes a mention (should_escape: true)
    if kind is OptionType.CHANNEL:
        return "<#C0GENERAL|general>"
    if kind is OptionType.TIMEZONE:
        return "Europe/Berlin"
    if kind is OptionType.SKILLS:
        return ",".join(sorted(slack.app.skills.skills)[:2])
    if kind is OptionType.TIME:
        return "19:00"
    if kind is OptionType.TIME_RANGE:
        return "18:00-21:00"
    if kind is OptionType.DATE:
        return slack.clock.now().date().isoformat()
    if kind is OptionType.DAY:
        return "today"
    if kind is OptionType.FILE:  # text names no Slack file: the command opens its picker
        return "path.yaml"
    raise AssertionError(f"no sample for option type {kind}: add one here")


def line_for(command: Command, slack: SlackHarness) -> str:
    parts = [command.name]
    parts += [f"{o.name}:{sample(o, slack)}" for o in command.options if o.required]
    return " ".join(parts)


async def test_every_declared_command_is_reachable_through_study(slack: SlackHarness) -> None:
    """A signed `/study <command> <required options>` reaches that command and gets an answer."""
    commands = list(slack.app.commands)
    assert len(commands) >= 3, "the cogs declare commands"
    await slack.app.member_joined(TEAM_ID, BOB, "bob")  # so user options can name someone
    problems: list[str] = []
    for command in commands:
        line = line_for(command, slack)
        assert parse_line(line, slack.app.commands)[0] is command, line
        slack.handled.names.clear()
        slack.fake.calls.clear()
        trigger = f"trig-{command.name.replace(' ', '-')}"
        response = await slack.command(line, user=OWNER, trigger_id=trigger)
        answered = bool(response.body) or bool(slack.fake.calls_to("response_url"))
        opened = [c for c in slack.fake.calls_to("views.open") if c.args["trigger_id"] == trigger]
        text = slack.reply_text(response) if answered else ""
        takes_file = any(o.type is OptionType.FILE for o in command.options)
        if response.status != 200:
            problems.append(f"/study {line}: HTTP {response.status}")
        elif takes_file:  # a slash command cannot carry the file: a modal asks for it first
            if not opened or slack.handled.names:
                problems.append(f"/study {line}: no modal to pick the file")
        elif slack.handled.names != [command.name]:
            problems.append(f"/study {line}: routed to {slack.handled.names}")
        elif not (answered or opened):
            problems.append(f"/study {line}: no answer, no modal")
        elif CRASH in text:
            problems.append(f"/study {line}: the command crashed")
    assert not problems, "\n".join(problems)


async def test_every_form_opens_as_a_modal(slack: SlackHarness) -> None:
    """Commands that offer a form open it as a modal when typed without options."""
    for command in [c for c in slack.app.commands if c.form is not None]:
        slack.fake.calls.clear()
        response = await slack.command(command.name, user=OWNER)
        assert response.status == 200
        opened = await slack.fake.wait_for_call("views.open")
        view = opened.json_arg("view")
        metadata = json.loads(view["private_metadata"])
        form = command.form
        assert form is not None
        assert metadata["c"] == form.command
        assert len(view["blocks"]) == len(form.fields)
