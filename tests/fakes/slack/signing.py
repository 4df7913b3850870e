"""Signing what Slack sends the app: the v0 request signature (`x-slack-signature`) that
bolt verifies, and in-process bolt requests carrying it."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack.models import SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"


def sign(
    body: str,
    *,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> dict[str, str]:
    """Headers Slack would send with `body`: content type, timestamp and v0 signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def bolt_request(body: str, headers: Mapping[str, str] | None = None) -> AsyncBoltRequest:
    """An in-process request for `AsyncApp.async_dispatch`, signed unless headers are given."""
    chosen: dict[str, str | Sequence[str]] = dict(sign(body) if headers is None else headers)
    return AsyncBoltRequest(body=body, headers=chosen)
