"""Interactions as Discord runs them: a payload is issued (and its deadline clock started),
the bot acknowledges it once with a callback, then edits or follows up through the webhook.

The rules a real Discord enforces and discord.py does not are enforced here, so a test fails
the way production would:

* the first callback must arrive within ``interaction_deadline`` seconds (3 s on Discord);
  a late one gets ``404 {"code": 10062}`` and is recorded as a violation;
* an interaction is acknowledged once (a second callback gets 40060), follow-ups need an
  acknowledged interaction, and the callback type must suit the interaction type;
* replies, modals and autocomplete choices are held to Discord's limits (``limits.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from tests.fakes.discord.constants import (
    ALLOWED_CALLBACKS,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    EPHEMERAL,
    LOADING,
    MODAL,
    UPDATE_MESSAGE,
    Json,
)
from tests.fakes.discord.limits import validate_message, validate_modal
from tests.fakes.discord.records import InteractionRecord, RecordedRequest
from tests.fakes.discord.rest import (
    ROUTE_ID,
    TOKEN,
    Route,
    error_body,
    invalid_form_body,
    json_response,
    route,
)
from tests.fakes.discord.state import DiscordState, public_message


class Interactions:
    """Issues interactions, answers the bot's callbacks and webhook calls, and waits for replies."""

    def __init__(self, state: DiscordState) -> None:
        self.state = state

    def routes(self) -> list[Route]:
        # Interaction endpoints authenticate with the interaction token, not the bot token.
        original = rf"/webhooks/{ROUTE_ID}/{TOKEN}/messages/@original"
        return [
            route(
                "POST",
                rf"/interactions/{ROUTE_ID}/{TOKEN}/callback",
                self._interaction_callback,
                auth=False,
            ),
            route("POST", rf"/webhooks/{ROUTE_ID}/{TOKEN}", self._followup, auth=False),
            route("PATCH", original, self._edit_original, auth=False),
            route("GET", original, self._get_original, auth=False),
            route("DELETE", original, self._delete_original, auth=False),
        ]

    # ----- issuing and waiting -----------------------------------------------------------

    def issue(self, payload: Json) -> Json:
        """Start the deadline clock for an interaction payload (done by ``dispatch`` too)."""
        user = (payload.get("member") or {}).get("user") or payload.get("user") or {}
        self.state.interactions[int(payload["id"])] = InteractionRecord(
            id=int(payload["id"]),
            token=str(payload["token"]),
            type=int(payload["type"]),
            issued_at=self.state.now(),
            user_id=int(user.get("id", 0)),
            guild_id=int(payload["guild_id"]) if payload.get("guild_id") else None,
            channel_id=int(payload["channel_id"]) if payload.get("channel_id") else None,
        )
        return payload

    def feed(self, client: Any, payload: Json) -> Json:
        """Mode A: hand a payload straight to discord.py's INTERACTION_CREATE parser."""
        self.issue(payload)
        client._connection.parsers["INTERACTION_CREATE"](payload)
        return payload

    def redeliver(self, client: Any, payload: Json) -> Json:
        """The same interaction once more (a second process, a gateway replay): its deadline
        and callbacks stay those of the first delivery, so a second answer is a violation."""
        client._connection.parsers["INTERACTION_CREATE"](payload)
        return payload

    def interaction_for(self, payload: Json) -> InteractionRecord:
        return self.state.interactions[int(payload["id"])]

    async def wait_for_callback(
        self,
        payload: Json,
        timeout: float = 2.0,  # noqa: ASYNC109
    ) -> RecordedRequest:
        """The accepted first callback for this interaction."""
        return await self.state.wait_for_request(
            "POST", f"/interactions/{payload['id']}/{payload['token']}/callback", timeout
        )

    async def wait_for_reply(self, payload: Json, timeout: float = 3.0) -> Json:  # noqa: ASYNC109
        """The message the user finally sees for an interaction: the direct reply, or the
        first follow-up after a deferral. Returns the message JSON (content, flags, ...)."""

        def done() -> bool:
            found = self.state.interactions.get(int(payload["id"]))
            if found is None or not found.acknowledged:
                return bool(self.state.violations)
            original = found.original_message
            if found.callback_type in (MODAL, AUTOCOMPLETE_RESULT, UPDATE_MESSAGE):
                return True
            if found.callback_type == DEFERRED_UPDATE:
                return any(
                    r.method in ("PATCH", "POST") and found.token in r.path and r.status
                    for r in self.state.requests
                )
            return original is not None and not original.get("_loading")

        async with self.state.changed:
            try:
                await asyncio.wait_for(self.state.changed.wait_for(done), timeout)
            except TimeoutError:
                raise AssertionError(
                    f"no reply to interaction {payload['id']} within {timeout}s;"
                    f" violations: {self.state.violations}"
                ) from None
        found = self.state.interactions[int(payload["id"])]
        if self.state.violations and not found.acknowledged:
            raise AssertionError(f"interaction failed: {self.state.violations}")
        if found.callback_type in (MODAL, AUTOCOMPLETE_RESULT, UPDATE_MESSAGE, DEFERRED_UPDATE):
            return dict(found.callbacks[0].get("data") or {}, _callback=found.callback_type)
        assert found.original_message is not None
        return dict(public_message(found.original_message), _callback=found.callback_type)

    # ----- the bot's callback and webhook calls ------------------------------------------

    def _interaction_callback(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        interaction_id, token = int(args[0]), args[1]
        found = self.state.interactions.get(interaction_id)
        unknown = json_response(error_body(10062, "Unknown interaction"), 404)
        if found is None or found.token != token:
            self.state.violation(f"callback for unknown interaction {interaction_id}")
            return unknown
        if found.acknowledged:
            self.state.violation(f"interaction {interaction_id} acknowledged twice")
            return json_response(
                error_body(40060, "Interaction has already been acknowledged."), 400
            )
        elapsed = record.received_at - found.issued_at
        if elapsed > self.state.interaction_deadline:
            self.state.violation(
                f"interaction {interaction_id} answered after {elapsed:.2f}s"
                f" (deadline {self.state.interaction_deadline}s)"
            )
            return unknown
        body: Json = record.json or {}
        kind = int(body.get("type", 0))
        if kind not in ALLOWED_CALLBACKS.get(found.type, set()):
            return invalid_form_body(
                self.state,
                f"interaction {interaction_id}",
                [f"callback type {kind} not allowed for interaction type {found.type}"],
            )
        data: Json = body.get("data") or {}
        problems: list[str] = []
        if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
            problems = validate_message(data)
        elif kind == MODAL:
            problems = validate_modal(data)
        elif kind == AUTOCOMPLETE_RESULT and len(data.get("choices") or []) > 25:
            problems = ["more than 25 autocomplete choices"]
        if problems:
            return invalid_form_body(self.state, f"interaction {interaction_id}", problems)
        found.callbacks.append(body)
        interaction: Json = {"id": str(found.id), "type": found.type}
        result: Json = {"interaction": interaction}
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            loading = kind == DEFERRED_CHANNEL_MESSAGE
            message = self.state.store_message(
                found.channel_id or 0,
                data,
                record.files,
                interaction=found,
                loading=loading,
            )
            found.original_message = message
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=loading,
                response_message_ephemeral=bool(int(data.get("flags", 0)) & EPHEMERAL),
            )
            result["resource"] = {"type": kind, "message": message}
        else:
            result["resource"] = {"type": kind}
        return json_response(result)

    def _webhook_interaction(self, token: str) -> InteractionRecord | None:
        for found in self.state.interactions.values():
            if found.token == token:
                return found
        return None

    def _followup(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or not found.acknowledged or int(args[0]) != self.state.app_id:
            self.state.violation(f"follow-up for an unacknowledged interaction ({record.path})")
            return json_response(error_body(10015, "Unknown Webhook"), 404)
        data: Json = record.json or {}
        problems = validate_message(data)
        if problems:
            return invalid_form_body(self.state, "follow-up", problems)
        original = found.original_message
        deferred = found.callback_type == DEFERRED_CHANNEL_MESSAGE
        if deferred and original and original.get("_loading") and not original.get("_deleted"):
            # The first follow-up after a deferral replaces the "thinking..." message and
            # keeps its visibility: the ephemeral flag was fixed when deferring.
            ephemeral = int(original.get("flags", 0)) & EPHEMERAL
            original.update(self.state.message_body(data, record.files))
            original["flags"] = (int(original.get("flags", 0)) & ~LOADING) | ephemeral
            original.pop("_loading", None)
            return json_response(public_message(original))
        message = self.state.store_message(
            found.channel_id or 0, data, record.files, interaction=found
        )
        if original is not None and original.get("_deleted"):
            found.original_message = message  # what the member now sees
        return json_response(public_message(message))

    def _edit_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or not found.acknowledged:
            self.state.violation(f"edit of an unacknowledged interaction ({record.path})")
            return json_response(error_body(10015, "Unknown Webhook"), 404)
        data: Json = record.json or {}
        problems = validate_message(data)
        if problems:
            return invalid_form_body(self.state, "edit original", problems)
        if found.original_message is None:
            # A deferred component update edits the message that carried the component.
            found.original_message = self.state.store_message(
                found.channel_id or 0, {}, [], interaction=found
            )
        found.original_message.update(self.state.message_body(data, record.files))
        found.original_message.pop("_loading", None)
        return json_response(public_message(found.original_message))

    def _get_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or found.original_message is None:
            return json_response(error_body(10008, "Unknown Message"), 404)
        return json_response(public_message(found.original_message))

    def _delete_original(self, record: RecordedRequest, args: tuple[str, ...]) -> web.Response:
        found = self._webhook_interaction(args[1])
        if found is None or found.original_message is None:
            return json_response(error_body(10008, "Unknown Message"), 404)
        found.original_message["_deleted"] = True
        return web.Response(status=204)
