"""Settings, read once from the environment and `.env` in the composition root, then passed down."""

from __future__ import annotations

from os import PathLike
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DASHBOARD_URL = "http://127.0.0.1:8080"  # `python -m bot dashboard` with no options


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Where the data lives: a SQLite file (the default; also `sqlite:///path`) or a
    # `postgresql://user:password@host/db` URL for more than one process (docs/scaling.md).
    # STUDYBOT_DATABASE_URL and STUDYBOT_DB are the same setting; the first wins.
    studybot_db: str = Field(
        default="./data/studybot.sqlite3",
        validation_alias=AliasChoices("studybot_database_url", "studybot_db"),
    )
    studybot_log_level: str = "INFO"
    # Outbox pacing follows the platform's limits (bot.ports.SendLimits); this optionally caps
    # it lower, in requests per second for the whole bot (0: no pacing, for tests against fakes).
    # The sender also honours every Retry-After it is given.
    studybot_send_rate: float | None = Field(default=None, ge=0)
    # How many bot processes send for this bot token: each takes an even share of the budget.
    studybot_send_processes: int = Field(default=1, ge=1)
    studybot_send_max_attempts: int = 6
    studybot_tick_seconds: int = 30
    # Commands handled at once; the rest wait their turn before touching the database. With a
    # whole burst in flight, every statement's reply waits behind every other command's step
    # on the event loop, and the burst gets slower for everyone (docs/operations.md, Capacity).
    studybot_max_concurrent_commands: int = Field(default=16, ge=1)
    # Of those, commands declared slow (a digest preview, a buddy round) run at most this many at
    # once, so a burst of them never takes the slots quick commands need.
    studybot_max_concurrent_slow_commands: int = Field(default=2, ge=1)
    # Sent, expired and failed messages are forgotten this many days after they were done.
    studybot_outbox_retention_days: int = Field(default=14, ge=1)
    # Signs buttons, forms and login links; generated and kept in the database when unset.
    studybot_secret_key: SecretStr | None = None
    # The dashboard's public address, used in the login links `/admin dashboard` hands out;
    # https here also makes its session cookie Secure (docs/dashboard.md).
    studybot_dashboard_url: str | None = None
    # Keep every thread of the process on this CPU (Linux); unset: the OS places them. On a
    # small VM this makes each database round trip several times cheaper (bot/cpu.py).
    studybot_cpu: int | None = Field(default=None, ge=0)

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_base_url: str | None = None
    discord_gateway_url: str | None = None
    # Sharding (docs/discord-setup.md): how many shards the bot has in all, and which of them
    # this process runs ("0-3", "0,2,5", "3"; default: all). Unset: one process, no shards.
    discord_shard_count: int | None = None
    discord_shards: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_admin_usergroup: str | None = None
    # OAuth installs (HTTP mode only): with both set, any workspace may install the app at
    # /slack/install and SLACK_BOT_TOKEN is not used (docs/slack-setup.md).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Only `python -m bot doctor` uses it: an app configuration token (xoxe.xoxp-..., made at
    # api.slack.com/apps > Your App Configuration Tokens) lets it read the app's settings that
    # no bot token can see, such as whether the Messages tab is on.
    slack_config_token: SecretStr | None = None

    @field_validator(
        "studybot_secret_key",
        "studybot_dashboard_url",
        "studybot_cpu",
        "discord_token",
        "discord_guild_id",
        "discord_api_base_url",
        "discord_gateway_url",
        "discord_shard_count",
        "discord_shards",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "slack_api_url",
        "slack_admin_usergroup",
        "slack_client_id",
        "slack_client_secret",
        "slack_config_token",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """`DISCORD_TOKEN=` (as .env.example ships it) means not set: otherwise an empty token
        picks Discord for a Slack install, and an empty `DISCORD_GUILD_ID=` fails to parse."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("studybot_db", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, PathLike) else value

    def secret_values(self) -> list[str]:
        """Every secret's plain value, so logging can blank them wherever they turn up."""
        values = (getattr(self, name) for name in type(self).model_fields)
        secrets = [v.get_secret_value() for v in values if isinstance(v, SecretStr)]
        password = urlsplit(self.studybot_db).password if "://" in self.studybot_db else None
        return [*secrets, password] if password else secrets

    def dashboard_url(self) -> str:
        """The dashboard's base URL, without a trailing slash (default: where it listens)."""
        return (self.studybot_dashboard_url or DEFAULT_DASHBOARD_URL).rstrip("/")

    def default_platform(self) -> str:
        """Which adapter `python -m bot` starts when none is named."""
        if self.discord_token is not None:
            return "discord"
        if self.slack_bot_token is not None:
            return "slack"
        return "console"

    def platform_note(self) -> str | None:
        """What `python -m bot` says when both platforms are configured and it picks one."""
        if self.discord_token is None or self.slack_bot_token is None:
            return None
        return (
            "Both DISCORD_TOKEN and SLACK_BOT_TOKEN are set: starting Discord. "
            "Run `python -m bot slack` for Slack, or `python -m bot discord` to say so."
        )
