"""The console REPL: the same commands a Discord or Slack user types, on one local tenant.

Lines come from a script, from stdin when it is not a terminal, or from the keyboard. Time is
a manual clock: `:advance 1d` moves it in 15-minute steps and runs every job that came due.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from adapters.console.files import LocalFiles
from adapters.console.messenger import ConsoleMessenger
from bot.app import Actor, App, AppFactory
from bot.clock import ManualClock, SystemClock
from bot.commands import CommandError, Reply, validate
from bot.ports import ChannelKind, ChannelRef, Form, FormField
from bot.storage.connect import is_postgres, sqlite_path

TENANT = "local"
STEP = timedelta(minutes=15)
_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}

INTRO = """studybot console - a local study group, no tokens needed.
Type /help for the commands. Meta commands: :as NAME, :admin NAME, :in #channel,
:advance 1d|3h|30m, :now, :users, :quit. Type a button's number to press it."""


@dataclass
class ConsoleOptions:
    db: str
    """A SQLite file or a postgresql:// URL."""
    user: str = "admin"
    now: datetime | None = None
    script: Path | None = None
    files_dir: Path | None = None  # attachments; default: console-files beside a SQLite file

    def attachments(self) -> Path:
        if self.files_dir is not None:
            return self.files_dir
        beside = Path("data") if is_postgres(self.db) else sqlite_path(self.db).parent
        return beside / "console-files"


def parse_duration(text: str) -> timedelta:
    m = _DURATION.match(text.strip().lower())
    if m is None or int(m.group(1)) == 0:
        raise ValueError(f"bad duration {text!r}: use 1d, 3h or 30m")
    return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})


class Console:
    def __init__(
        self,
        app: App,
        clock: ManualClock,
        messenger: ConsoleMessenger,
        user: str,
        write: Callable[[str], None],
        read: Callable[[str], str | None],
        echo: bool = True,
    ) -> None:
        self.app = app
        self.clock = clock
        self.messenger = messenger
        self.user = user
        self.admins = {user.lower()}
        self.channel = "general"
        self.write = write
        self.read = read
        self.errors = 0
        self.known: dict[str, str] = {user.lower(): user}
        self.echo = echo  # scripted input is echoed so the transcript reads like a chat

    def actor(self) -> Actor:
        return Actor(
            tenant_id=TENANT,
            user_id=self.user.lower(),
            display_name=self.user,
            tenant_name="Local study group",
            channel=ChannelRef(TENANT, self.channel, ChannelKind.CHANNEL, self.channel),
            is_admin=self.user.lower() in self.admins,
        )

    async def line(self, text: str) -> bool:
        """Handle one input line; False means quit."""
        text = text.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(":"):
            return await self.meta(text)
        if self.echo:
            self.write(f"{self.user}> {text}")
        if text.isdigit():
            await self.press(int(text))
        else:
            self.known[self.user.lower()] = self.user
            reply = await self.app.handle_line(self.actor(), text, files=LocalFiles())
            await self.show(reply)
        await self.app.sender.drain()
        return True

    async def press(self, number: int) -> None:
        buttons = self.messenger.buttons_for.get(self.user.lower(), ())
        if not 1 <= number <= len(buttons):
            self.write("  (no such button here)")
            return
        await self.show(await self.app.handle_line(self.actor(), buttons[number - 1].command))

    async def show(self, reply: Reply) -> None:
        where = f"private to {self.user}" if reply.private else f"#{self.channel}"
        viewers = [self.user.lower()] if reply.private else list(self.known)
        self.messenger.show(f"→ {where}:", reply, viewers)
        if reply.form is not None:
            await self.fill(reply.form)

    async def fill(self, form: Form) -> None:
        """A form becomes prompts, one per field; each answer is the next input line.

        An empty answer keeps what the field holds (empty, or the value being edited). A bad
        answer gets its field asked again with the reason; a line starting with `/` or `:`
        cancels the form, saving nothing, and runs as typed.
        """
        try:
            command, fixed = self.app.form_target(form)
        except CommandError as exc:
            await self.show(exc.reply())
            return
        values = {f.name: form.value(f.name) for f in form.fields}
        pending = list(form.fields)
        while pending:
            field = pending.pop(0)
            answer = self.read(self._prompt(field, values[field.name]))
            if answer is None:  # end of input
                entered = any(values[f.name] != form.value(f.name) for f in form.fields)
                self.write(f"  (form cancelled: nothing {'saved' if entered else 'entered'})")
                return
            if answer.strip().startswith(("/", ":")):
                self.write("  (form cancelled: nothing saved)")
                await self.line(answer)
                return
            if answer.strip():
                values[field.name] = answer.strip()
            if pending:
                continue
            given = {k: v for k, v in values.items() if v}
            if not given:  # submitted empty, the form would only come back: forever, at EOF
                self.write("  (form cancelled: nothing entered)")
                return
            try:
                validate(command, {**fixed, **given}, self.app.convert_context)
            except CommandError as exc:
                bad = next((f for f in form.fields if f.name == exc.option), None)
                if bad is None:
                    await self.show(exc.reply())
                    return
                self.write(f"  ({exc.message} Try that one again.)")
                values[bad.name] = form.value(bad.name)
                pending.append(bad)
        await self.show(await self.app.handle(self.actor(), command, {**fixed, **given}))

    def _prompt(self, field: FormField, current: str) -> str:
        if current:
            shown = current if len(current) <= 60 else current[:59] + "…"
            return f"  {field.label} [{shown}] (empty keeps it): "
        need = "required" if field.required else "optional, empty to skip"
        return f"  {field.label} ({need}): "

    async def meta(self, text: str) -> bool:
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        if word == ":quit":
            return False
        if word in (":as", ":admin") and re.fullmatch(r"[A-Za-z][\w.-]{0,31}", rest):
            self.known[rest.lower()] = rest
            if word == ":as":
                self.user = rest
                self.write(f"(you are now {rest})")
            else:
                self.admins.add(rest.lower())
                self.write(f"({rest} is now a community admin)")
        elif word == ":in" and re.fullmatch(r"#?[\w-]{1,80}", rest):
            self.channel = rest.lstrip("#")
            self.write(f"(now in #{self.channel})")
        elif word == ":advance":
            try:
                delta = parse_duration(rest)
            except ValueError as exc:
                return self.bad(str(exc))
            await self.advance(delta)
            self.write(f"(it is now {self.clock.now():%Y-%m-%d %H:%M} UTC)")
        elif word == ":now" and not rest:
            self.write(f"(it is {self.clock.now():%A %Y-%m-%d %H:%M} UTC)")
        elif word == ":users" and not rest:
            for member in await self.app.members.active(await self._tenant_id()):
                role = " (admin)" if member.external_id in self.admins else ""
                self.write(f"  {member.label}{role}")
        else:
            return self.bad(f"unknown or malformed meta command {text!r}")
        return True

    def bad(self, message: str) -> bool:
        self.errors += 1
        self.write(f"(error: {message})")
        return True

    async def _tenant_id(self) -> int:
        tenant = await self.app.tenants.ensure(
            "console", TENANT, "Local study group", self.clock.now()
        )
        return tenant.id

    async def advance(self, delta: timedelta) -> None:
        end = self.clock.now() + delta
        while self.clock.now() < end:
            self.clock.advance(min(STEP, end - self.clock.now()))
            await self.app.scheduler.run_due()
            await self.app.sender.drain()


