"""The lazy facade (PEP 562) that identity, alerts and triage share: a package's heavy names are
imported from their modules on first use, look like any other attribute after that, are listed
by dir() before it, and an unknown name fails as a plain module's would."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from alarmbell.domain.lazy import lazy_facade

FACADE = """
from alarmbell.domain.lazy import lazy_facade

LIGHT = "here from the start"
__getattr__, __dir__ = lazy_facade(__name__, {".heavy": ("thing", "Other")})
__all__ = ["LIGHT", "Other", "thing"]
"""


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A package `lazypkg` whose `thing` and `Other` live in `lazypkg.heavy`."""
    folder = tmp_path / "lazypkg"
    folder.mkdir()
    (folder / "__init__.py").write_text(FACADE)
    (folder / "heavy.py").write_text("thing = 42\n\nclass Other:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("lazypkg")
    for name in ("lazypkg", "lazypkg.heavy"):
        sys.modules.pop(name, None)


def test_a_lazy_name_is_imported_on_first_use_and_kept(package: ModuleType) -> None:
    assert "lazypkg.heavy" not in sys.modules
    assert package.thing == 42
    assert "lazypkg.heavy" in sys.modules
    assert package.__dict__["thing"] == 42  # the next lookup is a plain attribute
    from lazypkg import Other

    assert Other.__module__ == "lazypkg.heavy"


def test_dir_lists_the_lazy_names_before_they_are_imported(package: ModuleType) -> None:
    assert {"LIGHT", "Other", "thing"} <= set(dir(package))
    assert "lazypkg.heavy" not in sys.modules


def test_an_unknown_name_raises_attribute_error_naming_the_module(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match=r"^module 'lazypkg' has no attribute 'thinG'$"):
        _ = package.thinG
    with pytest.raises(ImportError, match="cannot import name 'nothing' from 'lazypkg'"):
        from lazypkg import nothing  # noqa: F401
    assert not hasattr(package, "heavy_thing")


def test_a_name_given_by_two_modules_is_refused() -> None:
    with pytest.raises(ValueError, match="'thing' is given by both .a and .b"):
        lazy_facade("somewhere", {".a": ("thing",), ".b": ("thing",)})
