"""The corpus of published case reviews under evaluation/reviews/: loading and listing it.

Each child is a pair of files: `<slug>.jsonl` (the chronology in the exchange format) and
`<slug>.meta.json` (which review it comes from, the harm and its date, the child's records in
each agency, and the review's missed opportunities). A meta file may name its chronology with
`chronology` (a path from the repository root): the demo case's meta file points at the demo
data rather than copying it.

    python benchmarks/review_corpus.py          # the list of reviews for evaluation/reviews/README.md
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "evaluation" / "reviews"


@dataclass(frozen=True)
class MissedOpportunity:
    day: date
    agency: str
    what: str


@dataclass(frozen=True)
class ReviewCase:
    slug: str
    chronology: Path
    meta: dict[str, Any]
    harm_date: date
    child_records: frozenset[tuple[str, str]]
    missed: tuple[MissedOpportunity, ...]

    @property
    def first_missed(self) -> MissedOpportunity | None:
        return min(self.missed, key=lambda m: m.day) if self.missed else None


class CorpusError(ValueError):
    """A meta file that does not say what the benchmark needs; the message names file and field."""


def load_case(meta_path: Path) -> ReviewCase:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{meta_path}: not valid JSON ({exc})") from exc
    slug = meta_path.name.removesuffix(".meta.json")
    named = meta.get("chronology")
    chronology = ROOT / named if named else meta_path.with_name(f"{slug}.jsonl")
    if not chronology.is_file():
        raise CorpusError(f"{meta_path}: chronology {chronology} does not exist")
    outcome = meta.get("outcome")
    if not isinstance(outcome, dict) or "date" not in outcome:
        raise CorpusError(f"{meta_path}: field outcome.date: expected the date of the harm")
    harm = _day(meta_path, "outcome.date", outcome["date"])
    child = meta.get("child")
    if not isinstance(child, dict) or not child:
        raise CorpusError(f"{meta_path}: field child: expected {{agency: [source_id, ...]}}")
    records = frozenset(
        (agency, source_id)
        for agency, ids in child.items()
        for source_id in ([ids] if isinstance(ids, str) else ids)
    )
    missed = tuple(
        MissedOpportunity(
            _day(meta_path, f"missed_opportunities[{n}].date", item.get("date")),
            str(item.get("agency", "")),
            str(item.get("what", "")),
        )
        for n, item in enumerate(meta.get("missed_opportunities") or [])
    )
    return ReviewCase(slug, chronology, meta, harm, records, missed)


def _day(path: Path, field: str, value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CorpusError(f"{path}: field {field}: expected a YYYY-MM-DD date, got {value!r}") from exc


def load_corpus(folder: Path = CORPUS) -> list[ReviewCase]:
    return [load_case(p) for p in sorted(folder.glob("*.meta.json"))]


def listing(cases: list[ReviewCase]) -> str:
    """One markdown line per child: slug, the review's title, publisher, year and where published."""
    lines = []
    for case in cases:
        m = case.meta
        outcome = m["outcome"]
        lines.append(
            f"- `{case.slug}`: *{m.get('title', '?')}*, {m.get('publisher', '?')} ({m.get('year', '?')}); "
            f"{m.get('published_in', '?')}. {outcome.get('harm', '')} ({outcome['date']}). "
            f"Reconstructed by {m.get('reconstructed_by', '?')}."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(listing(load_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)))
