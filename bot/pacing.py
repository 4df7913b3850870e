"""Pacing the outbox under a platform's limits: a global budget and a least gap per target.

The clock and the sleep are injected, so tests count sends on a fake clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import replace

from bot.ports import SendLimits

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]
# Past this many remembered targets, those whose gap has passed are forgotten.
TARGETS_KEPT = 10_000


def budget(platform: SendLimits, *, cap: float | None, processes: int) -> SendLimits:
    """This process's share of the platform's limits, under an operator's optional cap.

    `cap` 0 turns pacing off (tests and benchmarks against fakes); None leaves the platform's
    rate. Every process of a bot gets an even share: the platform counts them as one bot.
    """
    if cap == 0:
        return replace(platform, per_second=0.0, per_target_seconds=0.0)
    rate = platform.per_second
    if cap is not None:
        rate = min(rate, cap) if rate else cap
    return replace(platform, per_second=rate / processes)


class SendPacer:
    """Hands out send turns: at most `per_second` requests, spaced evenly, and no two messages
    to one target closer than `per_target_seconds`; safe for several senders at once."""

    def __init__(self, limits: SendLimits, *, sleep: Sleep, monotonic: Monotonic) -> None:
        self._interval = 1.0 / limits.per_second if limits.per_second > 0 else 0.0
        self._per_target = limits.per_target_seconds
        self._dm_requests = limits.dm_requests
        self._sleep = sleep
        self._monotonic = monotonic
        self._next_slot = 0.0  # the next free turn, across drains
        self._target_free: dict[Hashable, float] = {}  # target -> when it may be sent to again

    async def turn(self, target: Hashable, *, dm: bool) -> None:
        """Wait until a message to `target` may go out, and take that turn."""
        if self._per_target:
            wait = self._target_free.get(target, 0.0) - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            self._remember(target, self._monotonic() + self._per_target)
        if not self._interval:
            return
        # The turn is taken before sleeping (no await in between), so senders running at once
        # each get their own slot.
        now = self._monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval * (self._dm_requests if dm else 1)
        if slot > now:
            await self._sleep(slot - now)

    def _remember(self, target: Hashable, free_at: float) -> None:
        if len(self._target_free) >= TARGETS_KEPT:
            now = self._monotonic()
            self._target_free = {t: at for t, at in self._target_free.items() if at > now}
        self._target_free[target] = free_at
