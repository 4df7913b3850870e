"""The console adapter: the no-token default, a REPL over the real cogs and database."""

from adapters.console.repl import ConsoleOptions, run

__all__ = ["ConsoleOptions", "run"]
