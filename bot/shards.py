"""Which tenants a process looks after when a platform's communities are split between processes.

A platform that shards (Discord) hands each process the communities of some shards: the
shard of a community is its numeric id shifted right by `id_shift` bits, modulo the number of
shards (Discord: `(guild_id >> 22) % shard_count`). The process that owns a community ticks
its scheduled jobs and sends its queued messages; the others leave it alone. Without a share
(Slack, the console, Discord unsharded) a process owns every community.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.models import Tenant

SHARDS_USAGE = "a range 0-3, a list 0,2,5 or one shard 3"


class ShardSpecError(ValueError):
    """A shard list that cannot be run; the message is the sentence the operator reads."""


def parse_shard_ids(spec: str, count: int) -> frozenset[int]:
    """The shards `spec` names, each below `count`: "0-3", "0,2,5", "3" (spaces allowed)."""
    if count < 1:
        raise ShardSpecError(f"the shard count must be 1 or more, not {count}")
    ids: set[int] = set()
    parts = [part.strip() for part in spec.split(",")]
    if not any(parts):
        raise ShardSpecError(f"give the shards to run: {SHARDS_USAGE}")
    for part in parts:
        first, dash, last = (p.strip() for p in part.partition("-"))
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ShardSpecError(f"{part!r} is not a shard number or range: give {SHARDS_USAGE}")
        low, high = int(first), int(last) if dash else int(first)
        if low > high:
            raise ShardSpecError(f"the range {part!r} runs backwards: write it as {high}-{low}")
        if high >= count:
            raise ShardSpecError(
                f"shard {high} does not exist with {count} shard(s): they are numbered 0 to"
                f" {count - 1}"
            )
        ids.update(range(low, high + 1))
    return frozenset(ids)


@dataclass(frozen=True)
class TenantShare:
    """The communities of `platform` on `shards` (of `count`); other platforms' are not ours."""

    platform: str
    count: int
    shards: frozenset[int]
    id_shift: int

    def shard_of(self, external_id: str) -> int | None:
        """The shard a community of this platform is on (None: not a numeric id)."""
        if not external_id.isdigit():
            return None
        return (int(external_id) >> self.id_shift) % self.count

    def owns(self, tenant: Tenant) -> bool:
        return tenant.platform == self.platform and self.shard_of(tenant.external_id) in self.shards
