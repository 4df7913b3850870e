"""Where declared commands land in Discord's three-level slash-command tree."""

from __future__ import annotations

import pytest

from adapters.discord.layout import LayoutError, discord_name, fit, plan
from bot.commands import Command, Invocation, Reply, command, declared


async def _noop(inv: Invocation) -> Reply:
    return Reply(text="ok")


def _cmds(*names: str, admin: bool = False) -> list[Command]:
    return [declared(command(name, f"does {name}", admin=admin)(_noop)) for name in names]


def _paths(*names: str) -> dict[str, str]:
    return {b.command.name: b.slash for b in plan(_cmds(*names))}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("help",), {"help": "/help"}),
        (
            ("buddy join", "buddy leave"),
            {"buddy join": "/buddy join", "buddy leave": "/buddy leave"},
        ),
        (
            ("checkin", "checkin remind"),
            {"checkin": "/checkin", "checkin remind": "/checkin-remind"},
        ),
        (
            ("admin config", "admin config set", "admin show"),
            {
                "admin config": "/admin config",
                "admin config set": "/admin config-set",
                "admin show": "/admin show",
            },
        ),
        (("digest preview now",), {"digest preview now": "/digest preview now"}),
        (("a b c d",), {"a b c d": "/a b c-d"}),
    ],
)
def test_paths(names: tuple[str, ...], expected: dict[str, str]) -> None:
    """A command that also has subcommands keeps its name; its children are hoisted."""
    assert _paths(*names) == expected


def test_hoisted_name_colliding_with_a_declared_one_is_refused() -> None:
    """/checkin-remind declared twice (once by hoisting) cannot both exist."""
    with pytest.raises(LayoutError, match="both map to /checkin-remind"):
        plan(_cmds("checkin", "checkin remind", "checkin-remind"))


def test_too_many_subcommands_is_refused() -> None:
    with pytest.raises(LayoutError, match="more than 25"):
        plan(_cmds(*(f"big s{i}" for i in range(26))))


@pytest.mark.parametrize(
    ("text", "name"), [("Time Zone", "time-zone"), ("skills", "skills"), ("ok_1", "ok_1")]
)
def test_discord_name(text: str, name: str) -> None:
    assert discord_name(text) == name


def test_discord_name_refuses_what_discord_would() -> None:
    with pytest.raises(LayoutError):
        discord_name("x" * 33)
    with pytest.raises(LayoutError):
        discord_name("!!!")


def test_fit() -> None:
    assert fit("short", 10) == "short"
    assert fit("a" * 20, 10) == "a" * 9 + "…"
    assert fit("   ", 10) == "-"


def test_admin_commands_of_a_mixed_group_move_under_admin() -> None:
    """Discord hides commands per top-level name, so /digest cannot mix organizer and
    member subcommands: the organizer ones go under /admin, hoisted like any other."""
    commands = [
        *_cmds("digest helper"),
        *_cmds("digest preview", "digest post", "admin digest", admin=True),
    ]
    assert {b.command.name: b.slash for b in plan(commands)} == {
        "digest helper": "/digest helper",
        "digest preview": "/admin digest-preview",
        "digest post": "/admin digest-post",
        "admin digest": "/admin digest",
    }


def test_admin_commands_cannot_move_into_an_admin_group_with_member_commands() -> None:
    with pytest.raises(LayoutError, match="/admin must hold only admin commands"):
        plan([*_cmds("admin show", "digest helper"), *_cmds("digest post", admin=True)])
