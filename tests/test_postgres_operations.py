"""Every entry point takes a postgresql:// URL: migrate, the console, doctor, backup's advice,
and a clear one-line error (without the password) when the server cannot be reached."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage.migrations import discover
from tests.helpers import free_port
from tests.postgres import PostgresServer
from tests.test_operations import ROOT, _one_line_error, bot

pytestmark = pytest.mark.slow  # runs `python -m bot` as a process


@pytest.fixture
async def empty_url(postgres_server: PostgresServer) -> str:
    return await postgres_server.fresh_database(migrated=False)


def test_migrate_on_postgresql_applies_every_migration_once(empty_url: str) -> None:
    first = bot("migrate", "--db", empty_url)
    assert first.returncode == 0, first.stderr
    assert f"applied migrations {[m.version for m in discover()]}" in first.stdout
    second = bot("migrate", env={"STUDYBOT_DATABASE_URL": empty_url})
    assert second.returncode == 0 and "database is up to date" in second.stdout


def test_the_console_keeps_its_data_in_postgresql(empty_url: str) -> None:
    checked = bot_with_input(
        ["console", "--db", empty_url, "--now", "2026-03-02T13:00:00Z"],
        "/checkin wrote SQL joins skills: sql\n",
    )
    assert "Checked in for Monday 2 March" in checked
    again = bot_with_input(
        ["console", "--db", empty_url, "--now", "2026-03-03T13:00:00Z"],
        "/checkin read about indexes skills: sql\n",
    )
    assert "Streak: 2 days" in again  # yesterday's check-in was kept in the database


def bot_with_input(args: list[str], stdin: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "STUDYBOT_LOG_LEVEL": "WARNING"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_doctor_checks_a_postgresql_database(empty_url: str) -> None:
    assert bot("migrate", "--db", empty_url).returncode == 0
    result = bot("doctor", "console", "--db", empty_url)
    assert "integrity ok, schema up to date" in result.stdout, result.stdout + result.stderr


def test_backup_of_postgresql_points_to_pg_dump(empty_url: str) -> None:
    line = _one_line_error(bot("backup", "copy.sqlite3", "--db", empty_url))
    assert "pg_dump" in line


def test_an_unreachable_server_is_one_clear_line_without_the_password() -> None:
    url = f"postgresql://studybot:hunter2secret@127.0.0.1:{free_port()}/studybot"
    line = _one_line_error(bot("migrate", "--db", url))
    assert "cannot connect to PostgreSQL at postgresql://studybot@127.0.0.1" in line
    assert "hunter2secret" not in line


def test_copy_moves_a_console_community_into_postgresql_once(
    empty_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "studybot.sqlite3"
    bot_with_input(["console", "--db", str(source)], "/checkin wrote SQL joins skills: sql\n")
    copied = bot("copy", "--from", f"sqlite:///{source}", "--to", empty_url)
    assert copied.returncode == 0, copied.stderr
    assert re.search(r"^  checkins +1 rows$", copied.stdout, re.MULTILINE), copied.stdout
    again = _one_line_error(bot("copy", "--from", str(source), "--to", empty_url))
    assert "nothing copied" in again and "already holds data" in again
