"""Features. Each module here exposes `setup(app)`, which declares its commands, jobs, settings
and event handlers; `load_all` finds them, so a new cog needs no change anywhere else.
"""

from __future__ import annotations

import importlib
import pkgutil

from bot.app import CogSetup


def load_all() -> list[CogSetup]:
    setups: list[CogSetup] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        setup = getattr(module, "setup", None)
        if callable(setup):
            setups.append(setup)
    return setups
