"""What Slack says about a member, from `users.info`: asked once in a while, never per command.

The profile's name is kept with the zone, so each command hands the core the member's Slack
display name (not the slash command's legacy handle) without a call of its own.

`users.info` is a Tier 4 method (about 100 calls a minute per workspace). The admin check
asks it with `fetch`; every answer also refreshes the member's time zone kept here, so the
zone handed to the core each command usually costs no call of its own. A zone older than
`ttl` is asked for again; when Slack cannot answer (an error, a 429, a timeout), the command
goes on with the zone known before, or none, and Slack is not asked again for `retry`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.messenger import display_name
from bot.clock import Clock

log = logging.getLogger(__name__)

ZONE_TTL = timedelta(hours=1)  # people rarely change zone; Slack's user_change refreshes sooner
RETRY_AFTER_FAILURE = timedelta(minutes=1)  # a 429 is answered by asking less, not more
LOOKUP_TIMEOUT = 1.0  # seconds a command waits for the zone before going on without it
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError, TimeoutError)


def zone_of(user: dict[str, Any]) -> str | None:
    """The `tz` of a Slack user object (an IANA name; the core checks it before storing)."""
    tz = user.get("tz")
    return tz if isinstance(tz, str) and tz else None


@dataclass(frozen=True)
class SlackProfile:
    tz: str | None  # None: Slack gave no zone for this user
    name: str  # "": no profile known yet (the caller keeps the name stored before)


NO_PROFILE = SlackProfile(None, "")


@dataclass(frozen=True)
class _Known:
    profile: SlackProfile
    at: datetime


class SlackUsers:
    def __init__(
        self,
        client: AsyncWebClient,
        clock: Clock,
        *,
        ttl: timedelta = ZONE_TTL,
        retry: timedelta = RETRY_AFTER_FAILURE,
        timeout: float = LOOKUP_TIMEOUT,
    ) -> None:
        self._client = client
        self._clock = clock
        self._ttl = ttl
        self._retry = retry
        self._timeout = timeout
        self._known: dict[str, _Known] = {}
        self._failed_at: dict[str, datetime] = {}

    async def fetch(self, user_id: str) -> dict[str, Any]:
        """The `user` object of `users.info`, asked now; raises what slack_sdk raises.

        A failure is noted, so the zone lookup right after a failed admin check does not ask
        again at once (while rate limited, every extra call is another 429).
        """
        try:
            response = await self._client.users_info(user=user_id)
        except BaseException:  # cancelled or timed out too: the call may have reached Slack
            self._failed_at[user_id] = self._clock.now()
            raise
        user: dict[str, Any] = response["user"]
        self.remember(user)
        return user

    def remember(self, user: dict[str, Any]) -> None:
        """Keep the zone and name of a user object Slack sent (an answer, or a user_change event)."""
        user_id = str(user.get("id") or "")
        if user_id:
            profile = SlackProfile(zone_of(user), display_name(user))
            self._known[user_id] = _Known(profile, self._clock.now())
            self._failed_at.pop(user_id, None)

    def forget(self, user_id: str) -> None:
        self._known.pop(user_id, None)
        self._failed_at.pop(user_id, None)

    async def profile(self, user_id: str) -> SlackProfile:
        """The user's Slack zone (an IANA name, unchecked) and name, or NO_PROFILE; never raises."""
        now = self._clock.now()
        known = self._known.get(user_id)
        if known is not None and now - known.at < self._ttl:
            return known.profile
        failed = self._failed_at.get(user_id)
        if failed is not None and now - failed < self._retry:
            return known.profile if known is not None else NO_PROFILE
        try:
            user = await asyncio.wait_for(self.fetch(user_id), self._timeout)
        except SLACK_FAILURES as exc:
            log.info("users.info for %s failed (%s); using the profile known before", user_id, exc)
            return known.profile if known is not None else NO_PROFILE  # an hour old beats none
        return SlackProfile(zone_of(user), display_name(user))
