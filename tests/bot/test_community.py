"""Typed community settings: declared once, read as their type, stored as text."""

from __future__ import annotations

from datetime import time

import pytest

from bot.app import App
from bot.commands import parse_line, validate
from bot.community import STREAK_FREEZES, TIMEZONE, Setting
from tests.helpers import say

SIZE = Setting.integer("zz_size", 2, "a number", "/admin show")
START = Setting.time_of_day("zz_start", time(10), "a time", "/admin show")


async def _tenant_id(app: App) -> int:
    await say(app, "/help")
    tenant = await app.tenants.find(app.platform, "T1")
    assert tenant is not None
    return tenant.id


async def test_values_read_as_their_type_with_defaults(app: App) -> None:
    values = await app.community.get(await _tenant_id(app))
    assert values[TIMEZONE] == "UTC"
    assert values[STREAK_FREEZES] == 1


async def test_update_stores_what_is_given_and_skips_none(app: App) -> None:
    app.community.declare(SIZE, START)
    tenant = await _tenant_id(app)
    assert await app.community.update(tenant, {SIZE: 3, START: time(18, 30)})
    assert not await app.community.update(tenant, {SIZE: None})
    values = await app.community.get(tenant)
    assert (values[SIZE], values[START]) == (3, time(18, 30))
    assert (await app.tenants.settings(tenant))["zz_start"] == "18:30"


async def test_reset_goes_back_to_the_default(app: App) -> None:
    app.community.declare(SIZE)
    tenant = await _tenant_id(app)
    await app.community.update(tenant, {SIZE: 3})
    await app.community.reset(tenant, SIZE)
    assert (await app.community.get(tenant))[SIZE] == 2


async def test_a_stored_value_that_no_longer_parses_reads_as_the_default(app: App) -> None:
    app.community.declare(SIZE)
    tenant = await _tenant_id(app)
    await app.tenants.set_settings(tenant, {"zz_size": "two"})
    assert (await app.community.get(tenant))[SIZE] == 2


async def test_undeclared_settings_are_refused(app: App) -> None:
    with pytest.raises(KeyError, match="zz_size"):
        await app.community.update(await _tenant_id(app), {SIZE: 3})


def test_a_key_is_declared_once(app: App) -> None:
    with pytest.raises(ValueError, match="declared twice"):
        app.community.declare(
            Setting.integer("streak_freezes", 1, "again", "/admin checkins freezes:1")
        )


def test_settings_show_their_value_for_admins() -> None:
    assert STREAK_FREEZES.display(2) == "2 per week"
    assert START.display(time(9)) == "09:00"


async def test_a_setting_is_read_by_the_platforms_id_of_the_community(app: App) -> None:
    app.community.declare(SIZE)
    await app.community.update(await _tenant_id(app), {SIZE: 3})
    assert await app.community.value_for(app.platform, "T1", SIZE) == 3


async def test_a_community_the_bot_has_not_seen_reads_the_default(app: App) -> None:
    assert await app.community.value_for(app.platform, "never-seen", TIMEZONE) == "UTC"


def test_every_declared_setting_names_a_command_line_that_parses(app: App) -> None:
    """The dashboard shows each setting's `command`: it must run (parse and validate) here."""
    for setting in app.community.declared.values():
        command, raw = parse_line(setting.command, app.commands, app.convert_context)
        assert command.admin, setting.key
        validate(command, raw, app.convert_context)
