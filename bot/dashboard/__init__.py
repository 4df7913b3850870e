"""The organizers' dashboard as data: what each page shows, read by `Dashboard`, exported as
CSV. The web layer (adapters/dashboard) renders these values; it escapes every text itself."""

from bot.dashboard.export import members_csv, weekly_csv
from bot.dashboard.read import Dashboard
from bot.dashboard.views import (
    BlockersView,
    BlockerView,
    GroupView,
    MemberQuery,
    MemberRow,
    MembersPage,
    Overview,
    RoundsView,
    RoundView,
    SettingRow,
    WeekFigures,
)

__all__ = [
    "BlockerView",
    "BlockersView",
    "Dashboard",
    "GroupView",
    "MemberQuery",
    "MemberRow",
    "MembersPage",
    "Overview",
    "RoundView",
    "RoundsView",
    "SettingRow",
    "WeekFigures",
    "members_csv",
    "weekly_csv",
]
