"""Fuzzing the text syntax of every declared command: random option names and values, quotes,
unicode, control characters and 10 KB lines. Every input gets a reply, never an exception, and a
refused input writes nothing. The same through the console adapter's stdin.
"""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import Actor, App
from bot.commands import Command, Reply
from tests import declared

pytestmark = pytest.mark.slow  # fuzzes every command, in process and through a console process

ROOT = Path(__file__).resolve().parents[1]
CRASHED = "something went wrong"
FUZZ = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,  # the same inputs on every run: `make test` stays reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000", " \u200b "])
_QUOTES = st.sampled_from(['"', "\u201c", "\u201d", "'", '""', '"a b'])
_SHORT = st.text(max_size=30)  # any unicode: controls, combining marks, emoji, RTL
_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=12)


def _long(piece: str, size: int) -> str:
    return (piece or "x") * (size // max(1, len(piece)))


_HUGE = st.builds(_long, st.text(min_size=1, max_size=5), st.integers(1_000, 10_240))


def values_for(command: Command) -> st.SearchStrategy[str]:
    valid = [declared.sample_value(o, user="bob", today=date(2026, 3, 2)) for o in command.options]
    return st.one_of(
        st.sampled_from(valid or ["x"]),
        _SHORT,
        _QUOTES,
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(["2026-02-30", "25:61", "18:00-18:00", "Mars/Olympus", "@", "<@>", "#"]),
        _HUGE,
        st.builds(lambda q, v: f"{q}{v}{q}", _QUOTES, _SHORT),
    )


@st.composite
def lines(draw: st.DrawFn, commands: list[Command]) -> str:
    command = draw(st.sampled_from(commands))
    head = draw(
        st.sampled_from(
            [command.name, f"/{command.name}", command.name.upper(), f"  /{command.name}"]
        )
        | _NAMES
    )
    names = [o.name for o in command.options]
    option = st.sampled_from(names) if names else _NAMES
    token = st.one_of(
        st.builds(lambda n, v: f"{n}:{v}", option | _NAMES, values_for(command)),
        values_for(command),
        _QUOTES,
    )
    sep = draw(_SPACES)
    return head + sep + sep.join(draw(st.lists(token, max_size=8)))


@st.composite
def raw_options(draw: st.DrawFn, commands: list[Command]) -> tuple[Command, dict[str, str]]:
    """What the Discord adapter and form submissions hand the core: option name -> string."""
    command = draw(st.sampled_from(commands))
    names = [o.name for o in command.options]
    keys = st.sampled_from(names) | _NAMES if names else _NAMES
    return command, draw(st.dictionaries(keys, values_for(command), max_size=6))


async def _changes(app: App) -> int:
    row = await app.db.fetchone("SELECT total_changes() AS n")
    assert row is not None
    return int(row["n"])


def _check(reply: Reply, text: str) -> None:
    assert isinstance(reply, Reply) and reply.text.strip(), f"no reply to {text!r}"
    assert CRASHED not in reply.text, f"{text[:200]!r} raised inside the bot"


@FUZZ
@given(data=st.data())
async def test_every_typed_line_gets_a_reply_and_a_refusal_writes_nothing(
    app: App, data: st.DataObject
) -> None:
    admin = data.draw(st.booleans())
    actor = Actor(tenant_id="T1", user_id="fuzzer", display_name="Fuzzer", is_admin=admin)
    await app.handle_line(actor, "/help")  # the member exists: a refusal has nothing to create
    text = data.draw(lines(list(app.commands)))
    before = await _changes(app)
    reply = await app.handle_line(actor, text)
    _check(reply, text)
    if reply.error:
        assert await _changes(app) == before, f"{text[:200]!r} was refused but wrote"


@FUZZ
@given(data=st.data())
async def test_every_raw_option_set_gets_a_reply_and_a_refusal_writes_nothing(
    app: App, data: st.DataObject
) -> None:
    admin = data.draw(st.booleans())
    actor = Actor(tenant_id="T1", user_id="fuzzer", display_name="Fuzzer", is_admin=admin)
    await app.handle_line(actor, "/help")
    command, raw = data.draw(raw_options(list(app.commands)))
    before = await _changes(app)
    reply = await app.handle(actor, command, raw)
    _check(reply, f"{command.name} {raw}")
    if reply.error:
        assert await _changes(app) == before, f"{command.name} {raw!r} was refused but wrote"


def _one_line(text: str) -> bool:
    """stdin is read line by line: a fuzzed line must not contain a line break of any kind."""
    return len(f"a{text}b".splitlines()) == 1


async def console(db: Path, stdin: str) -> tuple[int | None, str, str]:
    """Run `python -m bot console` on these stdin lines: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "console",
        "--db",
        str(db),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=db.parent,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "STUDYBOT_LOG_LEVEL": "WARNING"},
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), timeout=300)
    return process.returncode, out.decode(), err.decode()


@settings(FUZZ, max_examples=5)
@given(data=st.data())
async def test_the_same_fuzz_through_the_console_stdin(
    app: App, data: st.DataObject, tmp_path: Path
) -> None:
    script = data.draw(
        st.lists(lines(list(app.commands)).filter(_one_line), min_size=20, max_size=30)
    )
    code, stdout, stderr = await console(tmp_path / f"{len(script)}.db", "\n".join(script) + "\n")
    assert code == 0, stderr[-2000:]
    assert "Traceback" not in stderr and CRASHED not in stdout
    # Every line is either echoed as a turn ("admin> ...") or answers a form prompt, and every
    # turn gets a reply ("→ ...") before the next one.
    turns = stdout.split("\nadmin> ")[1:]
    answers = re.findall(r"^  .+ \((?:required|optional, empty to skip)\): ", stdout, re.M)
    # (a form cut short by the end of the input prints one prompt that got no line)
    assert len(script) <= len(turns) + len(answers) <= len(script) + 1
    for turn in turns:
        assert "\n→ " in turn, f"no reply to {turn.splitlines()[0][:200]!r}"


async def test_a_form_left_unanswered_at_the_end_of_input_is_cancelled(tmp_path: Path) -> None:
    """Found by the fuzz above: an empty form came back, was re-asked at end of input, forever."""
    code, stdout, stderr = await console(tmp_path / "f.db", "/checkin\n")
    assert code == 0, stderr[-2000:]
    assert "(form cancelled: nothing entered)" in stdout