class ScriptError(Exception):
    """The lines to run cannot be read; the message is the one line the user sees."""


def _lines(options: ConsoleOptions) -> tuple[Iterator[str] | None, bool]:
    """The input lines (None: read the keyboard) and whether the session is interactive."""
    where = str(options.script) if options.script is not None else "standard input"
    try:
        return _read_lines(options)
    except UnicodeDecodeError as exc:
        raise ScriptError(
            f"{where} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
            f"{exc.start}); save it as UTF-8 and run it again."
        ) from None
    except OSError as exc:
        raise ScriptError(f"cannot read {where}: {exc.strerror or exc}") from None


def _read_lines(options: ConsoleOptions) -> tuple[Iterator[str] | None, bool]:
    if options.script is not None:
        return iter(options.script.read_text(encoding="utf-8").splitlines()), False
    if not sys.stdin.isatty():
        return iter(sys.stdin.read().splitlines()), False
    return None, True


async def run(options: ConsoleOptions, factory: AppFactory) -> int:
    def write(line: str) -> None:
        print(line, flush=True)

    clock = ManualClock(options.now or SystemClock().now())
    try:  # before the app opens anything, so a bad script leaves nothing running
        source, interactive = _lines(options)
    except ScriptError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 1
    messenger = ConsoleMessenger(write, options.attachments())
    app = await factory(messenger, clock)

    def read(prompt: str) -> str | None:
        if interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        assert source is not None
        answer = next(source, None)
        write(f"{prompt}{answer or ''}")
        return answer

    console = Console(app, clock, messenger, options.user, write, read, echo=not interactive)
    write(INTRO)
    terminated = _cancel_on_sigterm()
    try:
        await app.start(background=False)
        while True:
            line = read(f"{console.user}> ") if interactive else next(iter(source or ()), None)
            if line is None or not await console.line(line):
                break
    except asyncio.CancelledError:
        if not terminated.is_set():
            raise
        write("(stopped by SIGTERM)")  # a tick cut short rolled back; it runs at the next start
    finally:
        await app.close()
    return 2 if console.errors else 0


def _cancel_on_sigterm() -> asyncio.Event:
    """SIGTERM (docker stop, systemd) cancels the session, so `run` closes the app cleanly."""
    terminated = asyncio.Event()
    task = asyncio.current_task()
    assert task is not None

    def stop() -> None:
        terminated.set()
        task.cancel()

    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows loops
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    return terminated
