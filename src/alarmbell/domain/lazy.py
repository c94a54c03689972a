"""Lazy facades (PEP 562): a package's public names that are imported from their modules on first use.

identity, alerts and triage each export names whose modules pull in heavy libraries (Splink and
pyarrow for linking, a process pool for rescoring, alert routing), which most callers (a review
report, a person page) never touch. Each facade hands its table of those names to
`lazy_facade` and takes back its module `__getattr__` and `__dir__`; its `__all__` and its
`TYPE_CHECKING` imports, which type checkers read, stay in the facade itself.

Here, not in each package, so the three facades behave alike: a name is imported once and then
kept as a plain attribute, dir() lists it before that, and an unknown name fails as it would on
any module. Pure: it imports nothing of alarmbell's.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

Getattr = Callable[[str], Any]
Dir = Callable[[], list[str]]


def lazy_facade(package: str, modules: Mapping[str, tuple[str, ...]]) -> tuple[Getattr, Dir]:
    """The module `__getattr__` and `__dir__` of `package`, whose `modules` (relative names,
    `.linker`) each give the names listed; use as `__getattr__, __dir__ = lazy_facade(__name__, {...})`.
    """
    where = _by_name(modules)

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # the next lookup does not come here
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__


def _by_name(modules: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Name -> its module; a name two modules give would be whichever was listed last, so it is refused."""
    where: dict[str, str] = {}
    for module, names in modules.items():
        for name in names:
            other = where.setdefault(name, module)
            if other != module:
                raise ValueError(f"{name!r} is given by both {other} and {module}")
    return where
