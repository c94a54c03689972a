"""Every engine the package makes keeps statement values out of its errors' text.

A database error's text is what the server, the retry warning and `log.exception` write to the
logs, and statement values are names, dates of birth and free text (docs/security.md, "Logs").
The main engine hid them already; `alarmbell check`'s read-only engine did not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, read_only_engine
from alarmbell.storage.dialect import open_engine

BOUND = "Kayleigh Brennan 1982-01-19"
REPO = Path(__file__).resolve().parents[2]


def _error_text(engine: Engine) -> str:
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": BOUND})
    return str(failed.value)


def _open(opener: str, settings: Settings) -> Engine:
    if opener == "make_engine":
        return make_engine(settings)
    engine, note = read_only_engine(settings)
    assert engine is not None, note
    return engine


@pytest.mark.parametrize("opener", ["make_engine", "read_only_engine"])
def test_an_engines_error_does_not_carry_its_bound_values(store_settings: Settings, opener: str) -> None:
    engine = _open(opener, store_settings)
    try:
        shown = _error_text(engine)
    finally:
        engine.dispose()
    assert "no_such_table" in shown, shown
    assert BOUND not in shown and "Brennan" not in shown


def _engine_calls(path: Path) -> list[str]:
    """`file:function` of each `create_engine(...)` call in one file (`<module>` outside any)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    enclosing: dict[ast.AST, str] = {}
    for function in ast.walk(tree):  # outer functions first, so the innermost name is kept
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            enclosing.update(dict.fromkeys(ast.walk(function), function.name))
    return [
        f"{path.relative_to(REPO).as_posix()}:{enclosing.get(node, '<module>')}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", ""))
        == "create_engine"
    ]


def test_every_engine_is_made_in_one_place() -> None:
    """Three test engines (the PostgreSQL store maker's, the retry test's, the kill test's) were
    made by `create_engine` without `hide_parameters`: a failing statement there printed its
    values. Every engine, in the package, its tests and its benchmarks, is now made by
    storage.dialect.open_engine, which sets it."""
    files = [p for folder in ("src", "tests", "benchmarks") for p in sorted((REPO / folder).rglob("*.py"))]
    calls = [call for path in files for call in _engine_calls(path)]
    assert calls == ["src/alarmbell/storage/dialect.py:open_engine"]


def test_an_engine_cannot_be_opened_showing_its_values(store_settings: Settings) -> None:
    engine = open_engine(store_settings.database_url, hide_parameters=False)
    try:
        shown = _error_text(engine)
    finally:
        engine.dispose()
    assert BOUND not in shown and "Brennan" not in shown
