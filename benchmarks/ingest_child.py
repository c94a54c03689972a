"""One ingest measurement, run in its own process so that its peak RSS is its own.

    python benchmarks/ingest_child.py ours DB FILE CHUNK   alarmbell's ingest_file (again = re-ingest)
    python benchmarks/ingest_child.py raw DB FILE CHUNK    the same rows through plain sqlite3

Prints one JSON object: records, seconds, records_per_s, peak_rss_mb and the ingest summary.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from alarmbell.ingest.base import ValidRecord
from alarmbell.ingest.service import ingest_file
from alarmbell.ingest.validate import validate
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine
from alarmbell.storage.dialect import SQLITE_PRAGMAS, SQLiteDialect
from alarmbell.storage.source_records import COLUMNS, COMMON, DATETIME_COLUMNS, PARTY, TABLES

#: alarmbell's SQLite connection pragmas (storage/dialect.py), applied by hand.
PRAGMAS = ("PRAGMA journal_mode=WAL", *SQLITE_PRAGMAS)
PARTY_COLUMNS = ("agency", "event_source_id", "person_source_id", "involvement")
Rows = dict[str, list[tuple[Any, ...]]]


def peak_rss_mb() -> float:
    """This process's high-water resident set (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def engine_for(db: Path) -> Any:
    """An alarmbell engine on `db`, schema created by alarmbell's own migrations."""
    return make_engine(Settings(database_url=f"sqlite:///{db}"))


def cpu_seconds() -> tuple[float, float]:
    """This process's user and system CPU time: on a shared machine wall time says little."""
    times = os.times()
    return times.user, times.system


def run_ours(db: Path, path: Path, chunk: int) -> dict[str, Any]:
    engine = engine_for(db)
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


def run_raw(db: Path, path: Path, chunk: int) -> dict[str, Any]:
    """The storage engine's ceiling: prepared rows, plain executemany, one commit per chunk."""
    engine_for(db).dispose()
    connection = sqlite3.connect(db)
    for pragma in PRAGMAS:
        connection.execute(pragma)
    statements = {name: _insert_sql(name) for name in (*TABLES, "party")}
    records = 0
    seconds = user = system = 0.0
    for rows, count in _prepared_chunks(path, chunk):
        start, (user_start, system_start) = time.perf_counter(), cpu_seconds()
        for name, values in rows.items():
            connection.executemany(statements[name], values)
        connection.commit()
        user_end, system_end = cpu_seconds()
        seconds += time.perf_counter() - start
        user += user_end - user_start
        system += system_end - system_start
        records += count
    connection.close()
    return {
        "records": records,
        "seconds": seconds,
        "records_per_s": records / seconds,
        "user_s": round(user, 2),
        "sys_s": round(system, 2),
        "peak_rss_mb": peak_rss_mb(),
    }


def _insert_sql(name: str) -> str:
    if name == "party":
        table, columns = PARTY, PARTY_COLUMNS
    else:
        extra = ("held",) if name == "event" else ()
        table, columns = TABLES[name].name, (*COMMON, *COLUMNS[name], *extra)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _prepared_chunks(path: Path, chunk: int) -> Iterator[tuple[Rows, int]]:
    """Untimed: parse (orjson), validate and encode each chunk into the rows alarmbell stores."""
    with path.open("rb") as handle:
        line_no = 0
        while lines := list(islice(handle, chunk)):
            rows: Rows = {"person": [], "relationship": [], "event": [], "party": []}
            for raw in lines:
                line_no += 1
                record = validate(orjson.loads(raw), line_no=line_no, agency_override=None, warnings=[])
                _add_rows(rows, record)
            yield rows, len(lines)


_DIALECT = SQLiteDialect({})


def _add_rows(rows: Rows, record: ValidRecord) -> None:
    row = record.row
    kind = record.record_type
    values: list[Any] = [
        record.agency, record.source_id, 1, record.content_hash, 1, row["line_no"],
        _DIALECT.encode_json(row["payload"]),
    ]  # fmt: skip
    for name in COLUMNS[kind]:
        value = row[name]
        values.append(_DIALECT.encode_datetime(value) if name in DATETIME_COLUMNS else value)
    if kind == "event":
        values.append(False)
        rows["party"].extend((record.agency, record.source_id, p, role) for p, role in record.parties)
    rows[kind].append(tuple(values))


def main(argv: list[str]) -> None:
    mode, db, path, chunk = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    runner = {"ours": run_ours, "raw": run_raw}[mode]
    result = runner(db, path, chunk)
    result["pid"] = os.getpid()
    sys.stdout.write(orjson.dumps(result).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
