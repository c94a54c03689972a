"""Export pseudopeople's sample data for benchmarks/linkage_external.py (run in its own venv).

    python3 -m venv /tmp/pp && /tmp/pp/bin/pip install pseudopeople
    /tmp/pp/bin/python benchmarks/pseudopeople_export.py

pseudopeople pins its own pandas and scipy, so it never enters the project's environment; this
script writes plain CSV files to benchmarks/out/pseudopeople/ that the benchmark reads. Sample
data only (no download), default noise, all years the sample holds. Written per source:
record_id, simulant_id (the truth), first_name, last_name, date_of_birth, sex, zipcode.

- taxes: W-2/1099 forms and 1040 returns together (a person files several: duplicates within
  the source). Tax forms carry no date of birth or sex.
- social_security: Social Security events (creation, death: several rows per person).
- american_community_survey and current_population_survey: household surveys.

The decennial census is deliberately not exported: it is kept for independent evaluation.
Every address in the sample data is in "Anytown, WA" with ZIP 00000, so the ZIP carries no
information and is written empty (a constant field would hand both methods a false agreement).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pseudopeople as psp  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parent / "out" / "pseudopeople"
FIELDS = ("record_id", "simulant_id", "first_name", "last_name", "date_of_birth", "sex", "zipcode")


def write(name: str, frames: list[object]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(FIELDS)
        n = 0
        for frame in frames:
            for row in frame.to_dict("records"):  # type: ignore[attr-defined]
                n += 1
                out.writerow(
                    [
                        f"{name}-{n}",
                        row["simulant_id"],
                        row.get("first_name") or "",
                        row.get("last_name") or "",
                        row.get("date_of_birth") or "",
                        row.get("sex") or "",
                        "",
                    ]
                )
    print(f"{name}: {n} records")


def main() -> None:
    write("taxes", [psp.generate_taxes_w2_and_1099(), psp.generate_taxes_1040()])
    write("social_security", [psp.generate_social_security()])
    write("american_community_survey", [psp.generate_american_community_survey()])
    write("current_population_survey", [psp.generate_current_population_survey()])


if __name__ == "__main__":
    main()
