"""Values of this installation rather than of a community (SQL for `instance_settings`)."""

from __future__ import annotations

import secrets

from bot.storage.db import Database

SECRET_KEY = "secret_key"


class InstanceRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def secret_key(self) -> str:
        """The installation's signing secret, generated on first use and then kept.

        Every process on the database reads the same one, so a button signed by one process is
        accepted by the others, and by this one after a restart.
        """
        await self._db.execute(
            "INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (SECRET_KEY, secrets.token_urlsafe(32)),
        )
        row = await self._db.fetchone(
            "SELECT value FROM instance_settings WHERE key = ?", (SECRET_KEY,)
        )
        assert row is not None
        return str(row["value"])
