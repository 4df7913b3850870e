"""The dependency rule: the core never imports a platform SDK, a cog or an adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SDKS = ("discord", "slack_bolt", "slack_sdk")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["bot", "cogs"])
def test_core_imports_no_platform_sdk(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        assert not _imports(path) & set(SDKS), f"{path} imports a platform SDK"


def test_bot_imports_no_cog_or_adapter_except_the_composition_root() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "__main__.py":
            continue
        assert not _imports(path) & {"cogs", "adapters"}, f"{path} breaks the dependency rule"


def test_adapters_import_no_cogs() -> None:
    for path in (ROOT / "adapters").rglob("*.py"):
        assert "cogs" not in _imports(path), f"{path} imports a cog"
