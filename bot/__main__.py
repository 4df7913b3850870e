"""The composition root: `python -m bot {console,discord,slack,dashboard,migrate,backup,copy,doctor}`.

The only module in `bot/` that knows the cogs and the adapters: it builds the app from the
chosen adapter's messenger, the cogs, storage and the scheduler.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.app import App, AppFactory
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.cpu import pin_to_cpu
from bot.doctor import PlatformProbe, examine, report
from bot.ports import Messenger
from bot.shards import SHARDS_USAGE
from bot.storage.connect import describe, is_postgres, open_database, sqlite_path
from bot.storage.copy import CopiedTable, CopyRefused, copy_locations
from bot.storage.db import CorruptDatabase
from bot.storage.instance_lock import AlreadyRunning, describe_this_process
from bot.storage.migrations import NoMigrations, SchemaTooNew, migrate
from bot.storage.sqlite import SqliteDatabase

log = logging.getLogger("studybot")


def app_factory(
    settings: Settings, database: str | None = None, *, single_instance: bool = True
) -> AppFactory:
    from cogs import load_all

    async def factory(messenger: Messenger, clock: Clock) -> App:
        return await App.create(
            settings,
            clock,
            messenger,
            load_all(),
            database=database,
            single_instance=single_instance,
        )

    return factory


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-03-02T13:00:00Z")
    return value


def _shard_count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"give a number of shards, 1 or more, not {text!r}")
    return int(text)


DB_HELP = (
    "a SQLite file or a postgresql://user:password@host/db URL"
    " (default: STUDYBOT_DATABASE_URL or STUDYBOT_DB)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="studybot")
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser("console", help="run in this terminal (no tokens needed)")
    console.add_argument("--db", help=DB_HELP)
    console.add_argument("--script", type=Path, help="run these lines, then exit")
    console.add_argument("--as", dest="user", default="admin", help="starting user (an admin)")
    console.add_argument(
        "--now", type=_instant, help="start the clock here, e.g. 2026-03-02T13:00:00Z"
    )
    discord_cmd = sub.add_parser("discord", help="run on Discord (needs DISCORD_TOKEN)")
    discord_cmd.add_argument(
        "action",
        nargs="?",
        choices=("sync",),
        help="sync: upload the slash commands (if they changed) and exit",
    )
    discord_cmd.add_argument(
        "--shard-count",
        type=_shard_count,
        metavar="N",
        help="shards in all (default: DISCORD_SHARD_COUNT)",
    )
    discord_cmd.add_argument(
        "--shards",
        metavar="SPEC",
        help=f"the shards this process runs: {SHARDS_USAGE} (default: DISCORD_SHARDS, or all)",
    )
    slack = sub.add_parser("slack", help="run on Slack (needs SLACK_BOT_TOKEN)")
    slack.add_argument("--http", action="store_true", help="HTTP mode instead of Socket Mode")
    slack.add_argument("--port", type=int, default=3000, help="HTTP mode port")
    slack.add_argument("--host", default="0.0.0.0", help="HTTP mode address to listen on")
    migrate_cmd = sub.add_parser("migrate", help="apply database migrations and exit")
    migrate_cmd.add_argument("--db", help=DB_HELP)
    backup = sub.add_parser("backup", help="copy the database safely, even while the bot runs")
    backup.add_argument("path", type=Path)
    backup.add_argument("--db", help=DB_HELP)
    copy = sub.add_parser(
        "copy", help="copy every community's data into another, empty database (either backend)"
    )
    copy.add_argument("--from", dest="source", required=True, help="the database to copy")
    copy.add_argument("--to", dest="target", required=True, help="an empty database to fill")
    doctor = sub.add_parser("doctor", help="check the setup and say exactly what to fix")
    doctor.add_argument(
        "platform",
        nargs="?",
        choices=("console", "discord", "slack"),
        help="the platform to check (default: the one `python -m bot` starts)",
    )
    doctor.add_argument("--db", help=DB_HELP)
    dashboard = sub.add_parser("dashboard", help="serve the organizers' web dashboard")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dashboard.add_argument("--port", type=int, default=8080, help="port to listen on")
    dashboard.add_argument("--db", help=DB_HELP)
    return parser


def _probe(settings: Settings, platform: str) -> PlatformProbe | None:
    if platform == "discord":
        from adapters.discord import DiscordProbe

        return DiscordProbe(settings)
    if platform == "slack":
        from adapters.slack import SlackProbe

        return SlackProbe(settings)
    return None  # the console needs nothing beyond the configuration and the database


async def _doctor(settings: Settings, platform: str, database: str | None) -> int:
    print(f"studybot doctor: checking {platform}\n")
    location = database or settings.studybot_db
    sections = await examine(settings, platform, location, _probe(settings, platform))
    return report(sections, sys.stdout)


async def _migrate(settings: Settings, database: str | None) -> int:
    db = await open_database(database or settings.studybot_db)
    try:
        applied = await migrate(db, SystemClock().now())
    finally:
        await db.close()
    print(f"applied migrations {applied}" if applied else "database is up to date")
    return 0


def _backup_problem(source: Path, target: Path) -> str | None:
    """Why this backup cannot run, if it cannot; creates the target's folder otherwise."""
    if not source.is_file():  # opening it would create an empty database and back that up
        return f"there is no database at {source}"
    if target.exists() and target.resolve() == source.resolve():
        return "the backup must go to another file than the database"
    target.parent.mkdir(parents=True, exist_ok=True)
    return None


