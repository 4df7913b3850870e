"""The organizer's round report: sent privately after each round, shown by /admin buddies report.

One text for all three (also in the weekly organizer report, cogs/organizer_reports.py), built
from what the round stored (`BuddyRepo.round_facts`), so the DMs and the command never
disagree. The message stays short whatever the community's size: counts and a few names
inline, every group and name in the details (a thread, or indented lines). A queued copy
names members, so it is queued with their ids (`Report.named`): their erasure blanks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.community import CommunityValues
from bot.ports import Message
from bot.storage.buddies import BuddyRepo, RoundFacts
from bot.storage.db import Database
from bot.text import group_names, join, literal, long_date, plural
from cogs.buddies.schedule import next_round_at
from cogs.buddies.settings import cadence_of

INLINE_NAMES = 5
"""Names listed in the message itself; the rest are in the details."""

_NO_TIME = {"no_hours": "hours not set", "no_overlap": "hours don't overlap"}


def moment(instant: datetime, zone: ZoneInfo) -> str:
    """'Monday 16 March, 10:00 Europe/Berlin': a round start as organizers read it."""
    local = instant.astimezone(zone)
    return f"{long_date(local.date())}, {local:%H:%M} {zone.key}"


def names_inline(names: Sequence[str]) -> str:
    """The first few names, as typed ('Ana, Ben and 12 more')."""
    shown = [literal(n) for n in names[:INLINE_NAMES]]
    return join(shown, total=len(names))


def nobody_to_pair(names: Sequence[str]) -> str:
    """What a round with nobody or one member in says, instead of starting."""
    if not names:
        return "Nobody is in yet; nobody to pair. Members take part with /buddy join."
    return f"Only {literal(names[0])} is in; nobody to pair. No round was started."


def group_kinds(sizes: list[int]) -> str:
    """The mix, as "2 pairs and 1 trio": only sizes there are (a pair community reads no trios)."""
    kinds = [plural(sizes.count(n), word) for n, word in ((2, "pair"), (3, "trio")) if n in sizes]
    return " and ".join(kinds)


def round_report(facts: RoundFacts, zone: ZoneInfo, next_round: str) -> Message:
    rnd = facts.round
    kind = "Extra buddy round" if rnd.extra else "Buddy round"
    sizes = [len(names) for names, _ in facts.groups]
    lines = [
        f"{kind} {rnd.number} ({long_date(rnd.started_at.astimezone(zone).date())}): "
        f"{plural(len(sizes), 'group')} for {plural(sum(sizes), 'member')}"
        + (f": {kinds}." if (kinds := group_kinds(sizes)) else ".")
    ]
    if rnd.extra:
        lines.append("It is outside the one round per period and counts for repeat avoidance.")
    apart = [study for _, study in facts.groups if study in _NO_TIME]
    if apart:
        why = ", ".join(f"{text} in {apart.count(k)}" for k, text in _NO_TIME.items() if k in apart)
        lines.append(f"Without shared study time: {plural(len(apart), 'group')} ({why}).")
    else:
        lines.append("Every group has study time in common.")
    for label, names in (
        ("Waiting (enrolled, not grouped)", facts.waiting),
        ("Paused for inactivity", facts.paused),
        ('Sat out (no answer to "Still in?")', facts.silent),
    ):
        lines.append(f"{label}: {len(names)}" + (f" ({names_inline(names)})." if names else "."))
    if facts.previous is not None:
        number, groups, met = facts.previous
        lines.append(
            f"Round {number}: {met} of {plural(groups, 'group')} said they met"
            f" ({groups - met} no answer or not yet)."
        )
    lines.append(f"Next scheduled round: {next_round}")
    details = [
        f"• {group_names([literal(n) for n in names])}"
        + (f" (no shared study time: {_NO_TIME[study]})" if study in _NO_TIME else "")
        for names, study in facts.groups
    ]
    for label, names in (
        ("Waiting", facts.waiting),
        ("Paused", facts.paused),
        ("Sat out", facts.silent),
    ):
        if len(names) > INLINE_NAMES:
            details.append(f"{label}: {join([literal(n) for n in names])}")
    return Message("\n".join(lines), details="\n".join(details) or None)


@dataclass(frozen=True)
class Report:
    """A round report and the members it names, whose erasure blanks a queued copy of it."""

    message: Message
    named: tuple[int, ...]


async def report_of(
    db: Database,
    repo: BuddyRepo,
    tenant_id: int,
    values: CommunityValues,
    now: datetime,
    number: int | None = None,
) -> Report | None:
    """The report of round `number` (the latest when None), or None when there is no such round."""
    rnd = await repo.round_numbered(db, tenant_id, number)
    if rnd is None:
        return None
    cadence = cadence_of(values)
    nxt = moment(await next_round_at(db, tenant_id, cadence, now), cadence.zone)
    facts = await repo.round_facts(db, rnd)
    return Report(round_report(facts, cadence.zone, nxt), facts.named)
