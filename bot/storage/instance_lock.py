"""One bot process per SQLite database: a second one refuses to start, naming the first.

SQLite serialises writers, but two bot processes would each run the scheduler and the sender,
and each one's start-up would requeue messages the other is sending. The lock is an advisory
`flock` on `<database>.lock`, held for the process's life and released by the kernel when the
process exits, however it exits (a SIGKILL leaves no stale lock behind). The file records who
holds it, for the message the second process prints.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from bot.private_files import private_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; the lock is not taken there
    fcntl = None  # type: ignore[assignment]


class AlreadyRunning(RuntimeError):
    """Another studybot process uses this database."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class InstanceLock:
    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    @classmethod
    def acquire(cls, database: Path, holder: str) -> InstanceLock:
        """Take the lock for `database`, or raise AlreadyRunning naming the process that has it.

        `holder` describes this process for that message ("pid 123, python -m bot console").
        """
        if fcntl is None:
            return cls(None)
        path = private_file(lock_path(database))
        handle = path.open("r+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"another studybot is already using {database} ({other}); stop it first, or"
                " give this one another database (--db)."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(holder)
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor drops the flock
            self._handle = None


def describe_this_process(started: str) -> str:
    command = " ".join(["python", *sys.argv]) if sys.argv and sys.argv[0] else "python"
    return f"pid {os.getpid()}, started {started}: {command[:200]}"
