"""Operations from the command line: migrate, backup (also while the bot runs), the integrity
check at start, and secrets kept out of the logs."""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.__main__ import configure_logging
from bot.app import App
from bot.config import Settings
from bot.storage.migrations import discover
from tests.helpers import say

pytestmark = pytest.mark.slow  # runs `python -m bot` as a process

ROOT = Path(__file__).resolve().parents[1]
FAKE_SECRETS = {
    "DISCORD_TOKEN": "MTA-fake-discord-token.Gx1234.abcdefghijklmnop",
    "SLACK_BOT_TOKEN": "xoxb-0000-fake-slack-bot-token",
    "SLACK_APP_TOKEN": "xapp-1-fake-slack-app-token",
    "SLACK_SIGNING_SECRET": "fake-signing-secret-8f14e45f",
}


def bot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "STUDYBOT_LOG_LEVEL": "WARNING", **(env or {})},
    )


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studybot: ")
    return lines[0]


def _damage(path: Path) -> None:
    """Overwrite a few pages in the middle of a real database file."""
    with path.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xff" * 4096 * 2)


def _database_with_rows(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    conn.execute("CREATE INDEX t_a ON t (a)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, "x" * 200) for i in range(2000)])
    conn.commit()
    conn.close()


# --- migrate -------------------------------------------------------------------------------------


def test_migrate_applies_every_migration_then_reports_up_to_date(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    first = bot("migrate", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert f"applied migrations {[m.version for m in discover()]}" in first.stdout
    second = bot("migrate", "--db", str(db))
    assert second.returncode == 0 and "database is up to date" in second.stdout


def test_migrate_refuses_a_newer_schema_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    bot("migrate", "--db", str(db))
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    conn.commit()
    conn.close()
    assert "schema version 999" in _one_line_error(bot("migrate", "--db", str(db)))


# --- doctor ----------------------------------------------------------------------------------


def test_doctor_checks_the_console_setup_and_exits_zero(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    bot("migrate", "--db", str(db))
    result = bot("doctor", "--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "studybot doctor: checking console" in result.stdout
    assert "integrity ok, schema up to date" in result.stdout
    assert result.stdout.rstrip().endswith("Everything checked is ready.")


def test_doctor_for_discord_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = bot("doctor", "discord", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "FIX  DISCORD_TOKEN is not set" in result.stdout and "Traceback" not in result.stderr


# --- integrity check at start ----------------------------------------------------------------


def test_a_damaged_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    _database_with_rows(db)
    _damage(db)
    before = db.read_bytes()
    line = _one_line_error(bot("console", "--db", str(db)))
    assert "is damaged" in line and "python -m bot backup" in line
    assert (
        db.read_bytes()[100:] == before[100:]
    )  # refused, not "repaired" (the header may note WAL)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("shopping list: milk, eggs\n" * 200)
    line = _one_line_error(bot("migrate", "--db", str(db)))
    assert "is damaged" in line and "not a database" in line
    assert db.read_text().startswith("shopping list")


# --- backup ----------------------------------------------------------------------------------


async def test_backup_while_the_bot_runs_copies_what_was_committed(
    app: App, settings: Settings, tmp_path: Path
) -> None:
    await say(app, "/profile set about:committed-before-backup")
    target = tmp_path / "backups" / "copy.db"
    async with app.db.transaction() as tx:  # a write in progress while the backup runs
        await tx.execute("UPDATE profiles SET about = 'uncommitted'")
        result = bot("backup", str(target), "--db", str(settings.studybot_db))
    assert result.returncode == 0, result.stderr
    assert "integrity check ok" in result.stdout
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT about FROM profiles").fetchall() == [("committed-before-backup",)]
    conn.close()
    assert "uncommitted" in (await say(app, "/profile show")).text  # the bot kept running


def test_backup_refuses_a_missing_database_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.db"
    line = _one_line_error(bot("backup", str(tmp_path / "copy.db"), "--db", str(missing)))
    assert "no database at" in line
    assert not missing.exists() and not (tmp_path / "copy.db").exists()


def test_backup_refuses_to_overwrite_the_database_itself(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    bot("migrate", "--db", str(db))
    assert "another file" in _one_line_error(bot("backup", str(db), "--db", str(db)))


def test_backup_of_a_damaged_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    _database_with_rows(db)
    _damage(db)
    assert "is damaged" in _one_line_error(bot("backup", str(tmp_path / "c.db"), "--db", str(db)))


# --- secrets ---------------------------------------------------------------------------------


def _settings_with_fake_secrets() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=SecretStr(FAKE_SECRETS["DISCORD_TOKEN"]),
        slack_bot_token=SecretStr(FAKE_SECRETS["SLACK_BOT_TOKEN"]),
        slack_app_token=SecretStr(FAKE_SECRETS["SLACK_APP_TOKEN"]),
        slack_signing_secret=SecretStr(FAKE_SECRETS["SLACK_SIGNING_SECRET"]),
        studybot_log_level="DEBUG",
    )


def test_secrets_are_blanked_in_every_log_line_and_traceback() -> None:
    settings = _settings_with_fake_secrets()
    stream = io.StringIO()
    handler = configure_logging(settings, stream)
    root = logging.getLogger()
    level = root.level
    try:
        token = FAKE_SECRETS["DISCORD_TOKEN"]
        # (library loggers log from INFO up: their DEBUG lines carry payloads, see below)
        logging.getLogger("discord.http").warning("PUT /gateway Authorization: Bot %s", token)
        logging.getLogger("slack_sdk").info(
            f"headers={{'Authorization': 'Bearer {FAKE_SECRETS['SLACK_BOT_TOKEN']}'}}"
        )
        logging.getLogger("studybot").info("settings: %r / %s", settings, settings)
        try:
            raise RuntimeError(f"login failed for {FAKE_SECRETS['SLACK_APP_TOKEN']}")
        except RuntimeError:
            logging.getLogger("bot.app").exception("adapter crashed")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    captured = stream.getvalue()
    assert "PUT /gateway" in captured and "adapter crashed" in captured
    assert captured.count("[redacted]") >= 3
    for secret in FAKE_SECRETS.values():
        assert secret not in captured


def test_a_debug_run_with_tokens_in_the_environment_logs_none_of_them(tmp_path: Path) -> None:
    env = {**FAKE_SECRETS, "STUDYBOT_LOG_LEVEL": "DEBUG"}
    result = bot("console", "--db", str(tmp_path / "c.db"), env=env)
    assert result.returncode == 0, result.stderr
    assert "DEBUG" in result.stderr  # logging really ran at DEBUG
    for secret in FAKE_SECRETS.values():
        assert secret not in result.stdout + result.stderr


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")
def test_a_cpu_the_machine_does_not_offer_is_refused_in_one_line(tmp_path: Path) -> None:
    result = bot("migrate", "--db", str(tmp_path / "c.db"), env={"STUDYBOT_CPU": "4096"})
    assert "STUDYBOT_CPU=4096, but this process may only use CPU" in _one_line_error(result)
    assert not (tmp_path / "c.db").exists()  # refused before anything was opened
