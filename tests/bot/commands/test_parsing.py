from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import (
    Command,
    CommandError,
    CommandTable,
    ConvertContext,
    Invocation,
    Opt,
    Reply,
    SkillList,
    TimeRange,
    TimeZoneName,
    UserArg,
    command,
    declared,
    parse_line,
    tokenize,
    validate,
)
from bot.skills import SkillCatalogue
from bot.storage.models import Member

OK = Reply(text="ok")


@command("checkin", "Check in")
async def _checkin(
    inv: Invocation,
    *,
    did: Annotated[str, Opt("what you did", primary=True)],
    minutes: Annotated[
        int | None, Opt("minutes", min=1, max=720, aliases=("mins",), unit="minutes")
    ] = None,
    skills: Annotated[SkillList | None, Opt("skills")] = None,
) -> Reply:
    return OK


@command("checkin remind", "Reminder")
async def _remind(inv: Invocation, *, time: Annotated[time | None, Opt("when")] = None) -> Reply:
    return OK


@command("profile set", "Profile")
async def _profile(
    inv: Invocation,
    *,
    timezone: Annotated[TimeZoneName | None, Opt("tz")] = None,
    hours: Annotated[TimeRange | None, Opt("hours")] = None,
    goal: Annotated[str | None, Opt("goal", choices=("internship", "exam"))] = None,
    week: Annotated[str | None, Opt("which week", choices=("this", "last"))] = None,
    user: Annotated[Member | None, Opt("user")] = None,
    on: Annotated[date | None, Opt("date")] = None,
    public: Annotated[bool | None, Opt("bool")] = None,
) -> Reply:
    return OK


CHECKIN = declared(_checkin)
REMIND = declared(_remind)
PROFILE = declared(_profile)
TABLE = CommandTable([CHECKIN, REMIND, PROFILE])
CONTEXT = ConvertContext(skills=SkillCatalogue.load(), now=datetime(2026, 3, 2, tzinfo=UTC))


def run(line: str) -> tuple[Command, dict[str, Any]]:
    found, raw = parse_line(line, TABLE)
    return found, validate(found, raw, CONTEXT)


def test_tokenize_groups_double_quotes_and_keeps_apostrophes() -> None:
    assert tokenize('did:"two words" didn\'t x') == ["did:two words", "didn't", "x"]


def test_bare_words_fill_the_primary_option() -> None:
    command, args = run("/checkin finished the SQL joins chapter")
    assert command is CHECKIN
    assert args == {"did": "finished the SQL joins chapter"}


def test_longest_command_name_wins() -> None:
    command, args = run("/checkin remind time:19:00")
    assert command is REMIND and args == {"time": time(19, 0)}


def test_value_splits_at_first_colon_only() -> None:
    _, args = run("/profile set hours:18:00-21:00")
    assert args["hours"] == (time(18), time(21))


def test_hours_may_cross_midnight() -> None:
    _, args = run("/profile set hours:22:00-01:00")
    assert args["hours"] == (time(22), time(1))


def test_urls_stay_in_free_text() -> None:
    _, args = run("/checkin read https://docs.docker.com today")
    assert args["did"] == "read https://docs.docker.com today"


def test_skills_resolve_aliases() -> None:
    _, args = run("/checkin did:x skills:k8s,postgres,Docker")
    assert args["skills"] == ("kubernetes", "sql", "docker")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/profile set colour:blue", "Unknown option 'colour'"),
        ("/checkin minutes:20", "Missing did"),
        ("/checkin did:x minutes:lots", "minutes must be a whole number"),
        ("/checkin did:x minutes:721", "minutes must be between 1 and 720"),
        ("/profile set goal:job", "goal must be one of internship, exam"),
        ("/profile set timezone:Europe/Berln", "Did you mean Europe/Berlin"),
        ("/profile set hours:18-25", "not a time"),
        ("/profile set on:yesterday", "not a date"),
        ("/profile set public:maybe", "must be yes or no"),
        ("/checkin did:x skills:dokcer", "Did you mean docker"),
        ("/profile set goal:exam goal:exam", "given twice"),
        ("/checkni did:x", "Did you mean /checkin"),
        ("/profile set stray words", "takes no free text"),
    ],
)
def test_bad_input_gets_a_specific_message_and_the_usage(line: str, message: str) -> None:
    with pytest.raises(CommandError) as err:
        run(line)
    reply = err.value.reply()
    assert message in reply.text
    assert "Usage: /" in reply.text or "/help" in reply.text
    assert reply.error


