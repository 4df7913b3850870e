"""Who counts as a community admin on Slack: workspace admins/owners, or an admin user group.

The check asks Slack (never trusts anything in the request), but within Slack's rate limits:
`users.info` is Tier 4, `usergroups.list` / `usergroups.users.list` are Tier 2 (about 20 calls
a minute per workspace), so
- an answer is reused for `ttl` (ADMIN_TTL) even by admin commands: someone removed from the
  admin group keeps admin commands for at most that long, the accepted trade-off;
- a group handle is resolved to its id once (again after GROUP_ID_TTL, or when Slack says the
  id no longer exists), and the group's member list is shared by every organizer for `ttl`;
- a 429 on the user-group methods is retried once after `Retry-After` (slack_sdk's own retry
  handler, when the wait is short: the listeners move a slow answer to `response_url`);
- when Slack still cannot answer, the last known answer stands; only a member about whom
  nothing is known yet is refused (fails closed).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.retry import ShortRateLimitRetry, retrying_client
from adapters.slack.users import SLACK_FAILURES, SlackUsers
from bot.clock import Clock

log = logging.getLogger(__name__)

_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")

ADMIN_TTL = timedelta(minutes=3)  # how long an admin answer (and the group's members) holds
DISPLAY_TTL = timedelta(minutes=10)  # non-admin commands only show or hide admin help
GROUP_ID_TTL = timedelta(hours=6)  # a handle rarely moves to another group

T = TypeVar("T")


@dataclass(frozen=True)
class _Known(Generic[T]):
    value: T
    at: datetime


class AdminCheck:
    """`is_admin(user, fresh=True)` before admin commands (an answer up to `ttl` old);
    `fresh=False` for display only (up to `display_ttl` old)."""

    def __init__(
        self,
        client: AsyncWebClient,
        clock: Clock,
        usergroup: str | None = None,
        ttl: timedelta = ADMIN_TTL,
        users: SlackUsers | None = None,
        *,
        display_ttl: timedelta = DISPLAY_TTL,
    ) -> None:
        self._client = retrying_client(client, ShortRateLimitRetry())
        # Shared with the adapter: each answer here also refreshes the member's time zone.
        self._users = users or SlackUsers(client, clock)
        self._clock = clock
        self._usergroup = (usergroup or "").strip().lstrip("@") or None
        self._ttl = ttl
        self._display_ttl = display_ttl
        self._answers: dict[str, _Known[bool]] = {}
        self._group_id_known: _Known[str | None] | None = None
        self._members: _Known[frozenset[str]] | None = None
        self._members_lock = asyncio.Lock()  # N organizers at once still cost one call

    async def is_admin(self, user_id: str, *, fresh: bool) -> bool:
        now = self._clock.now()
        known = self._answers.get(user_id)
        if known is not None and now - known.at < (self._ttl if fresh else self._display_ttl):
            return known.value
        try:
            answer = await self._ask_slack(user_id)
        except SLACK_FAILURES as exc:
            if known is None:
                log.warning("admin check for %s failed (%r); nothing known, refused", user_id, exc)
                return False
            log.warning("admin check for %s failed (%r); using the last answer", user_id, exc)
            return known.value
        self._answers[user_id] = _Known(answer, now)
        return answer

    async def _ask_slack(self, user_id: str) -> bool:
        user = await self._users.fetch(user_id)
        if user.get("deleted") or user.get("is_bot"):
            return False
        if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
            return True
        if self._usergroup is None:
            return False
        return user_id in await self._group_members()

    async def _group_members(self) -> frozenset[str]:
        async with self._members_lock:
            now = self._clock.now()
            if self._members is not None and now - self._members.at < self._ttl:
                return self._members.value
            try:
                members = await self._ask_group_members(now)
            except SLACK_FAILURES:
                if self._members is None:
                    raise
                return self._members.value  # an older list beats refusing every organizer
            self._members = _Known(members, now)
            return members

    async def _ask_group_members(self, now: datetime) -> frozenset[str]:
        group_id = await self._group_id(now)
        if group_id is None:
            return frozenset()
        try:
            response = await self._client.usergroups_users_list(usergroup=group_id)
        except SlackApiError as exc:
            if exc.response.get("error") == "no_such_subteam":
                self._group_id_known = None  # a handle's group was recreated: resolve again
            raise
        return frozenset(response.get("users") or [])

    async def _group_id(self, now: datetime) -> str | None:
        """SLACK_ADMIN_USERGROUP may be an id (S0123ABC) or a handle (study-organizers)."""
        assert self._usergroup is not None
        if _GROUP_ID.match(self._usergroup):
            return self._usergroup
        known = self._group_id_known
        # A handle not found yet may be created any minute: look again sooner.
        if known is not None and now - known.at < (GROUP_ID_TTL if known.value else self._ttl):
            return known.value
        groups = await self._client.usergroups_list()
        name = self._usergroup.lower()
        found = next(
            (
                str(group["id"])
                for group in groups.get("usergroups") or []
                if str(group.get("handle", "")).lower() == name
            ),
            None,
        )
        if found is None:
            log.warning("admin user group %r not found in this workspace", self._usergroup)
        self._group_id_known = _Known(found, now)
        return found
