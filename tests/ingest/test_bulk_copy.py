"""A file's bulk load (COPY on PostgreSQL) stores exactly what a request's INSERTs store.

The same file goes into two fresh stores of one backend: once as a file (`ingest_file`, one
transaction per chunk, rows with COPY on PostgreSQL) and once as a request does it (one
transaction, executemany, as the API and the web form). Every table is then compared row by
row, JSON as the text stored, so an escaping or encoding difference in COPY shows.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import JSON, Engine, Text, cast, event, select
from sqlalchemy.engine import make_url

from alarmbell.ingest.jsonl import JsonLinesAdapter
from alarmbell.ingest.service import IngestSummary, ingest_file, ingest_parsed
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.tables import Base
from tests.helpers import event as event_line
from tests.helpers import person, relationship, write_jsonl

#: Set from the clock when the row is written, so different in any two ingests.
MOMENTS = frozenset({"started_at", "finished_at", "superseded_at"})
#: What a re-ingest of the same file must leave exactly as it was.
RECORD_TABLES = (
    "person_record", "relationship_record", "event_record", "event_party", "record_history",
    "evaluation_due",
)  # fmt: skip
#: The tables a bulk load fills; on PostgreSQL none of them sees an INSERT statement.
BULK_TABLES = frozenset(RECORD_TABLES)
CHUNK = 4
#: Tabs, backslashes, newlines, quotes and non-ASCII: what COPY's text format has to escape.
AWKWARD = "Zoë \\N\t\"Ó Súilleabháin\"\r\n\\.\n'quoted' \\t ☃ 𝔄 end\\"


@pytest.fixture
def request_store(
    store_settings: Settings, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Engine]:
    """A second fresh store on the same backend as `engine`'s."""
    backend = make_url(store_settings.database_url).get_backend_name()
    stores = request.getfixturevalue(f"{backend}_stores")
    engine = make_engine(Settings(database_url=stores.migrated(tmp_path, "request.db")))
    yield engine
    engine.dispose()


def mixed_file(path: Path, *, second_versions: bool = True) -> Path:
    """Every kind of line: records of each type, a warning, rejected lines, an event held for an
    unsent person, awkward text, several chunks of CHUNK lines; with `second_versions`, a second
    version of a person and of an event later in the file."""
    rows: list[Any] = [
        person("P1", agency="health", nhs_number="2945183219"),  # warning: check digit
        person("P2", given_name=AWKWARD, family_name="O'Brien\\Smith"),
        person("P3", dob="2016", postcode="ZZ9 9ZZ", note={"free": AWKWARD}),
        relationship("R1", "P2", "P3", "sibling"),
        event_line("E1", ["P2"], others=["P3"], text=AWKWARD, recorded_at="2020-01-06T09:30:00+01:00"),
        b'{"type": "person", "agency": "police", "source_id": \n',  # rejected: invalid JSON
        event_line("E2", ["P3"], kind="not_a_kind"),  # rejected: unknown kind
        event_line("E3", ["P9"], occurred_at="2019-12-31T23:59:59.123456Z"),  # held: P9 unsent
        *(event_line(f"E{n}", ["P1" if n % 2 else "P3"], agency="health" if n % 2 else "police",
                     occurred_at=f"2021-0{1 + n % 9}-1{n % 10}") for n in range(10, 30)),
        person(f"P-{AWKWARD}", given_name="Tab\there"),
        b"\xff\xfe not UTF-8\n",  # rejected: bytes that are not UTF-8
    ]  # fmt: skip
    if second_versions:
        rows[8:8] = [
            person("P2", given_name="Amy", family_name="O'Brien\\Smith"),
            event_line("E1", ["P2"], text=AWKWARD + " (corrected)"),
        ]
    return write_jsonl(path, rows)


