"""The built wheel is a working bot: installed in a fresh venv, outside the checkout, it creates
its schema from the migrations it ships and answers commands.

Everything runs offline: the wheel is built without build isolation (setuptools and build are
in the dev extra), installed with --no-index --no-deps, and the fresh venv sees the already
installed dependencies through a .pth file naming this venv's site-packages. A .pth file's path
line does not run the .pth files inside that folder, so this venv's editable install of the
checkout stays invisible there, which the test asserts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bot.storage.migrations import discover

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# What a wheel is built from (the Dockerfile copies the same).
SOURCES = ("pyproject.toml", "README.md", "bot", "cogs", "adapters", "migrations")


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (result.stdout[-2000:], result.stderr[-3000:])
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with the wheel installed: its python, and an environment to run it in."""
    base = tmp_path_factory.mktemp("packaging")
    assert not base.resolve().is_relative_to(ROOT)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(base),
        "PIP_CONFIG_FILE": os.devnull,  # no index or find-links from this machine's pip config
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "STUDYBOT_LOG_LEVEL": "WARNING",
    }
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = base / "dist"
    build = (sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source)
    _ok(_run(*build, cwd=base, env=env))
    (wheel,) = dist.glob("studybot-*.whl")

    venv = base / "venv"
    _ok(_run(sys.executable, "-m", "venv", venv, cwd=base, env=env))
    python = venv / "bin" / "python"
    _ok(_run(python, "-m", "pip", "install", "--quiet", "--no-deps", wheel, cwd=base, env=env))
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(_ok(_run(python, "-c", where, cwd=base, env=env)).strip())
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (purelib / "studybot_test_dependencies.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours)), encoding="utf-8"
    )
    return python, env


def test_the_installed_wheel_is_imported_not_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = installed
    venv = python.parents[1]
    code = "import bot, cogs, adapters, migrations as m; print(bot.__file__, m.__file__)"
    out = _ok(_run(python, "-c", code, cwd=tmp_path, env=env))
    for module_file in out.split():
        assert Path(module_file).is_relative_to(venv), out


def test_migrate_then_a_console_session_from_outside_the_checkout(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = installed
    db = tmp_path / "new.sqlite3"
    migrated = _ok(_run(python, "-m", "bot", "migrate", "--db", db, cwd=tmp_path, env=env))
    assert migrated.strip() == f"applied migrations {[m.version for m in discover()]}"

    script = tmp_path / "session.txt"
    script.write_text("/help\n/checkin finished the joins chapter skills:sql minutes:45\n")
    console = ("console", "--db", db, "--script", script, "--now", "2026-03-02T13:00:00Z")
    out = _ok(_run(python, "-m", "bot", *console, cwd=tmp_path, env=env))
    assert "/checkin - Check in: what you did" in out
    assert "Checked in for Monday 2 March." in out and "Logged: 45 min · SQL" in out
    studybot = python.parent / "studybot"  # the console script of [project.scripts]
    again = _ok(_run(studybot, "migrate", "--db", db, cwd=tmp_path, env=env))
    assert again.strip() == "database is up to date"


def test_an_install_without_its_migrations_refuses_to_migrate(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    python, env = installed
    code = "import migrations; print(migrations.__file__)"
    package = Path(_ok(_run(python, "-c", code, cwd=tmp_path, env=env)).strip()).parent
    removed = tmp_path / "removed"
    removed.mkdir()
    for sql in package.glob("*.sql"):
        shutil.move(sql, removed / sql.name)
    try:
        migrate = (python, "-m", "bot", "migrate", "--db", tmp_path / "x.sqlite3")
        result = _run(*migrate, cwd=tmp_path, env=env)
    finally:
        for sql in removed.iterdir():
            shutil.move(sql, package / sql.name)
    assert result.returncode == 1 and "database is up to date" not in result.stdout
    assert result.stderr.startswith("studybot: found no migrations"), result.stderr
