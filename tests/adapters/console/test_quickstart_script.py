"""The natural-input session in docs/quickstart.md, run end to end through the console."""

from __future__ import annotations

import pytest

from tests.adapters.console.scripts import run_console, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> str:
    result = run_console(tmp_path_factory.mktemp("quickstart"), walkthrough("quickstart.md"))
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_abbreviations_and_offsets_get_the_cities_that_use_them(out: str) -> None:
    assert "'CET' is not a place" in out and "Europe/Berlin, Europe/Paris" in out
    assert "(these are at UTC+2 now): Africa/Cairo" in out
    assert "Community time zone set to Europe/Berlin" in out


def test_a_profile_typed_with_spaces_and_a_city_is_saved(out: str) -> None:
    assert "Time zone: Asia/Tokyo" in out and "Learning: Docker, Kubernetes" in out
    assert "Study hours: 18:00-21:00" in out


def test_two_sessions_add_up_and_an_edit_changes_only_minutes(out: str) -> None:
    assert "Logged: 45 min · SQL" in out
    assert "second session today, 80 min in total" in out
    assert "Updated your check-in for Monday 2 March: minutes." in out


def test_yesterday_counts_and_a_delete_waits_for_confirmation(out: str) -> None:
    asked = out.index("Delete your check-in for Sunday 1 March")
    deleted = out.index("Deleted your check-in for Sunday 1 March.")
    assert asked < deleted
    assert out.count("Checked in for Sunday 1 March (yesterday).") == 2
    assert "Did you mean /checkin delete? Nothing was saved" in out
    assert "Current: 2 days · Longest: 2 days" in out


def test_a_member_without_a_zone_is_told_which_one_was_used(out: str) -> None:
    assert "(Your day follows the community's time zone, Europe/Berlin" in out


def test_a_placeholder_is_no_blocker_and_a_fastapi_blocker_reaches_bob(out: str) -> None:
    listed = out.split("Blockers: peers who can help")[1].split("Know a skill?")[0]
    assert listed.count("• #") == 1  # alice's blockers:none is not one
    assert "carol (FastAPI, Frontend basics" in out and "→ bob can help" in out
    assert out.count("Blocker noted") == 1  # carol's, not alice's blockers:none
