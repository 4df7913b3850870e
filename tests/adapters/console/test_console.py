from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.console.scripts import run_console

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


def test_profile_script_shows_the_saved_profile(tmp_path: Path) -> None:
    result = run_console(
        tmp_path,
        "/profile set timezone:Europe/Berlin learning:docker,sql level:beginner hours:18:00-21:00\n"
        "/profile show\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Time zone: Europe/Berlin") == 2
    assert "Study hours: 18:00-21:00" in result.stdout


def test_bad_time_zone_gets_a_suggestion(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/profile set timezone:Europe/Berln\n/profile show\n")
    assert "Did you mean Europe/Berlin" in result.stdout
    assert "Time zone: not set" in result.stdout


def test_every_line_says_where_it_went(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/help\n")
    assert "→ private to admin:" in result.stdout


def test_meta_commands_switch_user_and_advance_time(tmp_path: Path) -> None:
    result = run_console(tmp_path, ":as bob\n/admin show\n:advance 1d\n:now\n:users\n")
    assert result.returncode == 0
    assert "admins only" in result.stdout
    assert "2026-03-03 13:00" in result.stdout


def test_malformed_meta_command_exits_non_zero(tmp_path: Path) -> None:
    result = run_console(tmp_path, ":advance soon\n")
    assert result.returncode != 0 and "bad duration" in result.stdout


def test_script_file_runs_and_exits(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("/help profile show\n")
    result = run_console(tmp_path, "", "--script", str(script))
    assert result.returncode == 0 and "Usage: /profile show" in result.stdout


def test_a_script_that_is_not_utf8_gets_one_line_and_the_process_ends(tmp_path: Path) -> None:
    script = tmp_path / "latin1.txt"
    script.write_bytes("/checkin did:café\n".encode("latin-1"))
    result = run_console(tmp_path, "", "--script", str(script))  # run_console times out a hang
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("studybot:") and "not UTF-8" in line and "Traceback" not in line
    assert not (tmp_path / "c.db").exists()  # refused before anything was opened
