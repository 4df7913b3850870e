"""A member's home page (Slack's App Home tab): their own answers, gathered in one place.

Each section is what a command already answers (/streak, /buddy status, /admin show), run as
the member, so the page never computes anything those commands do not; buttons run commands
the way every button does.
"""

from __future__ import annotations

from bot.app import Actor, App
from bot.ports import Button, Message

# stats: the week so far, today too; buddy status names the next round
MEMBER_SECTIONS = ("streak", "stats", "buddy status", "digest next")
ORGANIZER_SECTIONS = ("admin show",)
MEMBER_BUTTONS = (
    Button("Check in", "checkin", "primary"),
    Button("Edit today's check-in", "checkin edit"),
    Button("Join buddies", "buddy join"),
    Button("My profile", "profile show"),
)
ORGANIZER_BUTTONS = (
    Button("Check-in settings", "admin checkins"),
    Button("Buddy settings", "admin buddies"),
    Button("Digest settings", "admin digest"),
)


async def home(app: App, actor: Actor) -> list[Message]:
    """The page's sections in order; the organizer part only for the community's admins."""
    sections = MEMBER_SECTIONS + (ORGANIZER_SECTIONS if actor.is_admin else ())
    texts = [(await app.handle_line(actor, line)).text for line in sections]
    page = [Message(texts[0], buttons=MEMBER_BUTTONS), *(Message(t) for t in texts[1:])]
    if actor.is_admin:
        page[-1] = Message(page[-1].text, buttons=ORGANIZER_BUTTONS)
    return page
