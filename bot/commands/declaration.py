"""Commands declared on their handlers.

    @command("buddy pause", "Skip buddy rounds for a few weeks.", examples=["/buddy pause 2"])
    async def pause(
        self, inv: Invocation, *, weeks: Annotated[int, Opt("how many weeks", primary=True, min=1)]
    ) -> Reply: ...

The decorator reads the handler's keyword-only parameters: each is an option, named like the
parameter, typed by its annotation (see `CONVERTERS` for the types), described and limited by
its `Opt`. A parameter without a default is required. The app calls the handler with the
typed values of the options given; the others keep their defaults.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin
from typing import get_type_hints as type_hints

from bot.commands.converters import CONVERTERS, placeholder
from bot.commands.options import DEFAULT_TEXT_LIMIT, OPTION_NAME, Option, OptionType
from bot.ports import Form

if TYPE_CHECKING:
    from bot.commands.invocation import Reply

Handler = Callable[..., Awaitable["Reply"]]
F = TypeVar("F", bound=Callable[..., Any])
DECLARATION = "__studybot_command__"


@dataclass(frozen=True)
class Opt:
    """How an option is described and limited; the handler's annotation gives its type."""

    description: str
    primary: bool = False  # also takes the bare words of a typed line ("/help checkin")
    min: int | None = None
    max: int | None = None
    max_length: int | None = None  # text options; DEFAULT_TEXT_LIMIT when not given
    choices: Sequence[str | int] = ()  # a text option with choices is a choice option
    aliases: Sequence[str] = ()  # other names people type for the option, in the text syntax
    unit: str | None = None  # what a whole number counts ("minutes"): `45min`, `1h30` are read


# Which week a report covers ("this" so far, or "last"): one option, so /stats and
# /digest preview parse, complete and describe it alike.
WhichWeek = Annotated[
    str, Opt("this week (default) or last week", primary=True, choices=("this", "last"))
]


@dataclass(frozen=True)
class Command:
    name: str  # full name, words separated by spaces: "buddy join"
    description: str
    handler: Handler = field(compare=False)
    options: tuple[Option, ...] = ()
    admin: bool = False
    examples: tuple[str, ...] = ()
    form: Form | None = None  # offered when the command is invoked with no options at all
    slow: bool = False  # may take more than ~1 s: adapters acknowledge first

    def __post_init__(self) -> None:
        if sum(o.primary for o in self.options) > 1:
            raise ValueError(f"{self.name}: at most one primary option")
        names = [n for o in self.options for n in (o.name, *o.aliases)]
        clashes = sorted({n for n in names if names.count(n) > 1})
        if clashes:
            # A name two options answer to would silently go to whichever is declared first.
            raise ValueError(f"{self.name}: option names or aliases used twice: {clashes}")
        untypable = sorted(
            a for o in self.options for a in o.aliases if not OPTION_NAME.fullmatch(a)
        )
        if untypable:
            raise ValueError(f"{self.name}: aliases the text syntax cannot read: {untypable}")

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    def option(self, name: str) -> Option | None:
        """The option this name (or one of its aliases) refers to."""
        key = name.lower()
        return next((o for o in self.options if o.named(key)), None)

    @property
    def primary(self) -> Option | None:
        return next((o for o in self.options if o.primary), None)

    def usage(self, prefix: str = "/", file_input: str | None = None) -> str:
        """The command's syntax; `file_input` is how this platform gives a file option where
        that is not by attaching one (the console's `PATH`)."""
        parts = [f"{prefix}{self.name}"]
        for o in self.options:
            shown = file_input if o.type is OptionType.FILE and file_input else placeholder(o)
            value = f"<{shown}>"
            token = f"[{o.name}:]{value}" if o.primary else f"{o.name}:{value}"
            parts.append(token if o.required else f"[{token}]")
        return " ".join(parts)

    def how_to_use(self, prefix: str = "/", file_input: str | None = None) -> str:
        """The usage line and the first example that gives options (the bare command, which a
        reader has just typed, teaches nothing)."""
        lines = [f"Usage: {self.usage(prefix, file_input)}"]
        example = next(
            (e for e in self.examples if e.lstrip("/").split() != list(self.words)), None
        )
        if example is not None:
            lines.append(f"Example: {prefix}{example.lstrip('/')}")
        return "\n".join(lines)


