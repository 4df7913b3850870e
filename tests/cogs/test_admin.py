"""/admin timezone and organizers, and every /admin setting command answering when given no
options."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import App
from tests.fakes.recording import RecordingMessenger
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


@pytest.fixture
def with_roles(messenger: RecordingMessenger) -> None:
    """A platform whose communities may name an organizer role (Discord)."""
    messenger.capabilities = replace(messenger.capabilities, organizer_role=True)


@pytest.mark.usefixtures("with_roles")
async def test_the_organizer_role_is_saved_and_shown(app: App) -> None:
    saved = await say(app, "/admin organizers role:<@&123|Study leads>", admin=True)
    shown = await say(app, "/admin organizers", admin=True)
    assert saved.text.startswith("Saved. Members with @Study leads are organizers now")
    assert shown.text.startswith("Organizer role: <@&123>.")


@pytest.mark.usefixtures("with_roles")
async def test_setting_the_role_tells_the_organizer_to_add_it_to_admin_in_integrations(
    app: App,
) -> None:
    reply = await say(app, "/admin organizers role:<@&123|Study leads>", admin=True)
    assert "Open Server Settings > Integrations > studybot, pick /admin" in reply.text


@pytest.mark.usefixtures("with_roles")
async def test_the_organizer_role_can_be_cleared(app: App) -> None:
    await say(app, "/admin organizers role:<@&123>", admin=True)
    cleared = await say(app, "/admin organizers off:yes", admin=True)
    shown = await say(app, "/admin organizers", admin=True)
    assert cleared.text.startswith("Organizer role cleared")
    assert shown.text.startswith("Organizer role: not set")


@pytest.mark.usefixtures("with_roles")
async def test_a_role_named_without_its_id_is_refused_and_nothing_is_saved(app: App) -> None:
    refused = await say(app, "/admin organizers role:@Organizers", admin=True)
    shown = await say(app, "/admin organizers", admin=True)
    assert refused.error and "Pick the role from the list Discord offers" in refused.text
    assert "Usage: /admin organizers" in refused.text
    assert shown.text.startswith("Organizer role: not set")


async def test_elsewhere_the_organizer_role_is_a_discord_setting_with_a_slack_equivalent(
    app: App,
) -> None:
    reply = await say(app, "/admin organizers role:@Organizers", admin=True)
    assert reply.error and reply.text.startswith("An organizer role is a Discord setting.")
    assert "SLACK_ADMIN_USERGROUP" in reply.text


async def test_admin_show_lists_the_organizer_role(app: App) -> None:
    reply = await say(app, "/admin show", admin=True)
    assert "organizer_role: not set" in reply.text


@pytest.mark.usefixtures("with_roles")
async def test_a_role_and_off_at_once_is_refused_and_nothing_changes(app: App) -> None:
    await say(app, "/admin organizers role:<@&123|Study leads>", admin=True)
    refused = await say(app, "/admin organizers role:<@&456|Mods> off:yes", admin=True)
    shown = await say(app, "/admin organizers", admin=True)
    assert (
        refused.error and "Choose one: role:@Organizers to set the role, or off:yes" in refused.text
    )
    assert "Usage: /admin organizers" in refused.text
    assert shown.text.startswith("Organizer role: <@&123>.")
