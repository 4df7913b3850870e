"""Running the console as a process, and the walkthrough scripts the docs show."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "console",
            "--db",
            str(tmp_path / "c.db"),
            "--now",
            "2026-03-02T13:00:00Z",
            *args,
        ],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # a .env here would be read; the console saves files beside the database
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "STUDYBOT_LOG_LEVEL": "WARNING"},
    )


def walkthrough(doc: str, name: str = "") -> str:
    """The script a doc shows after `<!-- walkthrough-script -->` (a doc with a second one
    names it: `<!-- walkthrough-script: NAME -->`), so docs and tests agree."""
    marker = f"<!-- walkthrough-script{': ' + name if name else ''} -->"
    pattern = re.compile(re.escape(marker) + r"\n```[a-z]*\n(.*?)```", re.DOTALL)
    found = pattern.search((ROOT / "docs" / doc).read_text(encoding="utf-8"))
    assert found is not None, f"docs/{doc} lost its walkthrough script {name}"
    return found.group(1)
