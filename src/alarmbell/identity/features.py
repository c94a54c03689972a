"""The columns probabilistic linkage compares, derived from a source person record in Python.

Everything a comparison needs is computed here once (folded names, variant groups, date parts,
postcode sector and district, identifiers whose check digits hold), so the SQL that Splink runs
stays a handful of equalities that read the same on DuckDB and Spark.

The table is held as Arrow columns, built a chunk of records at a time: a million records as
a million dicts of Python strings cost gigabytes, as Arrow a few hundred megabytes, and Arrow
is what DuckDB (and so Splink) reads without a copy.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pyarrow as pa

from alarmbell.domain.identifiers import nhs_number_is_valid, upn_is_valid
from alarmbell.domain.timeparse import is_partial_dob
from alarmbell.identity.names import fold_name, linkable_given, soundex

#: Column order of the feature table handed to Splink (and its types, for an empty table).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("unique_id", "int"),
    ("agency", "str"),
    ("given", "str"),
    ("given_key", "str"),
    ("given_groups", "list"),
    ("given_wider_groups", "list"),
    ("family", "str"),
    ("family_key", "str"),
    ("family_groups", "list"),
    ("given_code", "str"),
    ("family_code", "str"),
    ("names_code", "str"),
    ("dob", "str"),
    ("dob_y", "int"),
    ("dob_m", "int"),
    ("dob_d", "int"),
    ("dob_sorted", "str"),
    ("sex", "str"),
    ("postcode", "str"),
    ("sector", "str"),
    ("district", "str"),
    ("nhs", "str"),
    ("upn", "str"),
    ("role", "str"),
)
_ARROW_TYPES = {"int": pa.int64(), "str": pa.string(), "list": pa.list_(pa.string())}
#: Records turned into Arrow at a time: the Python row objects of one chunk are all that is held
#: (about 2 KB a row; 10,000 a chunk added 30 MB to linking's peak at 50,000 children).
CHUNK_RECORDS = 2_000


@lru_cache(maxsize=1)
def arrow_schema() -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in COLUMNS])


@dataclass(frozen=True, slots=True)
class RawPerson:
    """The fields of a source person record that linkage reads, as the agency sent them."""

    record_id: int
    agency: str
    source_id: str
    given_name: str | None
    family_name: str | None
    dob: str | None
    sex: str | None
    postcode: str | None
    nhs_number: str | None
    upn: str | None
    role_hint: str | None


def shared_text(value: str | None) -> str | None:
    """One copy of a value many records repeat (agency, names, dates of birth, postcodes).

    A million records read as a million separate copies of "health" and of each common name
    cost hundreds of MB; interned, each distinct value is held once.
    """
    return None if value is None else sys.intern(value)


@dataclass
class FeatureTable:
    """Columns for Splink plus the identifiers that failed their check digits (reported, never matched)."""

    table: pa.Table = field(default_factory=lambda: arrow_schema().empty_table())
    invalid_identifiers: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts: for a handful of records (tests, a review page), never a population."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows


@lru_cache(maxsize=1)
def variant_groups() -> dict[str, tuple[str, ...]]:
    """Folded name -> the canonical names of every variant group it belongs to (data/name_variants.csv)."""
    groups: dict[str, set[str]] = {}
    text = resources.files("alarmbell.identity").joinpath("data/name_variants.csv").read_text("utf-8")
    for row in csv.reader(line for line in text.splitlines() if line and not line.startswith("#")):
        names = [fold_name(n) for n in row if n.strip()]
        for name in names:
            groups.setdefault(name, set()).add(names[0])
    return {name: tuple(sorted(canon)) for name, canon in groups.items()}


def name_groups(folded: str) -> list[str]:
    """Variant groups of a folded name; a name outside the table is its own group."""
    if not folded:
        return []
    return list(variant_groups().get(folded, (folded,)))


def postcode_parts(postcode: str | None) -> tuple[str | None, str | None, str | None]:
    """(full, sector, district): "CV2 5LA" -> ("CV25LA", "CV2 5", "CV2"); None where unusable."""
    code = "".join((postcode or "").split()).upper()
    if len(code) < 5 or len(code) > 7 or not code.isalnum():
        return None, None, None
    outward, inward = code[:-3], code[-3:]
    return code, f"{outward} {inward[0]}", outward


def dob_parts(dob: str | None) -> tuple[str | None, int | None, int | None, int | None]:
    """(iso, year, month, day): a full YYYY-MM-DD date, or the parts a partial one gives.

    A partial date (`YYYY-MM`, `YYYY`: an age rather than a date, docs/synthetic.md) has no iso
    value, so the full-date levels and keys skip it, but its year and month still count as
    evidence (the date of birth comparison's "partial" levels) instead of a blank.
    """
    if not dob or not is_partial_dob(dob):
        return None, None, None, None
    parts = [int(part) for part in dob.split("-")]
    month = parts[1] if len(parts) > 1 else None
    day = parts[2] if len(parts) > 2 else None
    return (dob if day is not None else None), parts[0], month, day


def _sorted_dob(year: int | None, month: int | None, day: int | None) -> str | None:
    """Year plus day and month in sorted order: a blocking key that a transposition leaves alone."""
    if year is None or month is None or day is None:
        return None
    low, high = sorted((month, day))
    return f"{year:04d}-{low:02d}-{high:02d}"


def _names_code(given: str, family: str) -> str | None:
    """Soundex of both names in sorted order: a blocking key that a typo in either name, or
    given and family name entered the wrong way round, leaves alone (like `dob_sorted`)."""
    if not given or not family:
        return None
    return "|".join(sorted((soundex(given), soundex(family))))


def _wider_given_groups(written: str | None, given: str, groups: list[str]) -> list[str]:
    """The given name's variant groups and, for a compound name ("Lacey-Mae", "Mary Jane"), its
    first part's too, so "Lacey-Mae" and "Lacey" meet as a known variant.

    One agency records the full double name and another the first part far more often than
    twins are named one inside the other; without this the pair read as "close but not the
    same" names and, for a child, went to review as possible twins (identity/twins.py). The
    model compares these wider groups only with the other record's own (model.py `Level.wider`),
    so two double names sharing a first part (twins Lacey-Mae and Lacey-Jo) do not meet here.
    """
    parts = (written or "").replace("-", " ").split()
    if given and len(parts) > 1:
        first = linkable_given(parts[0])
        if len(first) >= 3:
            return groups + [g for g in name_groups(first) if g not in groups]
    return groups


def feature_row(person: RawPerson, invalid: list[str]) -> dict[str, Any]:
    # A placeholder given name ("Baby", "Twin 1") is compared as a missing one (names.linkable_given).
    given, family = linkable_given(person.given_name), fold_name(person.family_name)
    given_groups, family_groups = name_groups(given), name_groups(family)
    wider_groups = _wider_given_groups(person.given_name, given, given_groups)
    iso, year, month, day = dob_parts(person.dob)
    full, sector, district = postcode_parts(person.postcode)
    return {
        "unique_id": person.record_id,
        "agency": person.agency,
        "given": given or None,
        "given_key": given_groups[0] if given_groups else None,
        "given_groups": given_groups or None,
        "given_wider_groups": wider_groups or None,
        "family": family or None,
        "family_key": family_groups[0] if family_groups else None,
        "family_groups": family_groups or None,
        "given_code": soundex(given) or None,
        "family_code": soundex(family) or None,
        "names_code": _names_code(given, family),
        "dob": iso,
        "dob_y": year,
        "dob_m": month,
        "dob_d": day,
        "dob_sorted": _sorted_dob(year, month, day),
        "sex": person.sex if person.sex in ("M", "F") else None,
        "postcode": full,
        "sector": sector,
        "district": district,
        "nhs": _checked(person, "NHS number", person.nhs_number, nhs_number_is_valid, invalid),
        "upn": _checked(person, "UPN", person.upn, upn_is_valid, invalid),
        "role": person.role_hint if person.role_hint in ("child", "adult") else None,
    }


def _checked(person: RawPerson, label: str, value: str | None, valid: Any, invalid: list[str]) -> str | None:
    """The identifier if its check digit holds; otherwise None, and a line saying so."""
    if not value:
        return None
    cleaned = value.replace(" ", "").upper()
    if valid(cleaned):
        return cleaned
    invalid.append(
        f"{person.agency} {person.source_id}: {label} {value!r} fails its check digit; "
        "ignored for linkage (probably mistyped)"
    )
    return None


def build_features(people: Iterable[RawPerson]) -> FeatureTable:
    builder = _Builder()
    for person in people:
        builder.add(person)
    return builder.table()


def build_split_features(
    people: Iterable[RawPerson], existing: Container[int]
) -> tuple[FeatureTable, FeatureTable]:
    """The features of the records not in `existing` and of those in it, from one pass.

    `people` may be a stream (the store's records read a few thousand at a time): only a
    chunk of each table's rows is ever held as Python objects.
    """
    new, old = _Builder(), _Builder()
    for person in people:
        (old if person.record_id in existing else new).add(person)
    return new.table(), old.table()


class _Builder:
    """A feature table built `CHUNK_RECORDS` rows at a time, in the order records are added."""

    def __init__(self) -> None:
        self.invalid: list[str] = []
        self.batches: list[pa.RecordBatch] = []
        self.chunk: list[dict[str, Any]] = []

    def add(self, person: RawPerson) -> None:
        self.chunk.append(feature_row(person, self.invalid))
        if len(self.chunk) >= CHUNK_RECORDS:
            self.batches.append(_batch(self.chunk))
            self.chunk = []

    def table(self) -> FeatureTable:
        if self.chunk or not self.batches:
            self.batches.append(_batch(self.chunk))
            self.chunk = []
        return FeatureTable(pa.Table.from_batches(self.batches, schema=arrow_schema()), self.invalid)


def _batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([row[name] for row in rows], type=_ARROW_TYPES[kind]) for name, kind in COLUMNS],
        schema=arrow_schema(),
    )
