"""The corpora of published case reviews ingest cleanly and say what they must.

Two folders of the same layout: the development corpus (evaluation/reviews/) and the frozen
held-out set (evaluation/holdout/), which no rule is tuned on. benchmarks/policy_reviews.py
measures the policy against these children; a chronology with a rejected line, a child whose
records do not link, or a meta file without a harm date or dated missed opportunities would make
those figures wrong without anyone noticing. Only ingest and linkage are checked here, never what
the policy raises.
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
HOLDOUT = ROOT / "evaluation" / "holdout"
FOLDERS = (CORPUS, HOLDOUT)
#: Every child's meta file in both folders: the development corpus, then the held-out set.
METAS = sorted(CORPUS.glob("*.meta.json")) + sorted(HOLDOUT.glob("*.meta.json"))
#: Every review meta file names these.
REQUIRED = ("title", "publisher", "year", "published_in", "outcome", "child", "missed_opportunities")


def _chronology(meta_path: Path, meta: dict[str, Any]) -> Path:
    named = meta.get("chronology")
    slug = meta_path.name.removesuffix(".meta.json")
    return ROOT / named if named else meta_path.with_name(f"{slug}.jsonl")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _meta(meta_path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    return meta


def _id(meta_path: Path) -> str:
    return f"{meta_path.parent.name}/{meta_path.name.removesuffix('.meta.json')}"


def test_the_corpus_has_children() -> None:
    assert len(list(CORPUS.glob("*.meta.json"))) >= 2, "evaluation/reviews/: the demo case and the reviews"


def test_the_held_out_set_has_children() -> None:
    held_out = list(HOLDOUT.glob("*.meta.json"))
    assert len(held_out) >= 13, "evaluation/holdout/: the frozen held-out children, both batches"


def test_no_child_is_in_both_folders() -> None:
    development = {p.name for p in CORPUS.glob("*.meta.json")}
    held_out = {p.name for p in HOLDOUT.glob("*.meta.json")}
    titles = {_meta(p)["title"] for p in CORPUS.glob("*.meta.json")}
    shared_titles = [p.name for p in HOLDOUT.glob("*.meta.json") if _meta(p)["title"] in titles]
    assert development & held_out == set()
    assert shared_titles == []


#: Reviews kept out of both folders for independent evaluation (evaluation/reviews/README.md),
#: and the demo case, which is in the development corpus.
RESERVED = (
    "Peter Connelly", "Hamzah Khan", "Khyra Ishaq", "Keanu Williams", "Arthur Labinjo-Hughes", "Star Hobson",
    "Logan Mwangi", "Sara Sharif", "Finley Boden", "Alfie Steele", "Hakeem Hussain", "Ellie Butler",
    "Ayeeshia-Jayne Smith", "Daniel Pelka",
)  # fmt: skip


def test_no_held_out_child_is_a_reserved_review() -> None:
    texts = {p.name: p.read_text(encoding="utf-8").lower() for p in HOLDOUT.glob("*.meta.json")}
    found = [(name, child) for name, text in texts.items() for child in RESERVED if child.lower() in text]
    assert found == []


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_chronology_has_a_meta_file(folder: Path) -> None:
    metas = {p.name.removesuffix(".meta.json") for p in folder.glob("*.meta.json")}
    orphans = [p.name for p in folder.glob("*.jsonl") if p.stem not in metas]
    assert orphans == []


@pytest.mark.parametrize("meta_path", METAS, ids=_id)
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


@pytest.mark.parametrize("meta_path", METAS, ids=_id)
def test_chronology_ingests_and_the_child_links_into_one_person(meta_path: Path) -> None:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    chronology = _chronology(meta_path, meta)
    result = replay_file(chronology, policy=default_policy())
    assert result.ingest.rejected == 0, result.ingest.messages
    child = {(a, s) for a, ids in meta["child"].items() for s in ([ids] if isinstance(ids, str) else ids)}
    holders = [p for p in result.people if child & set(p.records)]
    assert len(holders) == 1, f"{meta_path.name}: the child's records split over {len(holders)} people"
    assert child <= set(holders[0].records)


@pytest.mark.parametrize("meta_path", [p for p in METAS if "chronology" not in _meta(p)], ids=_id)
def test_every_event_cites_the_review(meta_path: Path) -> None:
    events = _lines(_chronology(meta_path, {}))
    uncited = [e["source_id"] for e in events if e["type"] == "event" and not e.get("source")]
    assert uncited == [], f"{meta_path.name}: events without a source: {uncited}"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_readme_lists_every_review(folder: Path) -> None:
    """Each folder's README list is generated from its meta files; stale means rerun
    `python benchmarks/review_corpus.py --readme` (with `--holdout` for the held-out set)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("review_corpus", ROOT / "benchmarks" / "review_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("review_corpus", module)  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    expected = module.readme_with_listing(readme, module.load_corpus(folder))
    flag = " --holdout" if folder == HOLDOUT else ""
    assert readme == expected, f"run `python benchmarks/review_corpus.py{flag} --readme`"
