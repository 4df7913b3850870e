"""The check-in form, empty for a new check-in and filled in for an edit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.ports import Form, FormField
from bot.storage.checkins import Checkin
from bot.text import long_date

TEXT_LIMIT = 500

CHECKIN_FORM = Form(
    title="Daily check-in",
    command="checkin",
    fields=(
        FormField(
            "did", "What did you do today?", required=True, multiline=True, max_length=TEXT_LIMIT
        ),
        FormField("next", "What's next?", multiline=True, max_length=TEXT_LIMIT),
        FormField(
            "blockers",
            "Blockers? (quoted in the weekly digest)",
            multiline=True,
            max_length=TEXT_LIMIT,
        ),
        FormField("skills", "Skills practised (comma-separated)", placeholder="docker, sql"),
        FormField("minutes", "Minutes spent (1-720)", max_length=3, placeholder="45"),
    ),
)


def edit_form(checkin: Checkin, on: date) -> Form:
    """The form holding the day's check-in, submitted to `/checkin edit day:<that day>`."""
    values = {
        "did": checkin.did,
        "next": checkin.next,
        "blockers": checkin.blockers,
        "skills": ", ".join(checkin.skills),
        "minutes": str(checkin.minutes) if checkin.minutes else "",
    }
    return replace(
        CHECKIN_FORM,
        title=f"Edit {long_date(on)}"[:45],
        command=f"checkin edit day:{on.isoformat()}",
        values=tuple((k, v) for k, v in values.items() if v),
    )
