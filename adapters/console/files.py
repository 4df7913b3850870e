"""File options on the console: the option's text is a path on this computer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.commands import FileArg, FileRefused, too_big


class LocalFiles:
    """Reads the file a typed path names (`~` is the home folder; relative to where the
    console runs). The console is its operator's own terminal, so any file they can read is
    theirs to give; no other adapter reads paths."""

    async def read(self, option: str, ref: str, limit: int) -> FileArg:
        return await asyncio.to_thread(_read, option, ref, limit)


def _read(option: str, ref: str, limit: int) -> FileArg:
    path = Path(ref).expanduser()
    try:
        if path.is_dir():
            raise FileRefused(f"{option}: {ref} is a folder; give the path of a file in it.")
        size = path.stat().st_size
        if size > limit:
            raise too_big(option, size, limit)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file that grew since stat() is still refused
    except FileNotFoundError:
        raise FileRefused(f"{option}: there is no file {ref}.") from None
    except OSError as exc:
        raise FileRefused(f"{option}: cannot read {ref} ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise too_big(option, len(data), limit)
    return FileArg(path.name, data)
