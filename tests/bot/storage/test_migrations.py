from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.migrations import NoMigrations, SchemaTooNew, discover, migrate, shipped
from tests.helpers import START

ROOT = Path(__file__).resolve().parents[3]


async def test_migrations_apply_on_an_empty_database(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    applied = await migrate(db, START)
    assert applied == [m.version for m in discover()]
    row = await db.fetchone("SELECT COUNT(*) AS n FROM tenants")
    assert row is not None and row["n"] == 0
    await db.close()


async def test_rerun_is_a_no_op(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    await migrate(db, START)
    assert await migrate(db, START) == []
    await db.close()


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    await migrate(db, START)
    await db.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')"
    )
    with pytest.raises(SchemaTooNew, match="999"):
        await migrate(db, START)
    await db.close()


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER);")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);")
    db = await Database.open(tmp_path / "a.db")
    with pytest.raises(Exception, match="nope"):
        await migrate(db, START, folder)
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'b'") is None
    row = await db.fetchone("SELECT MAX(version) AS v FROM schema_migrations")
    assert row is not None and row["v"] == 1
    await db.close()


def test_the_shipped_migrations_are_the_migrations_package_data() -> None:
    import migrations

    assert Path(str(shipped())) == Path(migrations.__file__).parent
    assert discover() == discover(ROOT / "migrations") != []


async def test_no_migrations_is_refused_before_touching_the_database(tmp_path: Path) -> None:
    empty = tmp_path / "migrations"
    empty.mkdir()
    db = await Database.open(tmp_path / "a.db")
    with pytest.raises(NoMigrations, match="found no migrations"):
        await migrate(db, START, empty)
    assert await db.fetchone("SELECT name FROM sqlite_master") is None
    await db.close()


async def test_0010_gives_existing_members_no_platform_zone(tmp_path: Path) -> None:
    before = tmp_path / "up-to-0009"
    before.mkdir()
    for m in discover():
        if m.version < 10:
            (before / f"{m.version:04d}_{m.name}.sql").write_text(m.sql)
    db = await Database.open(tmp_path / "a.db")
    await migrate(db, START, before)
    await db.execute(
        "INSERT INTO tenants (platform, external_id, name, created_at) VALUES ('slack', 'T', '', 'x')"
    )
    await db.execute(
        "INSERT INTO members (tenant_id, external_id, display_name, joined_at)"
        " VALUES (1, 'U1', 'Ann', 'x')"
    )
    assert (await migrate(db, START))[0] == 10  # and any later ones
    row = await db.fetchone("SELECT platform_timezone FROM members WHERE external_id = 'U1'")
    assert row is not None and row["platform_timezone"] is None
    await db.close()
