"""Who counts as a community admin on Slack: workspace admins/owners, or an admin user group.

The check always asks Slack (never trusts anything in the request) and fails closed: if Slack
cannot answer, the member is treated as a non-admin.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.users import SlackUsers
from bot.clock import Clock

log = logging.getLogger(__name__)

_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")


class AdminCheck:
    """`is_admin(user, fresh=True)` before admin commands; cached answers for everything else.

    Non-admin commands only use the flag for display (e.g. whether help lists admin commands),
    so they may reuse an answer up to `ttl` old; admin commands always re-check with Slack.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        clock: Clock,
        usergroup: str | None = None,
        ttl: timedelta = timedelta(minutes=5),
        users: SlackUsers | None = None,
    ) -> None:
        self._client = client
        # Shared with the adapter: each answer here also refreshes the member's time zone.
        self._users = users or SlackUsers(client, clock)
        self._clock = clock
        self._usergroup = (usergroup or "").strip().lstrip("@") or None
        self._ttl = ttl
        self._cache: dict[str, tuple[bool, datetime]] = {}

    async def is_admin(self, user_id: str, *, fresh: bool) -> bool:
        now = self._clock.now()
        cached = self._cache.get(user_id)
        if not fresh and cached is not None:
            answer, at = cached
            if now - at < self._ttl:
                return answer
        answer = await self._ask_slack(user_id)
        self._cache[user_id] = (answer, now)
        return answer

    async def _ask_slack(self, user_id: str) -> bool:
        try:
            user = await self._users.fetch(user_id)
            if user.get("deleted") or user.get("is_bot"):
                return False
            if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
                return True
            if self._usergroup is None:
                return False
            group_id = await self._group_id(self._usergroup)
            if group_id is None:
                return False
            members = await self._client.usergroups_users_list(usergroup=group_id)
            return user_id in (members.get("users") or [])
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            log.warning("admin check for %s failed (%s); not an admin", user_id, error)
            return False
        except (SlackClientError, OSError, TimeoutError) as exc:
            log.warning("admin check for %s failed (%r); not an admin", user_id, exc)
            return False

    async def _group_id(self, name: str) -> str | None:
        """SLACK_ADMIN_USERGROUP may be an id (S0123ABC) or a handle (study-organizers)."""
        if _GROUP_ID.match(name):
            return name
        groups = await self._client.usergroups_list()
        for group in groups.get("usergroups") or []:
            if str(group.get("handle", "")).lower() == name.lower():
                return str(group["id"])
        log.warning("admin user group %r not found in this workspace", name)
        return None
