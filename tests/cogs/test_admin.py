"""/admin timezone, and every /admin setting command answering when given no options."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.helpers import say


async def test_admin_timezone_without_options_shows_the_zone_usage_and_an_example(
    app: App,
) -> None:
    await say(app, "/admin timezone Europe/Berlin", admin=True)
    reply = await say(app, "/admin timezone", admin=True)
    assert not reply.error
    assert reply.text.startswith("Community time zone: Europe/Berlin.")
    assert "Usage: /admin timezone [[timezone:]" in reply.text
    assert "Example: /admin timezone Europe/Berlin" in reply.text


@pytest.mark.parametrize(
    "name", ["admin timezone", "admin privacy", "admin checkins", "admin buddies", "admin digest"]
)
async def test_every_admin_setting_command_without_options_answers_with_the_current_values(
    app: App, name: str
) -> None:
    reply = await say(app, f"/{name}", admin=True)
    assert not reply.error and "Saved." not in reply.text
    assert len(reply.text.splitlines()) >= 2  # the values, then how to change them


@pytest.mark.parametrize("name", ["admin timezone", "admin privacy", "admin checkins"])
async def test_reading_a_setting_shows_the_usage_and_an_example_with_options(
    app: App, name: str
) -> None:
    reply = await say(app, f"/{name}", admin=True)
    usage, example = reply.text.splitlines()[-2:]
    assert usage.startswith(f"Usage: /{name} [")
    assert example.startswith(f"Example: /{name} ") and example != f"Example: /{name}"


async def test_a_community_channel_is_refused_where_the_server_is_the_community(
    app: App,
) -> None:
    reply = await say(app, "/admin community channel:#study", admin=True)
    assert reply.error and "Here the whole server is the community" in reply.text
