"""One ingest measurement, run in its own process so that its peak RSS is its own.

    python benchmarks/ingest_child.py ours STORE FILE CHUNK   alarmbell's ingest_file (again = re-ingest)
    python benchmarks/ingest_child.py raw DB FILE CHUNK       the same rows through plain sqlite3
    python benchmarks/ingest_child.py raw-copy URL FILE CHUNK         ... through psycopg COPY
    python benchmarks/ingest_child.py raw-executemany URL FILE CHUNK  ... through psycopg executemany

STORE is a SQLite file or a postgresql+psycopg:// URL. Prints one JSON object: records, seconds,
records_per_s, peak_rss_mb and the ingest summary.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from alarmbell.ingest.base import ValidRecord
from alarmbell.ingest.service import ingest_file
from alarmbell.ingest.validate import validate
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.dialect import SQLITE_PRAGMAS, SQLiteDialect, StoreDialect
from alarmbell.storage.source_records import COLUMNS, COMMON, DATETIME_COLUMNS, PARTY, TABLES

#: alarmbell's SQLite connection pragmas (storage/dialect.py), applied by hand.
PRAGMAS = ("PRAGMA journal_mode=WAL", *SQLITE_PRAGMAS)
PARTY_COLUMNS = ("agency", "event_source_id", "person_source_id", "involvement")
Rows = dict[str, list[tuple[Any, ...]]]


def peak_rss_mb() -> float:
    """This process's high-water resident set (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_for(store: str) -> Any:
    """An alarmbell engine on `store` (a SQLite file or a PostgreSQL URL), schema created by
    alarmbell's own migrations."""
    url = store if store.startswith("postgresql") else f"sqlite:///{store}"
    return make_engine(Settings(database_url=url))


def cpu_seconds() -> tuple[float, float]:
    """This process's user and system CPU time: on a shared machine wall time says little."""
    times = os.times()
    return times.user, times.system


def run_ours(store: str, path: Path, chunk: int) -> dict[str, Any]:
    engine = engine_for(store)
    start, (user, system) = time.perf_counter(), cpu_seconds()
    summary = ingest_file(engine=engine, path=path, chunk_size=chunk)
    seconds = time.perf_counter() - start
    user_end, system_end = cpu_seconds()
    engine.dispose()
    records = summary.accepted + summary.unchanged + summary.rejected
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "accepted": summary.accepted,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "held": summary.held,
        "user_s": round(user_end - user, 2),
        "sys_s": round(system_end - system, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def run_raw(db: str, path: Path, chunk: int) -> dict[str, Any]:
    """The storage engine's ceiling: prepared rows, plain executemany, one commit per chunk."""
    engine_for(db).dispose()
    connection = sqlite3.connect(db)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    statements = {name: _insert_sql(name, "?") for name in (*TABLES, "party")}

    def write(rows: Rows) -> None:
        for name, values in rows.items():
            connection.executemany(statements[name], values)
        connection.commit()

    result = _timed_chunks(write, path, chunk, _SQLITE)
    connection.close()
    return result


def run_raw_postgres(url: str, path: Path, chunk: int, *, copy: bool) -> dict[str, Any]:
    """PostgreSQL's ceiling: prepared rows through psycopg alone (COPY, or executemany), one
    commit per chunk, into the same tables migrated by alarmbell."""
    import psycopg

    engine_for(url).dispose()
    connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
    inserts = {name: _insert_sql(name, "%s") for name in (*TABLES, "party")}
    copies = {name: _copy_sql(name) for name in (*TABLES, "party")}

    def write(rows: Rows) -> None:
        with connection.cursor() as cursor:
            for name, values in rows.items():
                if not values:
                    continue
                if copy:
                    with cursor.copy(copies[name]) as stream:
                        for value in values:
                            stream.write_row(value)
                else:
                    cursor.executemany(inserts[name], values)
        connection.commit()

    result = _timed_chunks(write, path, chunk, _POSTGRES)
    connection.close()
    return result


def _timed_chunks(
    write: Callable[[Rows], None], path: Path, chunk: int, dialect: StoreDialect
) -> dict[str, Any]:
    """Time only `write` of each prepared chunk."""
    records = 0
    seconds = user = system = 0.0
    for rows, count in _prepared_chunks(path, chunk, dialect):
        start, (user_start, system_start) = time.perf_counter(), cpu_seconds()
        write(rows)
        user_end, system_end = cpu_seconds()
        seconds += time.perf_counter() - start
        user += user_end - user_start
        system += system_end - system_start
        records += count
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "user_s": round(user, 2),
        "sys_s": round(system, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def _table_columns(name: str) -> tuple[str, tuple[str, ...]]:
    if name == "party":
        return PARTY, PARTY_COLUMNS
    extra = ("held",) if name == "event" else ()
    return TABLES[name].name, (*COMMON, *COLUMNS[name], *extra)


def _insert_sql(name: str, placeholder: str) -> str:
    table, columns = _table_columns(name)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([placeholder] * len(columns))})"


def _copy_sql(name: str) -> str:
    table, columns = _table_columns(name)
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN"


def _prepared_chunks(path: Path, chunk: int, dialect: StoreDialect) -> Iterator[tuple[Rows, int]]:
    """Untimed: parse (orjson), validate and encode each chunk into the rows alarmbell stores."""
    with path.open("rb") as handle:
        line_no = 0
        while lines := list(islice(handle, chunk)):
            rows: Rows = {"person": [], "relationship": [], "event": [], "party": []}
            for raw in lines:
                line_no += 1
                record = validate(orjson.loads(raw), line_no=line_no, agency_override=None, warnings=[])
                _add_rows(rows, record, dialect)
            yield rows, len(lines)


_SQLITE = SQLiteDialect({})
_POSTGRES = StoreDialect({})


def _add_rows(rows: Rows, record: ValidRecord, dialect: StoreDialect) -> None:
    """The row alarmbell stores; the payload is already the JSON text (validate.py)."""
    row = record.row
    kind = record.record_type
    values: list[Any] = [
        record.agency, record.source_id, 1, record.content_hash, 1, row["line_no"], row["payload"],
    ]  # fmt: skip
    for name in COLUMNS[kind]:
        value = row[name]
        values.append(dialect.encode_datetime(value) if name in DATETIME_COLUMNS else value)
    if kind == "event":
        values.append(False)
        rows["party"].extend((record.agency, record.source_id, p, role) for p, role in record.parties)
    rows[kind].append(tuple(values))


def main(argv: list[str]) -> None:
    mode, store, path, chunk = argv[0], argv[1], Path(argv[2]), int(argv[3])
    runners: dict[str, Callable[[str, Path, int], dict[str, Any]]] = {
        "ours": run_ours,
        "raw": run_raw,
        "raw-copy": partial(run_raw_postgres, copy=True),
        "raw-executemany": partial(run_raw_postgres, copy=False),
    }
    result = runners[mode](store, path, chunk)
    result["pid"] = os.getpid()
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
