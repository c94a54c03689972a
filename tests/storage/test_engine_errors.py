"""Every engine the package makes keeps statement values out of its errors' text.

A database error's text is what the server, the retry warning and `log.exception` write to the
logs, and statement values are names, dates of birth and free text (docs/security.md, "Logs").
The main engine hid them already; `alarmbell check`'s read-only engine did not.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, read_only_engine

BOUND = "Kayleigh Brennan 1982-01-19"


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
