"""File options: what a handler receives (`FileArg`), and where the bytes come from.

A file option's text is only a reference (a path typed on the console, the id of an upload on
Discord or Slack). Validation leaves a `FileRef`; the app then asks the event's `FileSource`,
which the adapter hands in with the event, for the bytes. So a file is only ever read from
what came with this one event: typing `file:/etc/passwd` on Slack, or the id of someone else's
upload, reaches no file at all. Decoding the bytes (text, YAML, ...) is the command's business.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

# The files commands take are small text an organizer wrote (a learning path is a few KiB).
# The whole file is held in memory and parsed within one command's time, so anything much
# larger is the wrong file: refuse it before downloading it.
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class FileArg:
    """The file a member gave for an option: its name as they had it, and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class FileRef:
    """A file option as given, before its bytes are fetched from the event's `FileSource`."""

    raw: str


class FileRefused(Exception):
    """A file that cannot be had: the whole sentence the member reads."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileSource(Protocol):
    """The files that came with one incoming event, as its adapter can fetch them."""

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        """The file `ref` names, of at most `limit` bytes (refused before downloading where
        the platform says the size first); raises `FileRefused` with what to do instead."""
        ...


def too_big(option: str, size: int, limit: int = MAX_FILE_BYTES) -> FileRefused:
    """The refusal of an oversize file, worded alike on every platform."""
    return FileRefused(
        f"{option}: that file is {kib(size)}; the limit is {kib(limit)}. "
        "Attach the file itself, not an archive or a larger export."
    )


def kib(size: int) -> str:
    """Rounded up, so a file just over the limit never reads as the limit itself."""
    return f"{max(1, math.ceil(size / 1024)):,} KiB"


class NoFiles:
    """An event that carries no file (a button, a form): a file option cannot be had here."""

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        raise FileRefused(
            f"{option}: no file came with this. Run the command itself and attach the file there."
        )


NO_FILES = NoFiles()
