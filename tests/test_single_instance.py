"""Started twice on one SQLite database, the second bot process refuses in one line and exits,
whether the first is running already or both start at the same moment; `migrate` run twice at
once applies each migration once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs `python -m bot` as processes

ROOT = Path(__file__).resolve().parents[1]
ENV = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "STUDYBOT_LOG_LEVEL": "WARNING"}


def _console(db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--db", str(db), *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=db.parent,
        env=ENV,
    )


def test_a_second_process_names_the_first_and_exits(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    busy = tmp_path / "busy.txt"
    busy.write_text(":advance 365d\n", encoding="utf-8")  # keeps the first one running a while
    first = _console(db, "--script", str(busy))
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("studybot console")  # up, holding the lock
        second = _console(db, "--script", str(busy))
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "another studybot is already using" in lines[0]
        assert f"pid {first.pid}" in lines[0]
    finally:
        first.terminate()  # SIGTERM: a clean stop
        first.communicate(timeout=60)
    assert first.returncode == 0


def test_two_started_together_on_a_new_file_one_runs_and_one_refuses(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    script = tmp_path / "lines.txt"
    script.write_text("/help\n", encoding="utf-8")
    # The script holds the first long enough for the second to find the lock taken.
    both = [_console(db, "--script", str(script)) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in both]
    codes = sorted(p.returncode for p in both)
    errors = [err for _, err in results]
    assert codes in ([0, 0], [0, 1])  # one after the other, or one refused
    assert not any("Traceback" in err for err in errors)
    if codes == [0, 1]:
        refused = next(err for p, (_, err) in zip(both, results, strict=True) if p.returncode)
        assert "another studybot is already using" in refused


def test_migrations_started_together_apply_once(tmp_path: Path) -> None:
    for attempt in range(3):
        db = tmp_path / f"race-{attempt}.sqlite3"
        both = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "migrate", "--db", str(db)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=tmp_path,
                env=ENV,
            )
            for _ in range(2)
        ]
        results = [p.communicate(timeout=120) for p in both]
        assert [p.returncode for p in both] == [0, 0], results
        outputs = sorted(out.strip() for out, _ in results)
        assert outputs[0] == "database is up to date" or outputs[0].startswith("applied")
        conn = sqlite3.connect(db)
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        conn.close()
        assert versions == sorted(set(versions)) and versions[-1] == len(versions)
