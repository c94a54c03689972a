"""What linking wrote, as hashes: to show two versions of the code link a store identically.

    python benchmarks/link_results.py --ingest FILE STORE.db   # an ingested, unlinked store
    python benchmarks/link_results.py STORE.db [--json]         # link a copy, hash what it wrote

Links a copy of STORE.db with `link_people` (the code on PYTHONPATH) and prints, per table
(`person`, `person_link`, `evaluation_due`, `identity_review`), the row count and a SHA-256 of
every row in id order, and a hash of the run's `LinkSummary` (counts, conflicts, identifiers
reported invalid). Timestamps (`*_at` columns) are the clock's, so only whether each is set is
hashed. Run it with one version of the code on PYTHONPATH, then with the other, and compare.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

TABLES = ("person", "person_link", "evaluation_due", "identity_review")


def table_hash(connection: sqlite3.Connection, table: str) -> dict[str, Any]:
    """Row count and SHA-256 of the rows in id order (timestamps only as set or not)."""
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
    selected = ", ".join(f"{c} IS NOT NULL" if c.endswith("_at") else c for c in columns)
    digest, rows = hashlib.sha256(), 0
    for row in connection.execute(f"SELECT {selected} FROM {table} ORDER BY id"):
        digest.update(repr(row).encode())
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def link_and_hash(store: Path) -> dict[str, Any]:
    from alarmbell.identity import link_people
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine, session_scope

    with tempfile.TemporaryDirectory(prefix="alarmbell-linkres-") as folder:
        db = Path(folder) / "store.db"
        shutil.copy(store, db)
        engine = make_engine(Settings(database_url=f"sqlite:///{db}"), upgrade=False)
        try:
            with session_scope(engine) as session:
                summary = link_people(session)
        finally:
            engine.dispose()
        said = json.dumps(dataclasses.asdict(summary), sort_keys=True)
        result: dict[str, Any] = {
            "summary": {
                "records": summary.records,
                "newly_linked": summary.newly_linked,
                "people_created": summary.people_created,
                "sha256": hashlib.sha256(said.encode()).hexdigest(),
            }
        }
        with sqlite3.connect(db) as connection:
            result.update({table: table_hash(connection, table) for table in TABLES})
        return result


def ingest(data: Path, store: Path) -> None:
    from alarmbell.ingest.service import ingest_file
    from alarmbell.settings import Settings
    from alarmbell.storage.db import make_engine

    engine = make_engine(Settings(database_url=f"sqlite:///{store}"), upgrade=True)
    try:
        ingest_file(engine=engine, path=data)
    finally:
        engine.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingest", type=Path, metavar="FILE", help="ingest FILE into a new STORE first")
    parser.add_argument("store", type=Path)
    args = parser.parse_args(argv)
    if args.ingest:
        ingest(args.ingest, args.store)
        return
    print(json.dumps(link_and_hash(args.store), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
