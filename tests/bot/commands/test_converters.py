"""One converter per option type: errors name their option, platforms read what they need."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from bot.commands import (
    CONVERTERS,
    ConvertContext,
    FileRef,
    Option,
    OptionError,
    OptionType,
    RoleRef,
    UserArg,
    ValueKind,
    converter_for,
    placeholder,
)
from bot.skills import SkillCatalogue

CONTEXT = ConvertContext(skills=SkillCatalogue.load(), now=datetime(2026, 3, 2, tzinfo=UTC))
BAD = {
    OptionType.TEXT: "x" * 501,
    OptionType.INT: "lots",
    OptionType.CHOICE: "maybe",
    OptionType.BOOL: "perhaps",
    OptionType.USER: "",
    OptionType.CHANNEL: "#not a channel!",
    OptionType.ROLE: "<#123>",
    OptionType.TIMEZONE: "Mars/Olympus",
    OptionType.SKILLS: "dokcer",
    OptionType.TIME: "25:00",
    OptionType.TIME_RANGE: "18:00",
    OptionType.DATE: "yesterday",
    OptionType.DAY: "someday",
    OptionType.FILE: "x" * 4097,
}


def option(kind: OptionType, **limits: object) -> Option:
    return Option("value", kind, "a value", **limits)  # type: ignore[arg-type]


def test_every_option_type_has_exactly_one_converter() -> None:
    assert set(CONVERTERS) == set(OptionType)
    assert all(c.option_type is kind for kind, c in CONVERTERS.items())


@pytest.mark.parametrize("kind", list(OptionType))
def test_a_bad_value_raises_one_error_that_names_its_option(kind: OptionType) -> None:
    choices = ("yes", "no") if kind is OptionType.CHOICE else ()
    subject = option(kind, choices=choices)
    with pytest.raises(OptionError) as raised:
        converter_for(subject).convert(subject, BAD[kind], CONTEXT)
    assert raised.value.option == "value"
    assert raised.value.message[:1].strip()


def test_messages_that_describe_the_value_start_with_the_option_name() -> None:
    minutes = Option("minutes", OptionType.INT, "minutes", min_value=1, max_value=720)
    with pytest.raises(OptionError, match=r"^minutes must be between 1 and 720, not 721\.$"):
        converter_for(minutes).convert(minutes, "721", CONTEXT)


@pytest.mark.parametrize(
    ("low", "high", "typed", "says"),
    [(1, None, "0", "at least 1, not 0"), (None, 12, "13", "at most 12, not 13")],
)
def test_a_number_limited_on_one_side_names_only_that_side(
    low: int | None, high: int | None, typed: str, says: str
) -> None:
    weeks = Option("weeks", OptionType.INT, "weeks", min_value=low, max_value=high)
    with pytest.raises(OptionError, match=rf"^weeks must be {says}\.$"):
        converter_for(weeks).convert(weeks, typed, CONTEXT)


def test_a_number_written_with_a_hash_is_that_number() -> None:
    request = Option("request", OptionType.INT, "request", min_value=1)
    assert converter_for(request).convert(request, "#12", CONTEXT) == 12


def test_a_number_no_column_holds_is_refused_not_stored() -> None:
    request = Option("request", OptionType.INT, "request", min_value=1)
    with pytest.raises(OptionError, match=r"^request must be between 1 and 9223372036854775807"):
        converter_for(request).convert(request, "9" * 25, CONTEXT)


def test_suggestions_travel_with_the_error() -> None:
    zone = option(OptionType.TIMEZONE)
    with pytest.raises(OptionError) as raised:
        converter_for(zone).convert(zone, "Europe/Berln", CONTEXT)
    assert "Europe/Berlin" in raised.value.suggestions


def test_whole_numbers_with_choices_take_only_those() -> None:
    size = option(OptionType.INT, choices=("2", "3"))
    assert converter_for(size).convert(size, "3", CONTEXT) == 3
    with pytest.raises(OptionError, match="must be one of 2, 3"):
        converter_for(size).convert(size, "4", CONTEXT)
    assert placeholder(size) == "2|3"


@pytest.mark.parametrize(
    ("kind", "value_kind"),
    [
        (OptionType.INT, ValueKind.INTEGER),
        (OptionType.BOOL, ValueKind.BOOLEAN),
        (OptionType.USER, ValueKind.USER),
        (OptionType.CHANNEL, ValueKind.CHANNEL),
        (OptionType.ROLE, ValueKind.ROLE),
        (OptionType.TIMEZONE, ValueKind.STRING),
        (OptionType.TIME_RANGE, ValueKind.STRING),
    ],
)
def test_each_type_says_how_a_typed_platform_carries_it(
    kind: OptionType, value_kind: ValueKind
) -> None:
    assert CONVERTERS[kind].kind is value_kind


def test_zones_skills_and_choices_suggest_while_typing_and_the_rest_do_not() -> None:
    suggesting = {kind for kind, c in CONVERTERS.items() if c.suggests}
    assert suggesting == {OptionType.TIMEZONE, OptionType.SKILLS, OptionType.CHOICE}
    zone = option(OptionType.TIMEZONE)
    assert "Europe/Berlin" in [s.value for s in converter_for(zone).suggest(zone, "berl", CONTEXT)]
    assert len(converter_for(zone).suggest(zone, "", CONTEXT)) > 5


def test_skills_suggestions_keep_the_skills_already_typed() -> None:
    skills = option(OptionType.SKILLS)
    values = [s.value for s in converter_for(skills).suggest(skills, "docker, py", CONTEXT)]
    assert values and all(v.startswith("docker, ") for v in values)
    assert "docker, python" in values


def test_users_are_resolved_later_by_the_app() -> None:
    user = option(OptionType.USER)
    assert converter_for(user).convert(user, "<@123>", CONTEXT) == UserArg("123")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("<@&123>", RoleRef("123")),
        ("123", RoleRef("123")),
        ("<@&123|Study leads>", RoleRef("123", "Study leads")),  # Discord's role picker
        ("@Organizers", RoleRef("", "Organizers")),  # typed on the console
    ],
)
def test_a_role_is_a_mention_an_id_or_a_name(text: str, role: RoleRef) -> None:
    subject = option(OptionType.ROLE)
    assert converter_for(subject).convert(subject, text, CONTEXT) == role


@pytest.mark.parametrize("text", ["@everyone", "<@&42|@everyone>", "@here"])
def test_a_role_every_member_holds_is_refused(text: str) -> None:
    subject = option(OptionType.ROLE)
    with pytest.raises(OptionError, match="every member holds it"):
        converter_for(subject).convert(subject, text, CONTEXT)


def test_a_time_zone_reads_the_fixed_option_beside_it() -> None:
    zone = option(OptionType.TIMEZONE)
    fixed = replace(CONTEXT, given={"timezone": "UTC+2", "fixed": "yes"})
    assert converter_for(zone).convert(zone, "UTC+2", fixed) == "Etc/GMT-2"
    with pytest.raises(OptionError) as raised:
        converter_for(zone).convert(zone, "UTC+2", replace(CONTEXT, given={"fixed": "no"}))
    assert "fixed:yes" in raised.value.message
    assert raised.value.suggestions and "Etc/GMT-2" not in raised.value.suggestions


def test_the_places_at_an_offset_depend_on_the_context_time() -> None:
    zone = option(OptionType.TIMEZONE)
    summer = replace(CONTEXT, now=datetime(2026, 7, 1, tzinfo=UTC))
    winter = replace(CONTEXT, now=datetime(2026, 1, 1, tzinfo=UTC))
    found = {}
    for name, context in (("summer", summer), ("winter", winter)):
        with pytest.raises(OptionError) as raised:
            converter_for(zone).convert(zone, "UTC+2", context)
        found[name] = raised.value.suggestions
    assert "Europe/Berlin" in found["summer"] and "Europe/Berlin" not in found["winter"]


def test_an_ambiguous_time_offers_its_readings() -> None:
    at = option(OptionType.TIME)
    with pytest.raises(OptionError) as raised:
        converter_for(at).convert(at, "7", CONTEXT)
    assert raised.value.suggestions == ("07:00", "19:00")
    assert raised.value.message.startswith("value '7' has no am or pm.")
    window = option(OptionType.TIME_RANGE)
    with pytest.raises(OptionError) as raised:
        converter_for(window).convert(window, "6-9", CONTEXT)
    assert raised.value.suggestions == ("06:00-09:00", "18:00-21:00")


def test_times_and_ranges_fit_the_longer_forms() -> None:
    at, window = option(OptionType.TIME), option(OptionType.TIME_RANGE)
    assert converter_for(at).convert(at, "7:30 PM", CONTEXT) == time(19, 30)
    assert converter_for(window).convert(window, "6 pm to 9 pm", CONTEXT) == (time(18), time(21))
    assert converter_for(at).max_input(at) == 20 and converter_for(window).max_input(window) == 30
    assert placeholder(at) == "HH:MM|7pm" and placeholder(window) == "HH:MM-HH:MM|6pm-9pm"


def test_time_zone_suggestions_find_cities() -> None:
    zone = option(OptionType.TIMEZONE)
    found = converter_for(zone).suggest(zone, "mumb", CONTEXT)
    assert [(s.label, s.value) for s in found][:1] == [("Asia/Kolkata (Mumbai)", "Asia/Kolkata")]


def test_a_file_option_leaves_its_reference_for_the_app_to_fetch() -> None:
    """A path or an upload's id: converting reads nothing, the event's FileSource does."""
    upload = option(OptionType.FILE)
    assert converter_for(upload).convert(upload, "~/paths/ml.yaml", CONTEXT) == FileRef(
        "~/paths/ml.yaml"
    )
    assert converter_for(upload).kind is ValueKind.ATTACHMENT
    assert placeholder(upload) == "attach a file"
