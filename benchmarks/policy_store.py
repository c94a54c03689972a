"""Synthetic stores for the policy benchmarks, built once through the real pipeline and cached.

generate (alarmbell.synth) -> ingest each agency file -> link_people (identity noise and all):
the same path a deployment takes, so alert figures include what imperfect linkage does.
A store is kept in benchmarks/out/policy/ keyed by its parameters and reused while it exists.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from alarmbell.identity import link_people
from alarmbell.ingest.service import ingest_file
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.synth import generate

OUT = Path(__file__).resolve().parent / "out" / "policy"
AGENCY_FILES = ("police", "health", "education", "children_social_care")


def generator_fingerprint() -> str:
    """A short hash of the generator's source and data (the review templates): a changed
    generator never reuses an old cache."""
    import hashlib

    import alarmbell.synth

    digest = hashlib.sha256()
    folder = Path(alarmbell.synth.__file__).parent
    for path in sorted(folder.glob("*.py")) + sorted(folder.glob("data/*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


def population(
    children: int, years: int, seed: int, start_year: int = 2019, trajectories: str = "published"
) -> Path:
    """The synthetic files for these parameters and this generator (generated if missing).

    `trajectories` is generate's harm-trajectory source; the published one keeps the old folder
    name so its cached stores are reused."""
    source = "" if trajectories == "published" else f"-{trajectories}"
    folder = OUT / f"synth-{children}x{years}-seed{seed}-{start_year}{source}-{generator_fingerprint()}"
    done = folder / "summary.json"
    if not done.exists():
        started = time.perf_counter()
        summary = generate(
            children=children,
            years=years,
            seed=seed,
            out_dir=folder,
            start_year=start_year,
            trajectories=trajectories,
        )
        info = {
            "trajectories": trajectories,
            "children": summary.children,
            "child_years": summary.child_years,
            "events": summary.total_events,
            "harm_trajectories": summary.harm_trajectories,
            "start_year": start_year,
            "years": years,
            "seconds": round(time.perf_counter() - started, 1),
        }
        done.write_text(json.dumps(info, indent=2))
    return folder


def summary(folder: Path) -> dict[str, Any]:
    info: dict[str, Any] = json.loads((folder / "summary.json").read_text())
    return info


def store(folder: Path, agencies: tuple[str, ...] = AGENCY_FILES) -> Settings:
    """A SQLite store with these agencies' files ingested and linked (built if missing)."""
    name = "all" if agencies == AGENCY_FILES else "+".join(agencies)
    db = folder / f"store-{name}.db"
    marker = folder / f"store-{name}.done.json"
    settings = Settings(database_url=f"sqlite:///{db}")
    if marker.exists():
        return settings
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    engine = make_engine(settings)
    try:
        for agency in agencies:
            ingest_file(engine=engine, path=folder / f"{agency}.jsonl")
        ingested = time.perf_counter()
        with session_scope(engine) as session:
            linked = link_people(session)
    finally:
        engine.dispose()
    marker.write_text(
        json.dumps(
            {
                "ingest_seconds": round(ingested - started, 1),
                "link_seconds": round(time.perf_counter() - ingested, 1),
                "people": linked.people_created,
            },
            indent=2,
        )
    )
    return settings


if __name__ == "__main__":
    import sys

    children, years, seed = (int(x) for x in sys.argv[1:4])
    agencies = tuple(sys.argv[4].split(",")) if len(sys.argv) > 4 else AGENCY_FILES
    folder = population(children, years, seed)
    print(store(folder, agencies))
