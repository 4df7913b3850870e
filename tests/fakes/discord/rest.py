"""The fake Discord's REST pipeline: every request under ``/api/v10`` is recorded, may be
answered by a failure a test scripted, is checked for the bot token and goes to its route.

Two pitfalls shaped it: discord.py only parses JSON when ``Content-Type`` is exactly
``application/json``, and it only retries a 429 that carries a ``Via`` header (otherwise it
assumes a Cloudflare ban).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fakes.discord.constants import API_PREFIX, Json
from tests.fakes.discord.records import RecordedFile, RecordedRequest, ScriptedFailure
from tests.fakes.discord.state import DiscordState

# Path patterns: a snowflake id, and an interaction token (anything up to the next slash).
ROUTE_ID = r"(\d+)"
TOKEN = r"([^/]+)"

# A handler gets the request and the groups its pattern captured; a result that is not a
# response is answered as JSON.
RouteHandler = Callable[[RecordedRequest, tuple[str, ...]], Json | list[Json] | web.Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]  # matched against the whole path below /api/v10
    handler: RouteHandler
    auth: bool  # False where Discord authenticates with the interaction token in the path


def route(method: str, pattern: str, handler: RouteHandler, *, auth: bool = True) -> Route:
    return Route(method, re.compile(pattern), handler, auth)


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON response with the exact Content-Type discord.py checks for."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


def error_body(code: int, message: str, errors: Json | None = None) -> Json:
    body: Json = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


def invalid_form_body(state: DiscordState, where: str, problems: list[str]) -> web.Response:
    """Discord's 400 for a payload it refuses. Each problem is also a violation, so the test
    fails even when the bot swallows the error."""
    for problem in problems:
        state.violation(f"{where}: {problem}")
    errors = {"_errors": [{"code": "BASE_TYPE_INVALID", "message": p} for p in problems]}
    return json_response(error_body(50035, "Invalid Form Body", errors), 400)


class RestApi:
    """Serves ``/api/v10``: records each request, then answers it (see the module docstring).

    Routes never overlap (no path matches two patterns of one method), so their order does
    not matter; an unmatched request is a violation.
    """

    def __init__(self, state: DiscordState, routes: Iterable[Route]) -> None:
        self.state = state
        self.routes = list(routes)
        self.failures: list[ScriptedFailure] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        record = await self._record(request)
        response = self._scripted_failure(record)
        if response is None:
            response = self._route(record)
        record.status = response.status
        body = getattr(response, "body", None)
        if isinstance(body, bytes) and body:
            with contextlib.suppress(ValueError):
                record.response = json.loads(body)
        await self.state.notify()
        return response

    async def _record(self, request: web.Request) -> RecordedRequest:
        payload: Any = None
        files: list[RecordedFile] = []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                raw = await part.read()
                if part.name == "payload_json":
                    payload = json.loads(raw)
                else:
                    files.append(
                        RecordedFile(
                            part.name,
                            part.filename or "",
                            bytes(raw),
                            part.headers.get("Content-Type", ""),
                        )
                    )
        elif request.can_read_body:
            raw_text = await request.text()
            if raw_text:
                payload = json.loads(raw_text)
        record = RecordedRequest(
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            query=dict(request.query),
            json=payload,
            files=files,
            headers=dict(request.headers),
            received_at=self.state.now(),
        )
        self.state.requests.append(record)
        return record

    def _scripted_failure(self, record: RecordedRequest) -> web.Response | None:
        for failure in self.failures:
            matches = failure.method == record.method and failure.path_substring in record.path
            if failure.remaining and matches:
                failure.remaining -= 1
                return json_response(failure.body, failure.status, failure.headers)
        return None

    def _route(self, record: RecordedRequest) -> web.Response:
        for found in self.routes:
            if found.method != record.method:
                continue
            match = found.pattern.fullmatch(record.path)
            if match is None:
                continue
            if found.auth and record.headers.get("Authorization") != f"Bot {self.state.token}":
                return json_response(error_body(0, "401: Unauthorized"), 401)
            result = found.handler(record, match.groups())
            if isinstance(result, web.Response):
                return result
            return json_response(result)
        self.state.violation(f"unhandled route {record.method} {record.path}")
        return json_response(error_body(0, "404: Not Found"), 404)

    # ----- failure injection -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_substring: str,
        *,
        status: int,
        code: int = 0,
        message: str = "error",
        times: int = 1,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.failures.append(
            ScriptedFailure(
                method.upper(),
                path_substring,
                times,
                status,
                error_body(code, message),
                dict(headers or {}),
            )
        )

    def rate_limit_next(
        self,
        method: str,
        path_substring: str,
        *,
        retry_after: float = 0.2,
        times: int = 1,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with a 429 the way Discord does."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = is_global
        headers = {
            "Retry-After": str(max(1, round(retry_after))),
            "Via": "1.1 google",  # discord.py treats a 429 without it as a Cloudflare ban
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "fake-bucket-" + path_substring.strip("/").replace("/", "-"),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self.failures.append(
            ScriptedFailure(method.upper(), path_substring, times, 429, body, headers)
        )
