"""A member's home page is their own command answers, with buttons; organizers get more."""

from __future__ import annotations

from bot.app import App
from bot.home import home
from tests.helpers import actor, say


async def test_the_page_shows_the_streak_the_week_and_the_buddy_status(app: App) -> None:
    await say(app, "/checkin did:sql joins minutes:30")
    page = await home(app, actor())
    assert "Current: 1 day" in page[0].text
    assert "Your week so far" in page[1].text and "30 min" in page[1].text  # today included
    assert "buddy status" in page[2].text


async def test_the_page_says_when_the_next_digest_comes(app: App) -> None:
    await say(app, "/admin digest channel:#study", admin=True)
    page = await home(app, actor())
    assert page[3].text.startswith("Next digest: Monday 09 Mar")


async def test_the_first_section_has_the_check_in_buttons(app: App) -> None:
    page = await home(app, actor())
    assert [b.command for b in page[0].buttons][:2] == ["checkin", "checkin edit"]


async def test_a_member_gets_no_organizer_section(app: App) -> None:
    page = await home(app, actor())
    assert len(page) == 4
    assert not any(b.command.startswith("admin") for m in page for b in m.buttons)


async def test_an_admin_gets_the_settings_with_their_buttons(app: App) -> None:
    page = await home(app, actor(admin=True))
    assert len(page) == 5
    assert "**Settings for" in page[4].text
    assert [b.command for b in page[4].buttons] == [
        "admin checkins",
        "admin buddies",
        "admin digest",
    ]
