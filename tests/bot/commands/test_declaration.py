"""Commands declared on their handlers: options from the signature, typed values into the handler."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.commands import (
    ChannelName,
    Command,
    CommandTable,
    ConvertContext,
    FileArg,
    Invocation,
    Opt,
    Option,
    OptionType,
    Reply,
    SkillList,
    TimeRange,
    TimeZoneName,
    command,
    commands_of,
    declared,
    parse_line,
    tokenize,
    validate,
)
from bot.config import Settings
from bot.skills import SkillCatalogue
from bot.storage.models import Member
from tests.declared import real_commands
from tests.fakes.recording import RecordingMessenger
from tests.helpers import START, actor

OK = Reply(text="ok")


@command("demo every", "One option of every type.", examples=("/demo every hello",))
async def _every(
    inv: Invocation,
    *,
    text: Annotated[str, Opt("some text", primary=True, max_length=20)],
    count: Annotated[int | None, Opt("a number", min=1, max=9)] = None,
    pick: Annotated[str | None, Opt("a choice", choices=("a", "b"))] = None,
    size: Annotated[int | None, Opt("a sized choice", choices=(2, 3))] = None,
    flag: Annotated[bool, Opt("a flag")] = False,
    who: Annotated[Member | None, Opt("a member")] = None,
    where: Annotated[ChannelName | None, Opt("a channel")] = None,
    zone: Annotated[TimeZoneName | None, Opt("a zone")] = None,
    skills: Annotated[SkillList | None, Opt("skills")] = None,
    at: Annotated[time | None, Opt("a time")] = None,
    hours: Annotated[TimeRange | None, Opt("a range")] = None,
    on: Annotated[date | None, Opt("a date")] = None,
) -> Reply:
    return OK


def test_each_keyword_only_parameter_is_an_option_typed_by_its_annotation() -> None:
    declaration = declared(_every)
    types = {o.name: o.type for o in declaration.options}
    assert types == {
        "text": OptionType.TEXT,
        "count": OptionType.INT,
        "pick": OptionType.CHOICE,
        "size": OptionType.INT,
        "flag": OptionType.BOOL,
        "who": OptionType.USER,
        "where": OptionType.CHANNEL,
        "zone": OptionType.TIMEZONE,
        "skills": OptionType.SKILLS,
        "at": OptionType.TIME,
        "hours": OptionType.TIME_RANGE,
        "on": OptionType.DATE,
    }


def test_a_parameter_without_a_default_is_required_and_opt_carries_the_limits() -> None:
    declaration = declared(_every)
    text, count, _, size = declaration.options[:4]
    assert text.required and text.primary and text.max_length == 20
    assert not count.required and (count.min_value, count.max_value) == (1, 9)
    assert size.choices == ("2", "3")
    assert declaration.usage().startswith("/demo every [text:]<text> [count:<1-9>] [pick:<a|b>]")


def test_the_decorator_keeps_the_handler_callable_as_it_was() -> None:
    assert _every.__name__ == "_every"
    assert declared(_every).handler is _every


@pytest.mark.parametrize(
    ("annotation", "problem"),
    [
        (int, "annotate it as Annotated"),
        (Annotated[int, "not an Opt"], "needs an Opt"),
        (Annotated[float, Opt("x")], "is not an option type"),
        (Annotated[bool, Opt("x", choices=("yes",))], "only text and whole-number options"),
    ],
)
def test_a_parameter_that_is_no_option_is_refused_at_declaration(
    annotation: Any, problem: str
) -> None:
    async def handler(inv: Invocation, *, value: Any) -> Reply:
        return OK

    handler.__annotations__["value"] = annotation
    with pytest.raises(TypeError, match=problem):
        command("bad", "Bad")(handler)


def test_an_undeclared_handler_is_refused() -> None:
    async def plain(inv: Invocation) -> Reply:
        return OK

    with pytest.raises(TypeError, match="not declared"):
        declared(plain)


class _Cog:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    @command("zz second", "Declared first in the class.")
    async def second(self, inv: Invocation) -> Reply:
        return OK

    @command("zz first", "Declared second.")
    async def first(
        self,
        inv: Invocation,
        *,
        weeks: Annotated[int, Opt("weeks", primary=True, min=1, max=12)],
        note: Annotated[str, Opt("a note")] = "none",
    ) -> Reply:
        self.seen.append({"weeks": weeks, "note": note})
        return Reply(text=f"{weeks} weeks, {note}")

    async def helper(self) -> None:
        """Not a command: no declaration."""


def test_commands_of_a_cog_are_its_declared_methods_in_class_order() -> None:
    cog = _Cog()
    found = commands_of(cog)
    assert [c.name for c in found] == ["zz second", "zz first"]
    assert found[1].handler == cog.first  # bound to this instance


async def test_the_app_calls_the_handler_with_typed_values_and_defaults(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, studybot_db=str(tmp_path / "d.db"))  # type: ignore[call-arg]
    app = await App.create(settings, ManualClock(START), RecordingMessenger(), [])
    cog = _Cog()
    app.add_cog(cog)
    try:
        reply = await app.handle_line(actor("alice"), "/zz first 3")
        refused = await app.handle_line(actor("alice"), "/zz first weeks:13")
    finally:
        await app.close()
    assert reply.text == "3 weeks, none"
    assert cog.seen == [{"weeks": 3, "note": "none"}]
    assert refused.error and "weeks must be between 1 and 12, not 13." in refused.text


REAL = real_commands()
EXAMPLES = [(c, example) for c in REAL for example in c.examples]


def test_every_real_command_is_declared_with_a_description() -> None:
    assert len(REAL) > 20
    assert all(c.description for c in REAL)


@pytest.mark.parametrize(("declared_command", "example"), EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_every_declared_example_parses_and_validates_as_its_own_command(
    declared_command: Command, example: str
) -> None:
    """An example that does not run as shown would teach members a mistake."""
    # exactly what a member types: a note in brackets would be saved as check-in text
    assert not any(token.startswith("(") for token in tokenize(example)), example
    found, raw = parse_line(example, CommandTable(REAL))
    assert found.name == declared_command.name
    if found.form is not None and not raw:
        return  # the bare command opens its form: that is what the example shows
    now = datetime(2026, 3, 2, tzinfo=UTC)
    validate(found, raw, ConvertContext(skills=SkillCatalogue.load(), now=now))


def test_the_bare_checkin_example_opens_the_form_rather_than_checking_in() -> None:
    checkin = next(c for c in REAL if c.name == "checkin")
    assert "/checkin" in checkin.examples
    assert parse_line("/checkin", CommandTable(REAL)) == (checkin, {})


def _declare_with_aliases(first: tuple[str, ...], second: tuple[str, ...]) -> None:
    options = (
        Option("hours", OptionType.TEXT, "hours", aliases=first),
        Option("level", OptionType.TEXT, "level", aliases=second),
    )
    Command("demo aliases", "Two options with aliases.", _every, options=options)


@pytest.mark.parametrize(
    ("first", "second"),
    [(("free",), ("free",)), (("level",), ()), (("hours",), ())],
    ids=["two options", "another option's name", "its own name"],
)
def test_an_alias_used_twice_is_refused_at_declaration(
    first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="used twice"):
        _declare_with_aliases(first, second)


@pytest.mark.parametrize("alias", ["free time", "2nd", "time:zone"])
def test_an_alias_the_text_syntax_cannot_read_is_refused_at_declaration(alias: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        _declare_with_aliases((alias,), ())


def test_how_to_use_shows_the_usage_and_the_first_example_with_options() -> None:
    @command("demo show", "Show or set.", examples=("/demo show", "/demo show 3", "/demo show 4"))
    async def handler(
        inv: Invocation, *, n: Annotated[int | None, Opt("n", primary=True)] = None
    ) -> Reply:
        return OK

    assert declared(handler).how_to_use() == (
        "Usage: /demo show [[n:]<number>]\nExample: /demo show 3"
    )


@command("demo upload", "Takes a file.")
async def _upload(inv: Invocation, *, file: Annotated[FileArg, Opt("the file")]) -> Reply:
    return OK


def test_a_file_option_is_declared_by_its_annotation_and_shown_as_a_file() -> None:
    declaration = declared(_upload)
    assert [(o.name, o.type, o.required) for o in declaration.options] == [
        ("file", OptionType.FILE, True)
    ]
    assert declaration.usage() == "/demo upload file:<attach a file>"
    assert declaration.usage(file_input="PATH") == "/demo upload file:<PATH>"
