"""Who stores what about a member: each cog registers how to export and erase its own rows.

`/privacy export` and `/privacy delete` walk this registry, so a new cog's data is covered the
moment it registers, and no module has to know every table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.storage.db import Tx
from bot.storage.models import Member, Tenant

Exporter = Callable[[Tenant, Member], Awaitable[Any]]  # returns JSON-serialisable data
Eraser = Callable[[Tx, Tenant, Member], Awaitable[int]]  # runs inside the delete transaction


@dataclass(frozen=True)
class PersonalData:
    name: str  # the key in the export, e.g. "checkins"
    description: str  # one line for docs and the delete confirmation
    export: Exporter
    erase: Eraser


class PersonalDataRegistry:
    def __init__(self) -> None:
        self._providers: dict[str, PersonalData] = {}

    def register(self, provider: PersonalData) -> None:
        if provider.name in self._providers:
            raise ValueError(f"personal data {provider.name!r} registered twice")
        self._providers[provider.name] = provider

    @property
    def providers(self) -> list[PersonalData]:
        return list(self._providers.values())
