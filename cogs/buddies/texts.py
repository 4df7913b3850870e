"""What the buddies cog says in rooms and DMs that is not a reply to a command."""

from __future__ import annotations

from collections.abc import Sequence

from bot.events import CheckinRecorded
from bot.matching.round import PAUSE_AFTER_MISSED
from bot.ports import Button, Message
from bot.skills import SkillCatalogue
from bot.storage.buddies import GroupMember
from bot.storage.models import Member
from bot.text import join, literal, plural

AUTOPAUSED = (
    f"I've paused your buddy matching: for {PAUSE_AFTER_MISSED} rounds in a row there was no "
    'answer to "Did you meet?" and no check-in. No worries! Type /buddy resume whenever you '
    "want a study buddy again."
)
SILENT_PAUSED = (
    f"I've paused your buddy matching: for {PAUSE_AFTER_MISSED} rounds in a row there was no "
    'answer to "Still in?", so I\'ll stop asking. No worries! Type /buddy resume '
    "whenever you want a study buddy again."
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


# --- "did you meet?" ----------------------------------------------------------------------------

_ANSWER = {None: "not yet", True: "yes", False: "no"}


def answers(members: Sequence[GroupMember]) -> str:
    """Each member's own answer: 'Ana: yes · Ben: not yet' (someone who left: 'left')."""
    return " · ".join(
        f"{literal(m.display_name)}: {'left' if m.left_at else _ANSWER[m.met]}"
        for m in members
        if m.member_id is not None
    )


def waiting(members: Sequence[GroupMember]) -> list[GroupMember]:
    """Who has not answered yet and is still in the group."""
    return [m for m in members if m.member_id is not None and m.left_at is None and m.met is None]


def followup(number: int, members: Sequence[GroupMember], *, in_room: bool) -> Message:
    """The halfway question, with everyone's answers so far. In a room it names only who still
    has to answer (each member answers for themselves, once); the buttons stay while anyone
    has not; once all have, it says so and the buttons go."""
    to_answer = waiting(members)
    head = f"**Did you meet?** We're halfway through buddy round {number}."
    if not to_answer:
        return Message(f"{head}\nEveryone has answered, thanks! {answers(members)}")
    question = "did you get together for a study session?"
    if in_room:
        question = f"{join([literal(m.display_name) for m in to_answer])}, {question}"
    return Message(
        f"{head}\n{question[0].upper()}{question[1:]} Each of you answers for yourself: tap a "
        "button, or type /buddy met answer:yes (or no).\n"
        f"Answers so far: {answers(members)}",
        buttons=MET_BUTTONS,
    )


def followup_answered(number: int, members: Sequence[GroupMember]) -> Message:
    """The question in a member's own DM once they answered: no buttons left to press."""
    return Message(
        f"**Did you meet?** We're halfway through buddy round {number}.\n"
        f"Answers so far: {answers(members)}. To change yours, type /buddy met answer:yes (or no)."
    )


def met_recorded(yes: bool, before: bool | None, others: Sequence[GroupMember]) -> str:
    """The confirmation of a member's own answer, with any partner who answered otherwise
    (answers are each member's own; a disagreement is shown, never settled silently)."""
    if before is yes:
        text = f"You already answered {_ANSWER[yes]}; nothing changed."
    elif yes:
        text = "Great, recorded that you met. Keep each other going!"
    else:
        text = (
            "Thanks, recorded that you haven't met yet. There's still time this round: pick one "
            "of the suggested times (/buddy status), or send a /buddy nudge."
        )
    if before is not None and before is not yes:
        text += f" (changed from {_ANSWER[before]})"
    differ = [m for m in others if m.met is not None and m.met is not yes and m.left_at is None]
    if differ:
        names = join([literal(m.display_name) for m in differ])
        said = _ANSWER[not yes]
        text += (
            f"\n{names} answered {said}. Each answer is kept as given; if yours was a slip, "
            f"answer again with /buddy met answer:{'yes' if not yes else 'no'}."
        )
    return text


# --- group sizes --------------------------------------------------------------------------------


def group_size_rule(size: int) -> str:
    """How a community's members are grouped, for the settings and the organizer report."""
    if size == 3:
        return "trios; one or two pairs when the count is not a multiple of 3"
    return "pairs; one trio when the count is odd"


def round_mix(sizes: Sequence[int], size: int) -> str | None:
    """The organizer report's note on groups of the other size, counted with `plural`."""
    if size == 3:
        pairs = sum(n == 2 for n in sizes)
        if not pairs:
            return None
        verb = "is" if pairs == 1 else "are"
        return (
            f"{plural(pairs, 'pair')} {verb} among the trios, because the count is not a "
            "multiple of 3: nobody is left out."
        )
    trios = sum(n == 3 for n in sizes)
    if not trios:
        return None
    return f"{plural(trios, 'trio')}, so nobody is left out over an odd count."
