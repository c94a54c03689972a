"""Issue 17: ingest's memory stays flat as the data grows, and its results do not change.

The birth-order check remembers dates of birth only up to a bound, and may forget only people
the writer has stored (it reads them back from the store); a bulk load writes each chunk with a
bounded SQLite page cache and gives the connection its cache back afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from alarmbell.ingest import birth_order
from alarmbell.ingest.birth_order import BirthOrder
from alarmbell.ingest.service import ingest_file
from alarmbell.ingest.validate import validate
from alarmbell.storage.dialect import INGEST_CACHE_KIB, SQLITE_PRAGMAS
from tests.helpers import event as event_line
from tests.helpers import person, write_jsonl

ADVICE = (
    "kept; check the event date and the date of birth (only pre-birth work such as maternity care, "
    "referrals, assessments and child protection steps is expected before birth)"
)
PEOPLE = 300


@pytest.mark.parametrize("chunk_size", [1000, 150])
def test_events_before_birth_are_all_reported_when_the_remembered_dates_overflow(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_size: int
) -> None:
    """300 people, then an event before each one's birth, checked in blocks of 100 with room for
    50 dates. With chunks of 1,000 lines nobody is written before the events are checked, so
    nobody may be forgotten (main forgot them, and reported none of the 300); with chunks of
    150, written people are forgotten and read back from the store."""
    monkeypatch.setattr(birth_order, "BLOCK", 100)
    monkeypatch.setattr(birth_order, "REMEMBERED", 50)
    rows: list[dict[str, object] | str | bytes] = [person(f"P{i}") for i in range(PEOPLE)]
    rows += [
        event_line(f"E{i}", [f"P{i}"], kind="gp_consultation", occurred_at="2014-06-01")
        for i in range(PEOPLE)
    ]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, chunk_size=chunk_size, report=messages.append)
    assert (summary.accepted, summary.warnings) == (2 * PEOPLE, PEOPLE)
    assert messages == [
        f"{path}:{PEOPLE + 1 + i}: occurred_at: warning: 2014-06-01 is before P{i} was born "
        f"(date of birth 2015-03-02); {ADVICE}"
        for i in range(PEOPLE)
    ]


def _people(count: int) -> list[Any]:
    return [validate(person(f"P{i}"), line_no=i + 1, agency_override=None, warnings=[]) for i in range(count)]


def test_the_birth_order_check_holds_at_most_its_bound_and_the_unwritten(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(birth_order, "BLOCK", 10)
    monkeypatch.setattr(birth_order, "REMEMBERED", 50)
    order = BirthOrder(engine)
    held = []
    for number, _ in enumerate(order.checked_blocks(iter(_people(1000))), start=1):
        held.append(len(order.dobs))
        order.written_through(number - 1)  # the writer one block behind
    assert max(held) <= 50 + 10
    assert held[-1] < 1000


def test_a_check_that_writes_nothing_remembers_every_date_of_birth(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(birth_order, "BLOCK", 20)
    monkeypatch.setattr(birth_order, "REMEMBERED", 50)
    order = BirthOrder(engine, forgets=False)
    for _ in order.checked_blocks(iter(_people(200))):
        pass
    assert len(order.dobs) == 200


def test_a_bulk_load_writes_with_the_ingest_page_cache_and_gives_the_connection_its_own_back(
    engine: Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the page cache is per connection on SQLite only")
    pragmas: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "cache_size" in statement:
            pragmas.append(statement)

    path = write_jsonl(tmp_path / "in.jsonl", [person("P1"), event_line("E1", ["P1"])])
    ingest_file(engine=engine, path=path)
    assert f"PRAGMA cache_size=-{INGEST_CACHE_KIB}" in pragmas
    [configured] = [p for p in SQLITE_PRAGMAS if "cache_size" in p]
    with engine.connect() as connection:
        assert f"PRAGMA cache_size={connection.exec_driver_sql('PRAGMA cache_size').scalar()}" == configured
