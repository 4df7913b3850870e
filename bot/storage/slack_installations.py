"""Slack OAuth installs and their one-time states (SQL for `slack_installations` and
`slack_oauth_states`); adapters/slack/oauth.py puts bolt's store interfaces on top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.db import Database, from_db, to_db


@dataclass(frozen=True)
class StoredInstallation:
    team_id: str
    enterprise_id: str | None
    team_name: str
    app_id: str
    bot_token: str
    bot_id: str
    bot_user_id: str
    bot_scopes: str
    installed_at: datetime

    def __repr__(self) -> str:  # the token is a secret: never in a log line or a traceback
        return f"StoredInstallation(team_id={self.team_id!r}, team_name={self.team_name!r})"


class SlackInstallationRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, installation: StoredInstallation) -> None:
        """A reinstall replaces the workspace's row (a new token, perhaps new scopes)."""
        i = installation
        await self._db.execute(
            "INSERT INTO slack_installations (team_id, enterprise_id, team_name, app_id,"
            " bot_token, bot_id, bot_user_id, bot_scopes, installed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id) DO UPDATE SET"
            " enterprise_id = excluded.enterprise_id, team_name = excluded.team_name,"
            " app_id = excluded.app_id, bot_token = excluded.bot_token,"
            " bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id,"
            " bot_scopes = excluded.bot_scopes, installed_at = excluded.installed_at",
            (
                i.team_id,
                i.enterprise_id,
                i.team_name,
                i.app_id,
                i.bot_token,
                i.bot_id,
                i.bot_user_id,
                i.bot_scopes,
                to_db(i.installed_at),
            ),
        )

    async def find(self, team_id: str) -> StoredInstallation | None:
        row = await self._db.fetchone(
            "SELECT team_id, enterprise_id, team_name, app_id, bot_token, bot_id, bot_user_id,"
            " bot_scopes, installed_at FROM slack_installations WHERE team_id = ?",
            (team_id,),
        )
        if row is None:
            return None
        return StoredInstallation(
            team_id=str(row["team_id"]),
            enterprise_id=row["enterprise_id"],
            team_name=str(row["team_name"]),
            app_id=str(row["app_id"]),
            bot_token=str(row["bot_token"]),
            bot_id=str(row["bot_id"]),
            bot_user_id=str(row["bot_user_id"]),
            bot_scopes=str(row["bot_scopes"]),
            installed_at=from_db(row["installed_at"]),
        )

    async def delete(self, team_id: str) -> bool:
        return (
            await self._db.execute("DELETE FROM slack_installations WHERE team_id = ?", (team_id,))
            > 0
        )

    async def issue_state(self, state: str, expires_at: datetime) -> None:
        await self._db.execute(
            "INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)",
            (state, to_db(expires_at)),
        )

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a live state: the DELETE makes a second use (on any worker) fail."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "DELETE FROM slack_oauth_states WHERE state = ? RETURNING expires_at", (state,)
            )
            # Expired states of abandoned installs go too, so the table stays small.
            await tx.execute("DELETE FROM slack_oauth_states WHERE expires_at <= ?", (to_db(now),))
        return row is not None and from_db(row["expires_at"]) > now
