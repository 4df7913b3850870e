"""What the bot says when it is added to a community: the three commands that set it up."""

from __future__ import annotations

from bot.ports import Message

SETUP_COMMANDS = (
    ("/admin digest channel:#study", "the channel the weekly digest is posted in"),
    ("/admin buddies channel:#study-buddies", "where buddy groups get their private threads"),
    ("/admin timezone berlin", "the community's time zone (any city) for schedules"),
)


def setup_message() -> Message:
    steps = "\n".join(f"{n}. {cmd} - {why}" for n, (cmd, why) in enumerate(SETUP_COMMANDS, 1))
    return Message(
        text="Thanks for adding studybot! An organizer sets it up with three commands:\n"
        f"{steps}\n"
        "Each answers with anything I still lack there. Then /help lists every command; "
        "students start with /profile set and /buddy join."
    )
