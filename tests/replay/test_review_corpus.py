"""The corpus of published case reviews (evaluation/reviews/) ingests cleanly and says what it must.

benchmarks/policy_reviews.py measures the policy against these children; a chronology with a
rejected line, a child whose records do not link, or a meta file without a harm date or dated
missed opportunities would make those figures wrong without anyone noticing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from alarmbell.policy.loader import default_policy
from alarmbell.replay.service import replay_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "evaluation" / "reviews"
METAS = sorted(CORPUS.glob("*.meta.json"))
#: Every review meta file names these.
REQUIRED = ("title", "publisher", "year", "published_in", "outcome", "child", "missed_opportunities")


def _chronology(meta_path: Path, meta: dict[str, Any]) -> Path:
    named = meta.get("chronology")
    slug = meta_path.name.removesuffix(".meta.json")
    return ROOT / named if named else meta_path.with_name(f"{slug}.jsonl")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_corpus_has_children() -> None:
    assert len(METAS) >= 2, "evaluation/reviews/ holds the demo case and the reconstructed reviews"


def test_every_chronology_has_a_meta_file() -> None:
    metas = {p.name.removesuffix(".meta.json") for p in METAS}
    orphans = [p.name for p in CORPUS.glob("*.jsonl") if p.stem not in metas]
    assert orphans == []


@pytest.mark.parametrize("meta_path", METAS, ids=lambda p: p.name.removesuffix(".meta.json"))
def test_meta_file_is_consistent(meta_path: Path) -> None:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    missing = [f for f in REQUIRED if f not in meta]
    assert missing == [], f"{meta_path.name}: missing {missing}"
    harm = date.fromisoformat(meta["outcome"]["date"])
    assert meta["outcome"].get("harm"), f"{meta_path.name}: outcome.harm says what happened"
    assert meta["missed_opportunities"], f"{meta_path.name}: the review's missed opportunities"
    for item in meta["missed_opportunities"]:
        day = date.fromisoformat(item["date"])
        assert day <= harm, f"{meta_path.name}: missed opportunity {item} after the harm"
        assert item.get("agency") and item.get("what"), f"{meta_path.name}: {item}"
    chronology = _chronology(meta_path, meta)
    assert chronology.is_file()
    people = {(r["agency"], r["source_id"]) for r in _lines(chronology) if r["type"] == "person"}
    child = {(a, s) for a, ids in meta["child"].items() for s in ([ids] if isinstance(ids, str) else ids)}
    assert child, f"{meta_path.name}: child lists the child's records per agency"
    assert child <= people, f"{meta_path.name}: child records not in the chronology: {child - people}"


@pytest.mark.parametrize("meta_path", METAS, ids=lambda p: p.name.removesuffix(".meta.json"))
def test_chronology_ingests_and_the_child_links_into_one_person(meta_path: Path) -> None:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    chronology = _chronology(meta_path, meta)
    result = replay_file(chronology, policy=default_policy())
    assert result.ingest.rejected == 0, result.ingest.messages
    child = {(a, s) for a, ids in meta["child"].items() for s in ([ids] if isinstance(ids, str) else ids)}
    holders = [p for p in result.people if child & set(p.records)]
    assert len(holders) == 1, f"{meta_path.name}: the child's records split over {len(holders)} people"
    assert child <= set(holders[0].records)


@pytest.mark.parametrize(
    "meta_path", [p for p in METAS if "chronology" not in json.loads(p.read_text())], ids=lambda p: p.name
)
def test_every_event_cites_the_review(meta_path: Path) -> None:
    events = _lines(_chronology(meta_path, {}))
    uncited = [e["source_id"] for e in events if e["type"] == "event" and not e.get("source")]
    assert uncited == [], f"{meta_path.name}: events without a source: {uncited}"


def test_readme_lists_every_review() -> None:
    """The list in evaluation/reviews/README.md is generated from the meta files; stale means rerun."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("review_corpus", ROOT / "benchmarks" / "review_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("review_corpus", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    expected = module.readme_with_listing(readme, module.load_corpus())
    assert readme == expected, "run `python benchmarks/review_corpus.py --readme`"
