"""Pacing under a platform's limits, counted on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.pacing import SendPacer, budget
from bot.ports import SendLimits


class StillTime:
    """A clock that stands still; records how long each turn was told to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return 100.0

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


class MovingTime:
    """A clock that moves only when a turn sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_unset_cap_keeps_the_platforms_rate() -> None:
    assert budget(SendLimits(per_second=45), cap=None, processes=1).per_second == 45


def test_a_cap_below_the_platforms_rate_wins() -> None:
    assert budget(SendLimits(per_second=45), cap=5, processes=1).per_second == 5


def test_a_cap_above_the_platforms_rate_is_ignored() -> None:
    assert budget(SendLimits(per_second=45), cap=100, processes=1).per_second == 45


def test_processes_share_the_budget_evenly() -> None:
    assert budget(SendLimits(per_second=45), cap=None, processes=3).per_second == 15


def test_a_zero_cap_turns_pacing_off() -> None:
    limits = budget(SendLimits(per_second=10, per_target_seconds=1.0), cap=0, processes=1)
    assert (limits.per_second, limits.per_target_seconds) == (0, 0)


async def test_turns_taken_at_once_each_get_their_own_slot() -> None:
    time = StillTime()
    pacer = SendPacer(SendLimits(per_second=10), sleep=time.sleep, monotonic=time.monotonic)
    await asyncio.gather(*(pacer.turn(f"t{i}", dm=False) for i in range(5)))
    assert sorted(time.waits) == pytest.approx([0.1, 0.2, 0.3, 0.4])


async def test_sends_never_exceed_the_budget_in_any_second() -> None:
    time = MovingTime()
    pacer = SendPacer(SendLimits(per_second=10), sleep=time.sleep, monotonic=time.monotonic)
    sent_at = []
    for i in range(35):
        await pacer.turn(f"t{i}", dm=False)
        sent_at.append(time.now)
    window = 1.0 - 1e-9  # the turns are 0.1 s apart, give or take a float's rounding
    for start in sent_at:
        assert sum(1 for at in sent_at if start <= at < start + window) <= 10
    assert sent_at[-1] - sent_at[0] == pytest.approx(3.4)


async def test_a_dm_costs_the_requests_it_takes() -> None:
    time = StillTime()
    limits = SendLimits(per_second=10, dm_requests=2)
    pacer = SendPacer(limits, sleep=time.sleep, monotonic=time.monotonic)
    await pacer.turn("a", dm=True)
    await pacer.turn("b", dm=False)
    assert time.waits == pytest.approx([0.2])


async def test_one_target_waits_its_gap_while_others_do_not() -> None:
    time = MovingTime()
    limits = SendLimits(per_target_seconds=1.0)
    pacer = SendPacer(limits, sleep=time.sleep, monotonic=time.monotonic)
    await pacer.turn("channel", dm=False)
    await pacer.turn("other", dm=False)
    assert time.now == 100.0
    await pacer.turn("channel", dm=False)
    assert time.now == pytest.approx(101.0)
