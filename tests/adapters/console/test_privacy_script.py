"""The privacy walkthrough of docs/privacy.md, run end to end through the console: alice exports
and deletes her data, bob's stays exactly as it was."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.console.scripts import ROOT, walkthrough

pytestmark = pytest.mark.slow  # runs `python -m bot console` as a process


def _run(folder: Path, lines: str) -> str:
    script = folder / "privacy.txt"
    script.write_text(lines, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "console",
            "--db",
            str(folder / "p.db"),
            "--now",
            "2026-03-02T13:00:00Z",
            "--script",
            str(script),
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "STUDYBOT_LOG_LEVEL": "WARNING"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("privacy")
    return _run(folder, walkthrough("privacy.md")), folder


@pytest.fixture(scope="module")
def before_delete(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The walkthrough up to alice's /privacy delete: her export file is still there."""
    folder = tmp_path_factory.mktemp("privacy-export")
    script = walkthrough("privacy.md")
    _run(folder, script[: script.index("/privacy delete")])
    return folder


def _turn(transcript: str, user: str, line: str) -> str:
    """The reply to the last time `user` typed `line`."""
    return transcript.split(f"{user}> {line}\n")[-1].split("\n" + "alice> ")[0].split("\nbob> ")[0]


def _export(folder: Path, user: str) -> dict[str, Any]:
    # saved beside the database, in the member's own folder
    (path,) = (folder / "console-files" / user).glob(f"studybot-export-{user}-*.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_alice_gets_her_data_as_a_private_file(
    session: tuple[str, Path], before_delete: Path
) -> None:
    transcript, _ = session
    reply = _turn(transcript, "alice", "/privacy export")
    assert reply.startswith("→ private to alice:") and "[file] studybot-export-alice-" in reply
    (saved,) = (before_delete / "console-files" / "alice").iterdir()
    assert saved.stat().st_mode & 0o777 == 0o600  # only the owner can read a member's data
    data = _export(before_delete, "alice")
    assert data["profile"]["about"] == "stats student"
    assert [c["did"] for c in data["checkins"]["checkins"]] == ["SQL joins"]
    assert "backend curious" not in json.dumps(data) and "git rebase" not in json.dumps(data)


def test_alice_confirms_and_her_data_is_gone(session: tuple[str, Path]) -> None:
    transcript, folder = session
    assert "[1] Delete my data" in _turn(transcript, "alice", "/privacy delete")
    assert "no longer stores anything about you" in _turn(transcript, "alice", "1")
    shown = _turn(transcript, "alice", "/profile show")
    assert "Time zone: not set" in shown and "stats student" not in shown
    conn = sqlite3.connect(folder / "p.db")
    names = [r[0] for r in conn.execute("SELECT external_id FROM members ORDER BY id")]
    dids = [r[0] for r in conn.execute("SELECT did FROM checkins")]
    abouts = [r[0] for r in conn.execute("SELECT about FROM profiles WHERE about IS NOT NULL")]
    conn.close()
    assert names[0].startswith("erased:") and "alice" in names  # the tombstone, then her new row
    assert dids == ["git rebase"] and abouts == ["backend curious"]
    assert not (folder / "console-files" / "alice").exists()  # her export file went with it


def test_bobs_data_is_untouched(session: tuple[str, Path]) -> None:
    transcript, folder = session
    shown = _turn(transcript, "bob", "/profile show")
    assert "Time zone: Asia/Tokyo" in shown and "About: backend curious" in shown
    data = _export(folder, "bob")
    assert data["profile"]["about"] == "backend curious"
    assert [c["did"] for c in data["checkins"]["checkins"]] == ["git rebase"]
    assert data["buddies"]["settings"]["status"] == "active"
