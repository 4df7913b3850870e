from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.heap import freeze_startup_objects


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the suite collects as usual


def test_objects_alive_are_frozen_and_cycles_already_garbage_are_freed_first(
    unfrozen: None,
) -> None:
    garbage, kept = Node(), Node()
    garbage.other, kept.other = garbage, kept  # two cycles; only `kept` is still referenced
    gone = weakref.ref(garbage)
    del garbage
    freeze_startup_objects()
    assert gone() is None
    assert gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects())  # no collection walks it now
