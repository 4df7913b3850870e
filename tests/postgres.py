"""A throwaway PostgreSQL server for tests and benchmarks: Debian's `postgresql` package.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` user. The server
listens on 127.0.0.1 on a free port, with a socket folder of its own, and durability off (a
test's data needs none). Its databases collate text by a language's rules (ICU en-US), as a
server installed for people would, so a test sees text compared the way production would; `stop` kills it and removes every file. Each test gets a database
cloned from a migrated template, which takes milliseconds.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from bot.clock import ManualClock
from bot.storage.migrations import migrate
from bot.storage.postgres import PostgresDatabase
from tests.helpers import START, free_port

TEMPLATE = "studybot_template"
POSTGRES_ROOT = Path("/usr/lib/postgresql")


class PostgresUnavailable(RuntimeError):
    pass


def binaries() -> Path:
    """The newest installed server's bin folder."""
    found = sorted(
        (p.parent for p in POSTGRES_ROOT.glob("*/bin/initdb")),
        key=lambda bin_dir: int(bin_dir.parent.name) if bin_dir.parent.name.isdigit() else 0,
    )
    if not found:
        raise PostgresUnavailable(
            f"no PostgreSQL server under {POSTGRES_ROOT}: install Debian's `postgresql` package"
            " (`make test` does, as root or with sudo)"
        )
    return found[-1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    user: str
    _bin: Path
    _as_owner: list[str]
    _numbers: itertools.count[int] = field(default_factory=itertools.count)
    _template_made: bool = False

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = binaries()
        folder = Path(tempfile.mkdtemp(prefix="studybot-pg-"))
        data, sockets = folder / "data", folder / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (folder, sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            as_owner, user = ["runuser", "-u", "postgres", "--"], "postgres"
        else:
            as_owner, user = [], pwd.getpwuid(os.geteuid()).pw_name
        server = cls(folder, free_port(), user, bin_dir, as_owner)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {server.port} -k {sockets}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        try:
            server._run("initdb", "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8",
                        "--locale=C", "--locale-provider=icu", "--icu-locale=en-US", "--no-sync")  # fmt: skip
            server._run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w",
                        "-o", options, "start")  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = folder / "server.log"
            detail = log.read_text() if log.exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(f"PostgreSQL did not start: {exc.stderr}{detail}") from exc
        return server

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self._as_owner, str(self._bin / program), *args],
            check=True,
            capture_output=True,
            text=True,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already gone: files still go
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    async def _make_template(self) -> None:
        """A database with every migration applied, for `fresh_database` to copy."""
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        db = await PostgresDatabase.open(self.url(TEMPLATE))
        try:
            await migrate(db, ManualClock(START).now())
        finally:
            await db.close()

    async def fresh_database(self, *, migrated: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); its URL."""
        if migrated and not self._template_made:
            await self._make_template()
            self._template_made = True
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        admin = await asyncpg.connect(self.url())
        try:
            template = f" TEMPLATE {TEMPLATE}" if migrated else ""
            await admin.execute(f"CREATE DATABASE {name}{template}")
        finally:
            await admin.close()
        return self.url(name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1]
        admin = await asyncpg.connect(self.url())
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()
