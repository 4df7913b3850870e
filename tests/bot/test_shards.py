"""Shard lists as operators type them, and which communities a share of the shards owns."""

from __future__ import annotations

import pytest

from bot.shards import ShardSpecError, TenantShare, parse_shard_ids
from bot.storage.models import Tenant


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("0-3", {0, 1, 2, 3}),
        ("0,2,5", {0, 2, 5}),
        ("3", {3}),
        (" 0 - 1, 4 ", {0, 1, 4}),
        ("1-1,1", {1}),
    ],
)
def test_ranges_lists_and_single_shards_are_read(spec: str, expected: set[int]) -> None:
    assert parse_shard_ids(spec, 6) == frozenset(expected)


@pytest.mark.parametrize(
    ("spec", "count", "says"),
    [
        ("", 4, "give the shards to run: a range 0-3, a list 0,2,5 or one shard 3"),
        ("a", 4, "'a' is not a shard number or range"),
        ("1-", 4, "'1-' is not a shard number or range"),
        ("-1", 4, "'-1' is not a shard number or range"),
        ("0,,1", 4, "'' is not a shard number or range"),
        ("3-1", 4, "the range '3-1' runs backwards: write it as 1-3"),
        ("4", 4, "shard 4 does not exist with 4 shard(s): they are numbered 0 to 3"),
        ("0-9", 4, "shard 9 does not exist"),
        ("0", 0, "the shard count must be 1 or more, not 0"),
    ],
)
def test_bad_shard_lists_say_what_is_wrong(spec: str, count: int, says: str) -> None:
    with pytest.raises(ShardSpecError) as raised:
        parse_shard_ids(spec, count)
    assert says in str(raised.value)


SHARE = TenantShare("discord", 2, frozenset({1}), 22)


def _tenant(platform: str, external_id: str) -> Tenant:
    return Tenant(1, platform, external_id, "")


def test_a_share_owns_the_servers_on_its_shards_only() -> None:
    assert SHARE.owns(_tenant("discord", str(7 << 22)))  # (id >> 22) % 2 == 1
    assert not SHARE.owns(_tenant("discord", str(8 << 22)))


def test_a_share_owns_no_community_of_another_platform_or_with_an_id_that_is_no_number() -> None:
    assert not SHARE.owns(_tenant("slack", str(7 << 22)))
    assert not SHARE.owns(_tenant("discord", "local"))
