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
    minutes: Annotated[int | None, Opt("minutes", min=1, max=720)] = None,
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