def contents(engine: Engine, tables: Collection[str] | None = None) -> dict[str, list[Any]]:
    """Every row of every table (or of `tables`) in primary-key order; JSON as the stored text."""
    found: dict[str, list[Any]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if tables is not None and table.name not in tables:
                continue
            columns = [
                cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c
                for c in table.columns
                if c.name not in MOMENTS
            ]
            found[table.name] = list(connection.execute(select(*columns).order_by(*table.primary_key)).all())
    return found


class InsertedTables:
    """The tables that INSERT statements went to through this engine (COPY does not pass here)."""

    def __init__(self, engine: Engine) -> None:
        self.names: set[str] = set()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if match := re.match(r"\s*INSERT INTO (\w+)", statement, re.IGNORECASE):
            self.names.add(match.group(1))


def _as_file(engine: Engine, path: Path) -> tuple[IngestSummary, list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=path, chunk_size=CHUNK, report=messages.append)
    return summary, messages


def _as_request(engine: Engine, path: Path) -> tuple[IngestSummary, list[str]]:
    """The file read exactly as ingest_file reads it, written in one transaction as a request is."""
    messages: list[str] = []
    with engine.begin() as connection:
        summary = ingest_parsed(
            engine=engine,
            source=str(path),
            parsed=JsonLinesAdapter().read(path, agency=None),
            agency=None,
            chunk_size=CHUNK,
            report=messages.append,
            connection=connection,
        )
    return summary, messages


def _counts(summary: IngestSummary) -> tuple[int, ...]:
    s = summary
    return (s.accepted, s.rejected, s.unchanged, s.held, s.released, s.warnings)


def test_bulk_load_stores_exactly_what_the_insert_path_stores(
    engine: Engine, request_store: Engine, tmp_path: Path
) -> None:
    path = mixed_file(tmp_path / "mixed.jsonl")
    bulk_inserts, request_inserts = InsertedTables(engine), InsertedTables(request_store)
    bulk, bulk_messages = _as_file(engine, path)
    single, single_messages = _as_request(request_store, path)
    assert _counts(bulk) == _counts(single) == (29, 3, 0, 1, 0, 1)
    assert bulk_messages == single_messages
    assert contents(engine) == contents(request_store)
    assert BULK_TABLES <= request_inserts.names
    if engine.dialect.name == "postgresql":  # every bulk row went in by COPY, none by INSERT
        assert not BULK_TABLES & bulk_inserts.names
    else:  # SQLite keeps executemany for everything
        assert bulk_inserts.names == request_inserts.names


def test_reingesting_a_bulk_load_changes_no_record(engine: Engine, tmp_path: Path) -> None:
    path = mixed_file(tmp_path / "mixed.jsonl", second_versions=False)
    _as_file(engine, path)
    before = contents(engine, RECORD_TABLES)
    again, messages = _as_file(engine, path)
    assert _counts(again) == (0, 3, 27, 1, 0, 1)
    assert contents(engine, RECORD_TABLES) == before
    assert len(messages) == 3 + 1 + 1  # each rejected line, the held event, the warning


def test_awkward_text_survives_the_bulk_load_unchanged(engine: Engine, tmp_path: Path) -> None:
    """Tab, backslash (also as `\\N` and `\\.`, COPY's NULL and end markers), newline, carriage
    return, quotes and non-ASCII in text columns, in a key and in the JSON payload."""
    sent = person(f"P-{AWKWARD}", given_name=AWKWARD, family_name="\\", note=AWKWARD)
    told = event_line("E-1", [f"P-{AWKWARD}"], text=AWKWARD, author="\t")
    path = write_jsonl(tmp_path / "awkward.jsonl", [sent, told, person("P-plain")])
    summary, messages = _as_file(engine, path)
    assert (summary.accepted, summary.rejected, messages) == (3, 0, [])
    stored = contents(engine, ("person_record", "event_record", "event_party"))
    first = stored["person_record"][0]._mapping
    assert (first["source_id"], first["given_name"], first["family_name"]) == (f"P-{AWKWARD}", AWKWARD, "\\")
    assert orjson.loads(first["payload"]) == sent
    assert orjson.loads(stored["event_record"][0]._mapping["payload"]) == told
    assert [tuple(row) for row in stored["event_party"]] == [("police", f"P-{AWKWARD}", "E-1", "subject")]