async def _backup(settings: Settings, database: str | None, target: Path) -> int:
    location = database or settings.studybot_db
    if is_postgres(location):
        print(
            f"studybot: {describe(location)} is PostgreSQL: back it up with its own tools, e.g."
            " `pg_dump --format=custom --file=studybot.dump DBNAME` (docs/scaling.md, Backups)",
            file=sys.stderr,
        )
        return 1
    source = sqlite_path(location)
    problem = _backup_problem(source, target)
    if problem is not None:
        print(f"studybot: {problem}", file=sys.stderr)
        return 1
    db = await SqliteDatabase.open(source)
    try:
        await db.backup(target)
    finally:
        await db.close()
    copy = await SqliteDatabase.open(target)  # the same integrity check the bot runs at start
    await copy.close()
    print(f"backup written to {target} (integrity check ok)")
    return 0


async def _copy(source: str, target: str) -> int:
    started = SystemClock().now()
    print(f"copying {describe(source)} -> {describe(target)}")

    def show(table: CopiedTable) -> None:
        print(f"  {table.name:<24} {table.rows:>10,} rows")

    try:
        copied = await copy_locations(
            source, target, started, describe_this_process(started.isoformat()), show
        )
    except CopyRefused as exc:
        print(f"studybot: nothing copied: {exc}", file=sys.stderr)
        return 1
    total = sum(t.rows for t in copied)
    print(f"copied {total:,} rows in {len(copied)} tables into {describe(target)}")
    return 0


class RedactingFormatter(logging.Formatter):
    """Blanks every configured secret in the final line, tracebacks included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return text


# Libraries that write message text, interaction tokens or statement parameters at DEBUG (SQL
# arguments, gateway payloads, request bodies): never below INFO, whatever the level asked for.
LIBRARY_LOGGERS = (
    "aiosqlite",
    "asyncpg",
    "discord",
    "slack_bolt",
    "slack_sdk",
    "adapters.slack.bolt",
    "aiohttp",
    "websockets",
)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """One root handler (stderr by default) whose lines never contain a configured secret.

    DEBUG is for studybot's own code, which logs ids and counts, never what members wrote.
    """
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", settings.secret_values()
        )
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(settings.studybot_log_level.upper())
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
    return handler


def _with_shards(settings: Settings, args: argparse.Namespace) -> Settings:
    """The command line's --shard-count and --shards over DISCORD_SHARD_COUNT, DISCORD_SHARDS."""
    given = {
        "discord_shard_count": getattr(args, "shard_count", None),
        "discord_shards": getattr(args, "shards", None),
    }
    return settings.model_copy(update={k: v for k, v in given.items() if v is not None})


async def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings)
    if settings.studybot_cpu is not None:
        try:
            if not pin_to_cpu(settings.studybot_cpu):
                log.warning("STUDYBOT_CPU is ignored: this platform cannot pin a process to a CPU")
        except ValueError as exc:
            print(f"studybot: {exc}", file=sys.stderr)
            return 1
    command = args.command or settings.default_platform()
    if args.command is None and (note := settings.platform_note()):
        print(f"studybot: {note}", file=sys.stderr)
    if command == "migrate":
        return await _migrate(settings, args.db)
    if command == "backup":
        return await _backup(settings, args.db, args.path)
    if command == "copy":
        return await _copy(args.source, args.target)
    if command == "doctor":
        return await _doctor(settings, args.platform or settings.default_platform(), args.db)
    if command == "dashboard":
        from adapters.dashboard import run as run_dashboard

        # No scheduler, no sender: it may share a SQLite file with the running bot.
        factory = app_factory(settings, args.db, single_instance=False)
        return await run_dashboard(settings, factory, host=args.host, port=args.port)
    if command == "console":
        from adapters.console import ConsoleOptions, run

        options = ConsoleOptions(
            db=getattr(args, "db", None) or settings.studybot_db,
            user=getattr(args, "user", "admin"),
            now=getattr(args, "now", None),
            script=getattr(args, "script", None),
        )
        return await run(options, app_factory(settings, options.db))
    if command == "discord":
        from adapters.discord import run as run_discord
        from adapters.discord import sync_once

        settings = _with_shards(settings, args)
        if getattr(args, "action", None) == "sync":
            # Never started: no scheduler, no sender, so it runs beside the bot's processes.
            return await sync_once(settings, app_factory(settings, single_instance=False))
        return await run_discord(settings, app_factory(settings))
    if command == "slack":
        from adapters.slack import run as run_slack

        return await run_slack(
            settings,
            app_factory(settings),
            http=getattr(args, "http", False),
            port=getattr(args, "port", 3000),
            host=getattr(args, "host", "0.0.0.0"),
        )
    raise AssertionError(command)


def main(argv: list[str] | None = None) -> int:
    try:
        return asyncio.run(_main(sys.argv[1:] if argv is None else argv))
    except (AlreadyRunning, ConnectionError, CorruptDatabase, NoMigrations, SchemaTooNew) as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
