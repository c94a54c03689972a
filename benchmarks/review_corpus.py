"""The corpus of published case reviews under evaluation/reviews/: loading and listing it.

Each child is a pair of files: `<slug>.jsonl` (the chronology in the exchange format) and
`<slug>.meta.json` (which review it comes from, the harm and its date, the child's records in
each agency, and the review's missed opportunities). A meta file may name its chronology with
`chronology` (a path from the repository root): the demo case's meta file points at the demo
data rather than copying it.

    python benchmarks/review_corpus.py            # print the list of reviews
    python benchmarks/review_corpus.py --readme   # rewrite the list in evaluation/reviews/README.md

The frozen held-out set under evaluation/holdout/ has the same layout and is listed the same way
(`--holdout`, with or without `--readme`). Nothing loads it unless asked: `load_corpus()` reads
the development corpus only, so the held-out children never reach the tuning benchmarks by default.
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
#: The frozen held-out set: never used to choose or tune rules, measured once per policy change.
HOLDOUT = ROOT / "evaluation" / "holdout"


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
    #: how exactly the harm date is known: day, month, year or period (outcome.date_precision)
    harm_precision: str = "day"

    @property
    def harm_from(self) -> date:
        """The earliest the harm can have happened: the corpus puts a month- or year-dated harm at
        the END of its period, so an alert inside that period may have come after the harm.
        Measuring from the start keeps "red before harm" and the lead times conservative."""
        if self.harm_precision == "month":
            return self.harm_date.replace(day=1)
        if self.harm_precision == "year":
            return self.harm_date.replace(month=1, day=1)
        return self.harm_date

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
    precision = str(outcome.get("date_precision", "day"))
    return ReviewCase(slug, chronology, meta, harm, records, missed, precision)


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


START = "<!-- reviews:start (generated by `python benchmarks/review_corpus.py --readme`) -->"
END = "<!-- reviews:end -->"


def readme_with_listing(text: str, cases: list[ReviewCase]) -> str:
    """The README with the generated list between its markers replaced by the current corpus."""
    head, found, rest = text.partition(START)
    if not found or END not in rest:
        raise CorpusError(f"README: the markers {START!r} and {END!r} are missing")
    tail = rest.partition(END)[2]
    return f"{head}{START}\n{listing(cases)}\n{END}{tail}"


if __name__ == "__main__":
    args = sys.argv[1:]
    folder = HOLDOUT if "--holdout" in args else CORPUS
    corpus = load_corpus(folder)
    if "--readme" in args:
        readme = folder / "README.md"
        readme.write_text(readme_with_listing(readme.read_text(encoding="utf-8"), corpus), encoding="utf-8")
        print(f"{readme}: {len(corpus)} reviews listed")
    else:
        print(listing(corpus))