def command(
    name: str,
    description: str,
    *,
    admin: bool = False,
    examples: Iterable[str] = (),
    form: Form | None = None,
    slow: bool = False,
) -> Callable[[F], F]:
    """Declare the decorated coroutine (function or method) as the handler of `name`."""

    def decorate(handler: F) -> F:
        declared = Command(
            " ".join(name.lower().split()),
            description,
            handler,
            options=options_of(handler),
            admin=admin,
            examples=tuple(examples),
            form=form,
            slow=slow,
        )
        setattr(handler, DECLARATION, declared)
        return handler

    return decorate


def declared(handler: Handler) -> Command:
    """The command a decorated handler declares, bound to this handler (a method of one cog)."""
    template = getattr(handler, DECLARATION, None)
    if not isinstance(template, Command):
        raise TypeError(f"{handler!r} is not declared with @command")
    return replace(template, handler=handler)


def commands_of(cog: object) -> list[Command]:
    """Every command a cog's methods declare, in the order the class defines them."""
    found: list[Command] = []
    seen: set[str] = set()
    for cls in reversed(type(cog).__mro__):
        for attribute, value in vars(cls).items():
            if attribute not in seen and isinstance(getattr(value, DECLARATION, None), Command):
                seen.add(attribute)
                found.append(declared(getattr(cog, attribute)))
    return found


# --- options from a signature --------------------------------------------------------------


def options_of(handler: Callable[..., Any]) -> tuple[Option, ...]:
    hints = type_hints(handler, include_extras=True)
    options: list[Option] = []
    for parameter in inspect.signature(handler).parameters.values():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        required = parameter.default is inspect.Parameter.empty
        options.append(_option(parameter.name, hints[parameter.name], required=required))
    return tuple(options)


def _option(name: str, annotation: Any, *, required: bool) -> Option:
    where = f"option {name!r}"
    if get_origin(annotation) is not Annotated:
        raise TypeError(f"{where}: annotate it as Annotated[<type>, Opt('description')]")
    base, *extras = get_args(annotation)
    opt = next((e for e in extras if isinstance(e, Opt)), None)
    if opt is None:
        raise TypeError(f"{where}: its Annotated[...] needs an Opt('description')")
    option_type = _option_type(_without_none(base), opt, where)
    return Option(
        name=name,
        type=option_type,
        description=opt.description,
        required=required,
        choices=tuple(str(c) for c in opt.choices),
        min_value=opt.min,
        max_value=opt.max,
        max_length=opt.max_length if opt.max_length is not None else DEFAULT_TEXT_LIMIT,
        primary=opt.primary,
        aliases=tuple(a.lower() for a in opt.aliases),
        unit=opt.unit,
    )


def _without_none(annotation: Any) -> Any:
    """`int | None` -> `int`: an optional option is one with a default, not a different type."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _option_type(base: Any, opt: Opt, where: str) -> OptionType:
    if base is str and opt.choices:
        return OptionType.CHOICE
    for converter in CONVERTERS.values():
        if converter.python_type is base and converter.option_type is not OptionType.CHOICE:
            if opt.choices and converter.option_type is not OptionType.INT:
                raise TypeError(f"{where}: only text and whole-number options take choices")
            return converter.option_type
    known = ", ".join(sorted(getattr(c.python_type, "__name__", "?") for c in CONVERTERS.values()))
    raise TypeError(f"{where}: {base!r} is not an option type (known: {known})")
