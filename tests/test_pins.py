"""Versions pinned in two places agree: ruff in the pre-commit hooks and in uv.lock, uv in the
Makefile and in the Dockerfile."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_pre_commit_ruff_is_the_locked_ruff() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    (locked,) = [p["version"] for p in lock["package"] if p["name"] == "ruff"]
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert set(re.findall(r"\bruff==([\w.]+)", hooks)) == {locked}


def test_the_docker_image_installs_the_makefiles_uv() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (pinned,) = re.findall(r"^UV_VERSION := ([\w.]+)$", makefile, re.MULTILINE)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.findall(r"\buv==([\w.]+)", dockerfile) == [pinned]
