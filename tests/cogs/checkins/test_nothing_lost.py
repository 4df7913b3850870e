"""Property: whatever a member types, their stored check-ins afterwards hold at least what they
held before, unless the line was a confirmed delete (or an edit, which changes only the fields
it names). Lines are drawn from what students write around check-ins: action words, day words,
options with and without spaces, misspellings, and the fuzzer's random lines for every command.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.commands import CommandError, parse_line, validate
from bot.storage.checkins import Checkin, CheckinRepo
from tests.helpers import actor, say
from tests.test_fuzz import lines as fuzz_lines

pytestmark = pytest.mark.slow  # hundreds of generated lines against the real app

EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same lines on every run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADS = [
    "/checkin",
    "checkin",
    "/CHECKIN",
    "/checkin edit",
    "/checkin delete",
    "/checkin solved",
    "/checkin remind",
    "/stats",
    "/streak",
    "/profile set",
]
WORDS = [
    "edit", "delete", "remove", "undo", "fix", "change", "yesterday", "today", "Yesterday:",
    "did", "sql", "joins", "🙂", "日本語", "ça", "marche", "none", "-", "n/a", "confirm", "yes",
]  # fmt: skip
NAMES = [
    "did", "next", "todo", "blockers", "blocker", "skills", "skill", "minutes", "mins", "min",
    "time", "day", "date", "on", "confirm", "skils", "minuts", "blokers", "dya", "remind",
]  # fmt: skip
VALUES = [
    "yes", "no", "yesterday", "today", "mon", "sunday", "2026-03-01", "2026-03-02", "2025-01-01",
    "45", "0", "-5", "1h30", "45min", "sql", "sql, docker", "machine learning", "none", "n/a",
    '"pasted text, with: colons"', "", "edit", "delete",
]  # fmt: skip
SEPARATORS = [":", ": ", " : ", " :"]

_option = st.builds(
    lambda n, sep, v: f"{n}{sep}{v}",
    st.sampled_from(NAMES),
    st.sampled_from(SEPARATORS),
    st.sampled_from(VALUES) | st.text(max_size=12),
)
_token = st.sampled_from(WORDS) | _option | st.text(min_size=1, max_size=8)
_student_line = st.builds(
    lambda head, tokens: " ".join([head, *tokens]),
    st.sampled_from(HEADS),
    st.lists(_token, max_size=6),
)


@dataclass(frozen=True)
class Day:
    did: str
    next: str
    blockers: str
    minutes: int | None
    skills: frozenset[str]

    @classmethod
    def of(cls, c: Checkin) -> Day:
        return cls(c.did, c.next, c.blockers, c.minutes, frozenset(c.skills))

    def holds(self, before: Day) -> bool:
        """Everything `before` said is still here (texts kept, minutes and skills only grow)."""
        return (
            before.did in self.did
            and before.next in self.next
            and before.blockers in self.blockers
            and (self.minutes or 0) >= (before.minutes or 0)
            and self.skills >= before.skills
        )


async def stored(app: App, repo: CheckinRepo) -> dict[date, Day]:
    tenant = await app.tenants.find("test", "T1")
    assert tenant is not None
    member = await app.members.find(tenant.id, "alice")
    assert member is not None
    return {
        c.local_date: Day.of(c)
        for c in await repo.between(tenant.id, member.id, date.min, date.max)
    }


async def seed(app: App) -> None:
    """Alice has her own zone (so no first-zone re-dating) and today and yesterday logged."""
    await say(app, "/profile set timezone:Europe/Berlin")
    await say(app, "/checkin did:seeded joins skills:sql minutes:30 next:views blockers:CTEs")
    await say(app, "/checkin day:yesterday did:seeded git skills:git minutes:20")


def _meaning(app: App, line: str) -> tuple[str, bool]:
    """The command a line runs, and whether it says confirm:yes (the bot's own reading)."""
    try:
        command, raw = parse_line(line, app.commands, app.convert_context)
        args = validate(command, raw, replace(app.convert_context, now=app.clock.now()))
    except CommandError:
        return "", False
    return command.name, args.get("confirm") is True


@EXAMPLES
@given(data=st.data())
async def test_no_line_loses_a_stored_check_in(app: App, data: st.DataObject) -> None:
    repo = CheckinRepo(app.db)
    if not await app.tenants.find("test", "T1"):
        await seed(app)
    before = await stored(app, repo)
    if len(before) < 2:
        await seed(app)
        before = await stored(app, repo)
    line = data.draw(_student_line | fuzz_lines(list(app.commands)))
    reply = await app.handle_line(actor("alice"), line)
    after = await stored(app, repo)
    name, confirmed = _meaning(app, line)
    deleted = name in ("checkin delete", "privacy delete") and confirmed
    edited = name == "checkin edit"
    removed = [day for day in before if day not in after]
    changed = [day for day in before if day in after and not after[day].holds(before[day])]
    context = f"{line!r} -> {reply.text[:200]!r}"
    if deleted:  # a confirmed delete removes the one day it names (an erasure: all of them)
        assert name == "privacy delete" or len(removed) == 1, context
    else:
        assert not removed, f"removed {removed}: {context}"
    # An edit replaces the fields it names, of one day; nothing else changes anything.
    assert len(changed) <= (1 if edited else 0), f"lost data of {changed}: {context}"
