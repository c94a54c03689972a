"""Which parts of a file an ingest would use and which it would ignore, as far as is cheap to say.

CSV templates: exactly, from the header and the template (csv_templates.py), matched as ingest
matches them (`column_key`: case, spaces and punctuation ignored). FHIR: by resource type (which
types are converted); which elements of a resource are read is not measured. CIN census XML: the
elements seen are listed, but every element is checked against the DfE schema and which are
mapped is not measured. JSON Lines: not measured (the exchange format keeps unknown fields in
the payload). Each Coverage says in `note` what was and was not measured.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from alarmbell.ingest.csv_templates import TEMPLATES, column_key


@dataclass
class Coverage:
    """`used`/`ignored`: (name as in the file, count or None); `missing`: template columns absent."""

    unit: str
    measured: bool
    note: str
    used: list[tuple[str, int | None]] = field(default_factory=list)
    ignored: list[tuple[str, int | None]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    seen: list[tuple[str, int]] = field(default_factory=list)


def coverage_of(path: Path, format_name: str) -> Coverage:
    if format_name in TEMPLATES:
        return _csv_columns(path, format_name)
    if format_name == "fhir":
        return _fhir_resources(path)
    if format_name == "cin-xml":
        return _xml_elements(path)
    return Coverage(
        "field",
        measured=False,
        note="not measured for exchange-format JSON Lines: every field is validated, and fields "
        "the format does not define are kept in the record as sent (docs/exchange-format.md)",
    )


def _header(path: Path) -> list[str] | None:
    with path.open("rb") as handle:
        first = handle.readline()
    if first[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = first.decode("cp1252", errors="replace")
    return next(csv.reader([text]), [])


def _csv_columns(path: Path, template: str) -> Coverage:
    header = _header(path)
    if header is None:
        return Coverage(
            "column", measured=False, note="not measured: the file is UTF-16, which ingest rejects"
        )
    columns = TEMPLATES[template]
    known = {key: column for column in columns for key in column.keys}
    found: set[str] = set()
    coverage = Coverage(
        "column",
        measured=True,
        note=f"the header matched against the {template} template as ingest matches them "
        "(case, spaces and punctuation ignored); used = a template column, ignored = not read at all",
    )
    for name in (h.strip() for h in header):
        key = column_key(name)
        column = known.get(key)
        if column is None or column.header in found:
            coverage.ignored.append((name, None))
        else:
            found.add(column.header)
            coverage.used.append((name, None))
    coverage.missing = [
        c.header + (" (required)" if c.required else "") for c in columns if c.header not in found
    ]
    return coverage


def _fhir_resources(path: Path) -> Coverage:
    from alarmbell.ingest.fhir import CONVERTED

    note = (
        "used = converted to records (docs/formats/fhir.md), ignored = "
        "skipped as not a safeguarding record. Which elements within a resource are read is not measured"
    )
    try:
        bundle = orjson.loads(path.read_bytes())
        entries = bundle.get("entry") or []
        types = Counter(str((e.get("resource") or {}).get("resourceType")) for e in entries)
    except (orjson.JSONDecodeError, AttributeError, TypeError):
        return Coverage(
            "resource type", measured=False, note="not measured: the file is not a readable bundle"
        )
    coverage = Coverage("resource type", measured=True, note=note)
    for name, count in sorted(types.items()):
        (coverage.used if name in CONVERTED else coverage.ignored).append((name, count))
    return coverage


def _xml_elements(path: Path) -> Coverage:
    from lxml import etree

    seen: Counter[str] = Counter()
    try:
        for _, element in etree.iterparse(
            str(path), events=("end",), resolve_entities=False, no_network=True
        ):
            seen[etree.QName(element).localname] += 1
            element.clear()
    except etree.XMLSyntaxError:
        pass  # ingest reports where the XML breaks; count what came before
    return Coverage(
        "element",
        measured=False,
        note="which elements are mapped is not measured. Every element is checked against the DfE "
        "CIN census schema, so an element the census does not define is an error, not ignored; "
        "docs/formats/cin-xml.md lists the elements that are read. Elements seen are listed",
        seen=sorted(seen.items()),
    )
