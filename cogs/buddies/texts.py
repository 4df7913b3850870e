"""What the buddies cog says in rooms and DMs that is not a reply to a command."""

from __future__ import annotations

from bot.events import CheckinRecorded
from bot.matching.round import PAUSE_AFTER_MISSED
from bot.ports import Button
from bot.skills import SkillCatalogue
from bot.storage.models import Member
from bot.text import literal

AUTOPAUSED = (
    f"I've paused your buddy matching: for {PAUSE_AFTER_MISSED} rounds in a row there was no "
    'answer to "Did you meet?" and no check-in. No worries! Type /buddy resume whenever you '
    "want a study buddy again."
)
FOLLOWUP = (
    "**Did you meet?** We're halfway through buddy round {number}. Did you get together for a "
    "study session? Tap a button, or type /buddy met answer:yes (or no)."
)
MET_BUTTONS = (
    Button("Yes, we met", "buddy met answer:yes", "primary"),
    Button("Not yet", "buddy met answer:no"),
)


def left_out(number: int, reason: str) -> str:
    return f"**Buddy round {number}**\n{reason}"


def checkin_line(event: CheckinRecorded, skills: SkillCatalogue) -> str:
    """One line in the buddy room for a check-in (or its update)."""
    name, did = literal(event.member.label), literal(event.did)
    text = f"{name} updated their check-in: {did}" if event.updated else f"{name} checked in: {did}"
    if event.skills:
        text += f" ({skills.names(event.skills)})"
    if event.minutes:
        text += f", {event.minutes} min"
    return text


def member_left(member: Member, *, remaining: int) -> str:
    name = literal(member.label)
    if remaining == 1:
        return (
            f"{name} has left the community, so this buddy group ends here. "
            "Sorry about that! You'll be matched again in the next round."
        )
    return f"{name} has left the community. The two of you carry on as a pair this round."


def nudge(sender: Member) -> str:
    return (
        f"{literal(sender.label)} sends you a friendly nudge: how is your studying going? "
        "Check in with /checkin and say hi in your buddy room."
    )
