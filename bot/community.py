"""Per-community settings declared by the cogs, with defaults, validation and display."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.storage.tenants import TenantRepo


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    description: str
    show: Callable[[str], str] = str  # how /admin show prints the stored value


class CommunitySettings:
    """What each cog declared, merged with what the organizers stored."""

    def __init__(self, tenants: TenantRepo) -> None:
        self._tenants = tenants
        self._declared: dict[str, Setting] = {}

    def declare(self, *settings: Setting) -> None:
        for s in settings:
            if s.key in self._declared:
                raise ValueError(f"setting {s.key!r} declared twice")
            self._declared[s.key] = s

    @property
    def declared(self) -> Mapping[str, Setting]:
        return dict(self._declared)

    async def get(self, tenant_id: int) -> dict[str, str]:
        stored = await self._tenants.settings(tenant_id)
        values = {k: s.default for k, s in self._declared.items()}
        values.update({k: v for k, v in stored.items() if k in self._declared})
        return values

    async def set(self, tenant_id: int, values: Mapping[str, str | None]) -> None:
        unknown = set(values) - set(self._declared)
        if unknown:
            raise KeyError(f"undeclared settings {sorted(unknown)}")
        await self._tenants.set_settings(tenant_id, dict(values))
