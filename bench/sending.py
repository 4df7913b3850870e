"""Sending benchmark: a burst of reminders due at once, against a fake that enforces Discord's
rate limits, sent by the real outbox sender at the rate the Discord messenger declares.

    python -m bench.sending                       # 2,000 reminders, 100 requests/s
    python -m bench.sending --count 10000 --limit 50    # the real limit: 400 s

The fake takes requests the way Discord counts them: a DM is two (opening the DM channel, then
the post), at most `--limit` requests in any second across the bot (Discord: 50) and at most 5
messages per 5 s to one channel; a request over either limit gets a 429 with the Retry-After
that would have let it through. Each request takes 20-60 ms. The sender's budget is the Discord
messenger's, scaled by `--limit` / 50, so the ratio to the limit is the real one. Reported: the
time from the first send to the last, against the floor (requests / limit), and the 429s.
Targets: within 1.2x of the floor, no 429 beyond the first.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import defaultdict, deque
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from adapters.discord.messenger import DiscordMessenger
from bench.checkins import DUE, NullMessenger, apply_cpu, cpu_option, open_app
from bot.clock import ManualClock
from bot.ports import (
    Capabilities,
    ChannelKind,
    ChannelRef,
    Message,
    MessageRef,
    RateLimited,
    UserRef,
)
from cogs.checkins.reminders import REMINDER_JOB

DISCORD_GLOBAL_PER_SECOND = 50
ROUTE_LIMIT, ROUTE_SECONDS = 5, 5.0  # Discord's bucket for posting to one channel
FLOOR_TARGET = 1.2


class RateLimitedPlatform(NullMessenger):
    """Discord's limits, at the messenger port: a global window and one bucket per channel."""

    def __init__(self, limit: int) -> None:
        scale = limit / DISCORD_GLOBAL_PER_SECOND
        discord = DiscordMessenger.capabilities.send_limits
        self.capabilities = Capabilities(
            send_limits=replace(discord, per_second=discord.per_second * scale)
        )
        self.limit = limit
        self.requests = 0
        self.refused = 0
        self._recent: deque[float] = deque()  # when the requests of the last second came
        self._routes: defaultdict[str, deque[float]] = defaultdict(deque)
        self._random = random.Random(1)

    async def _request(self, route: str | None) -> None:
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.limit:
            self._refuse(self._recent[0] + 1.0 - now)
        if route is not None:
            bucket = self._routes[route]
            while bucket and bucket[0] <= now - ROUTE_SECONDS:
                bucket.popleft()
            if len(bucket) >= ROUTE_LIMIT:
                self._refuse(bucket[0] + ROUTE_SECONDS - now)
            bucket.append(now)
        self._recent.append(now)
        self.requests += 1
        await asyncio.sleep(self._random.uniform(0.02, 0.06))

    def _refuse(self, retry_after: float) -> None:
        self.refused += 1
        raise RateLimited(retry_after)

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        await self._request(channel.id)
        return MessageRef(channel, str(self.requests))

    async def send_dm(self, user: UserRef, message: Message) -> MessageRef:
        await self._request(None)  # POST /users/@me/channels
        await self._request(f"dm-{user.id}")
        return MessageRef(ChannelRef(user.tenant, f"dm-{user.id}", ChannelKind.DM), "1")


async def run(count: int, limit: int) -> bool:
    platform = RateLimitedPlatform(limit)
    with tempfile.TemporaryDirectory() as folder:
        app = await open_app(Path(folder), count, DUE, send_rate=None, messenger=platform)
        clock = app.clock
        assert isinstance(clock, ManualClock)
        try:
            tick = next(j for j in app.jobs if j.name == REMINDER_JOB).tick
            clock.set(DUE + timedelta(minutes=1))
            queued = await tick(clock.now())
            assert isinstance(queued, int)
            sent = 0
            start = time.monotonic()
            while sent < queued:
                # The sender's pauses and retries follow the injected clock: keep it real.
                clock.set(DUE + timedelta(minutes=1, seconds=time.monotonic() - start))
                delivered = await app.sender.drain()
                if not delivered:
                    await asyncio.sleep(0.05)
                sent += delivered
            took = time.monotonic() - start
        finally:
            await app.close()
    floor = platform.requests / limit
    ok = took <= floor * FLOOR_TARGET and platform.refused <= 1
    print(
        f"reminders: {sent:,} ({platform.requests:,} requests) | limit {limit}/s global,"
        f" {ROUTE_LIMIT} per {ROUTE_SECONDS:.0f} s per channel"
        f" | sent in {took:.1f} s, floor {floor:.1f} s ({took / floor:.2f}x,"
        f" target <= {FLOOR_TARGET}x) | 429s: {platform.refused} (target <= 1)"
        f" | {'ok' if ok else 'MISSED'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2_000)
    parser.add_argument("--limit", type=int, default=100, help="the fake's global requests/s")
    cpu_option(parser)
    args = parser.parse_args()
    apply_cpu(args.cpu)
    if not asyncio.run(run(args.count, args.limit)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
