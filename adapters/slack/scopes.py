"""What the bot asks a workspace for: checked by the doctor, requested by OAuth installs."""

from __future__ import annotations

# The bot token scopes slack/manifest.yml asks for (tests/adapters/slack/test_manifest.py
# keeps the two in step).
BOT_SCOPES = frozenset(
    {
        "channels:join",
        "channels:read",
        "chat:write",
        "commands",
        "files:read",
        "files:write",
        "groups:read",
        "im:write",
        "mpim:write",
        "usergroups:read",
        "users:read",
    }
)
