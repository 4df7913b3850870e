"""Waiting out a Slack 429 where re-queueing is no option, with slack_sdk's own retry handler.

The shared client raises 429s (the outbox reschedules the whole item); a client from
`retrying_client` sleeps for `Retry-After` and asks again, when that wait is short.
"""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

MAX_RETRY_WAIT = 10  # seconds of Retry-After worth waiting for; longer: give up


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 retry (sleeps for `Retry-After`), only when that wait is short."""

    def __init__(self, max_wait: float = MAX_RETRY_WAIT, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = {k.lower(): v for k, v in response.headers.items()}.get("retry-after") or ["0"]
        try:
            return float(wait[0]) <= self.max_wait
        except ValueError:
            return False


def retrying_client(client: AsyncWebClient, handler: ShortRateLimitRetry) -> AsyncWebClient:
    """The same connection settings as `client`, plus `handler`; `client` stays as it is."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        headers=client.headers,
        retry_handlers=[*client.retry_handlers, handler],
    )