def test_overlong_text_is_refused() -> None:
    with pytest.raises(CommandError, match="too long"):
        run("/checkin " + "x" * 501)


def test_user_and_date_options_are_typed() -> None:
    _, args = run("/profile set user:<@123> on:2026-03-02")
    assert args == {"user": UserArg("123"), "on": date(2026, 3, 2)}


def test_control_characters_are_dropped() -> None:
    _, args = run("/checkin did:a\x00b\x1b")
    assert args["did"] == "ab"


def test_usage_line_marks_primary_and_optional_options() -> None:
    assert CHECKIN.usage() == "/checkin [did:]<text> [minutes:<1-720>] [skills:<skill,skill>]"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_line_parses_or_fails_cleanly(line: str) -> None:
    try:
        run(line)
    except CommandError as exc:
        assert exc.reply().text


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["checkin", "checkin remind", "profile set"]),
    st.lists(
        st.tuples(
            st.sampled_from(["did", "minutes", "time", "goal", "hours", "x"]), st.text(max_size=30)
        ),
        max_size=5,
    ),
)
def test_option_soup_parses_or_fails_cleanly(name: str, options: list[tuple[str, str]]) -> None:
    line = name + " " + " ".join(f'{k}:"{v}"' for k, v in options)
    try:
        run(line)
    except CommandError as exc:
        assert exc.reply().text


def typed(line: str) -> dict[str, Any]:
    """What a line means when the skill catalogue and the city names help split it."""
    found, raw = parse_line(line, TABLE, CONTEXT)
    return validate(found, raw, CONTEXT)


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("new york", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("rio de janeiro", "America/Sao_Paulo"),
        ("los angeles", "America/Los_Angeles"),
    ],
)
def test_a_city_of_several_words_is_one_value(value: str, zone: str) -> None:
    assert typed(f"profile set timezone:{value} hours:9am-5pm") == {
        "timezone": zone,
        "hours": (time(9), time(17)),
    }


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("45min", 45), ("45 min", 45), ("1h", 60), ("1h30", 90), ("1 h 30", 90), ("1.5h", 90)],
)
def test_minutes_take_their_units(value: str, minutes: int) -> None:
    assert typed(f"checkin did:joins minutes:{value}") == {"did": "joins", "minutes": minutes}


def test_a_number_after_minutes_is_text_not_more_minutes() -> None:
    assert typed("checkin minutes:45 30 pushups") == {"did": "30 pushups", "minutes": 45}


def test_a_choice_may_be_followed_by_the_option_name() -> None:
    assert typed("profile set week:last week") == {"week": "last"}


@pytest.mark.parametrize(
    ("line", "skills", "did"),
    [
        ("checkin did:x skills:sql git docker", ("sql", "git", "docker"), "x"),
        ("checkin skills:sql docker was fun", ("sql", "docker"), "was fun"),
        ("checkin skills:docker compose up works", ("docker",), "up works"),
        ("checkin skills:sql worked on joins", ("sql",), "worked on joins"),
    ],
)
def test_skills_may_be_listed_with_spaces(line: str, skills: tuple[str, ...], did: str) -> None:
    assert typed(line) == {"did": did, "skills": skills}


def test_an_option_given_twice_under_an_alias_says_so() -> None:
    with pytest.raises(CommandError, match="minutes is given twice \\(mins is another name"):
        typed("checkin did:x minutes:5 mins:10")
