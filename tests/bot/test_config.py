"""Settings: which platform `python -m bot` starts, from the .env an admin filled in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings

TOKENS = ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")


def settings_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str) -> Settings:
    for name in TOKENS:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / ".env"
    path.write_text(env, encoding="utf-8")
    return Settings(_env_file=path)  # type: ignore[call-arg]


def test_the_example_env_with_empty_tokens_starts_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    settings = settings_from(tmp_path, monkeypatch, example)
    assert settings.discord_token is None and settings.discord_guild_id is None
    assert settings.default_platform() == "console"


def test_slack_tokens_with_an_empty_discord_token_start_slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = "DISCORD_TOKEN=\nDISCORD_GUILD_ID=\nSLACK_BOT_TOKEN=xoxb-1\nSLACK_APP_TOKEN=xapp-1\n"
    settings = settings_from(tmp_path, monkeypatch, env)
    assert settings.default_platform() == "slack"
    assert settings.platform_note() is None


def test_a_discord_token_alone_starts_discord(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_from(tmp_path, monkeypatch, "DISCORD_TOKEN=abc\nSLACK_BOT_TOKEN=  \n")
    assert settings.default_platform() == "discord"
    assert settings.platform_note() is None


def test_both_platforms_pick_discord_and_say_how_to_choose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_from(tmp_path, monkeypatch, "DISCORD_TOKEN=abc\nSLACK_BOT_TOKEN=xoxb-1\n")
    assert settings.default_platform() == "discord"
    note = settings.platform_note()
    assert note is not None and "starting Discord" in note and "python -m bot slack" in note
