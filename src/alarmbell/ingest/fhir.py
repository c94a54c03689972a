"""`fhir`: FHIR R4 Bundles (JSON) from health systems -> health person and event records.

Each entry is validated on its own with `fhir.resources.R4B` (structure and types), so one bad
entry is rejected and the rest kept. A bundle has no lines worth naming, so the "line" of an
error is the entry's number in the bundle (1 = the first entry) and messages say so; the field
is the FHIR path, e.g. `Bundle.entry[2].resource.period.start`. The package checks no UK Core
rules: NHS number check digits, codes and what counts as an injury are checked here.

Mapping (docs/formats/fhir.md): Patient -> person (and its contacts, with relationships);
RelatedPerson -> person and relationship; Encounter -> ed_attendance, gp_consultation and other
contacts by class, SNOMED CT type and specialty; Observation body weight (LOINC 29463-7) and
height (8302-2) -> growth_measurement; Appointment with status noshow -> missed_appointment
(was_not_brought for a child); Condition that is an injury -> carried on the A&E attendance it
was recorded at, else injury_presentation. Other resources and statuses are not safeguarding
records and are skipped without a word.

Transaction and batch bundles from GP systems name resources by `urn:uuid:` fullUrls only:
references are resolved inside the bundle, and keys come from `fhir_keys` (never the fullUrl).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson
from pydantic import ValidationError

from alarmbell.domain.timeparse import age_in_years, dob_to_date, parse_moment
from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, SourceProgress
from alarmbell.ingest.convert import Record, RecordSink, expected_tail
from alarmbell.ingest.fhir_mapping import (
    appointment_event,
    condition_event,
    encounter_event,
    encounter_kind,
    is_recorded_injury,
    observation_event,
)
from alarmbell.ingest.fhir_people import Context, patient_records, related_person_records
from alarmbell.ingest.jsonl import UTF8_BOM
from alarmbell.ingest.strict_json import nesting_problem, path_text, repeated_paths

AGENCY = "health"
CONVERTED: Final[tuple[str, ...]] = (
    "Patient", "RelatedPerson", "Encounter", "Observation", "Appointment", "Condition",
)  # fmt: skip
#: Conversion order: people before the events and relationships that name them.
ORDER: Final[dict[str, int]] = {"Patient": 0, "RelatedPerson": 1}
LINE_NOTE = "line = entry number in the bundle"
#: UK Core resources nest extensions within extensions, but never near this deep.
MAX_RESOURCE_DEPTH: Final[int] = 32


@dataclass(frozen=True)
class Entry:
    number: int
    resource: dict[str, Any]
    full_url: str | None

    @property
    def where(self) -> str:
        return f"Bundle.entry[{self.number - 1}].resource"

    @property
    def names(self) -> list[str]:
        """Every way another entry may refer to this one: its fullUrl and Type/id."""
        kind, rid = self.resource.get("resourceType"), self.resource.get("id")
        return [n for n in (self.full_url, f"{kind}/{rid}" if rid else None) if n]

    @property
    def raw(self) -> bytes:
        """The entry as quarantined; empty when it nests too deep to be written again."""
        try:
            return orjson.dumps({"fullUrl": self.full_url, "resource": self.resource})
        except orjson.JSONEncodeError:
            return b""


def _model(resource_type: str) -> Any:
    from fhir.resources.R4B import get_fhir_model_class

    return get_fhir_model_class(resource_type)


def _path(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


#: fhir.resources says only "DateTime value string does not match spec regex" for a date it
#: cannot read; what each FHIR type expects, so the error says what to send instead.
_TIME_FORMS: Final[dict[str, tuple[str, str]]] = {
    "Value error, DateTime value string does not match spec regex.": (
        "dateTime",
        "YYYY, YYYY-MM, YYYY-MM-DD, or a date and time with its time zone: "
        "2024-06-18T10:00:00+01:00 or 2024-06-18T09:00:00Z",
    ),
    "Value error, Instant value string does not match spec regex.": (
        "instant",
        "a date and time with its time zone: 2024-06-18T10:00:00+01:00 or 2024-06-18T09:00:00Z",
    ),
    "Value error, Date value string does not match spec regex.": ("date", "YYYY, YYYY-MM or YYYY-MM-DD"),
}


def fhir_problem(entry: Entry, error: ValidationError) -> RejectedLine:
    """The first structural error, with its FHIR path; the count of any others."""
    errors = error.errors()
    first = errors[0]
    more = f"; and {len(errors) - 1} more problem(s) in this entry" if len(errors) > 1 else ""
    form = _TIME_FORMS.get(first["msg"])
    if form is not None:
        problem = f"{first['input']!r} is not a FHIR {form[0]} (expected {form[1]})"
    else:
        value = f" (got {first['input']!r})" if not isinstance(first.get("input"), dict | list) else ""
        problem = f"{first['msg']}{value}"
    return RejectedLine(
        entry.number,
        entry.where + _path(tuple(first["loc"])),
        f"{problem}{more} [entry {entry.number}; {LINE_NOTE}]",
        raw=entry.raw,
    )


def _entries(bundle: Any) -> list[Entry] | FieldError:
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        got = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        return FieldError("resourceType", f"{got!r}", "a FHIR Bundle (resourceType 'Bundle')")
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        return FieldError("Bundle.entry", f"a JSON {type(entries).__name__}", "a list of entries")
    out = []
    for number, item in enumerate(entries, start=1):
        item = item if isinstance(item, dict) else {}
        resource = item.get("resource")
        out.append(Entry(number, resource if isinstance(resource, dict) else {}, item.get("fullUrl")))
    return out


class FhirBundleAdapter:
    name = "fhir"
    suffixes: tuple[str, ...] = (".json",)

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        data = path.read_bytes()
        if progress is not None:
            progress.done_bytes += len(data)
        yield from read_bundle(data, agency=agency)


def read_bundle(data: bytes, *, agency: str | None) -> Iterator[ParsedLine]:
    data = data.removeprefix(UTF8_BOM)  # Windows tools save UTF-8 JSON with one
    try:
        bundle = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        yield RejectedLine(
            error.lineno, "(file)", f"invalid JSON: {error.msg} (expected a FHIR Bundle)", data
        )
        return
    entries = _entries(bundle)
    if isinstance(entries, FieldError):
        yield RejectedLine(0, entries.field, expected_tail(entries), raw=data[:2000])
        return
    repeats = _repeated_keys(data, bundle)
    if isinstance(repeats, RejectedLine):
        yield repeats
        return
    sink = RecordSink(agency)
    meta = bundle.get("meta") if isinstance(bundle.get("meta"), dict) else {}
    context = Context(feed=meta.get("source") if isinstance(meta.get("source"), str) else None)
    checked: list[Entry] = []
    for entry in entries:
        problem = repeats.get(entry.number) or _check(entry)
        if problem is not None:
            yield problem
        elif entry.resource.get("resourceType") in CONVERTED:
            checked.append(entry)
    # People first: events name them, and the ingest service holds events whose people are missing.
    checked.sort(key=lambda e: ORDER.get(e.resource["resourceType"], 2))
    injuries = _injuries_at_attendances(checked)
    context.encounters = {
        name: entry.resource
        for entry in checked
        if entry.resource["resourceType"] == "Encounter"
        for name in entry.names
    }
    for entry in checked:
        if entry.number in injuries.carried:
            continue
        yield from _convert(entry, context, sink, injuries.at.get(entry.number, []))


@dataclass
class _Injuries:
    """Injury Conditions recorded at an A&E attendance of the bundle, by the attendance's entry."""

    at: dict[int, list[dict[str, Any]]]
    carried: set[int]


def _injuries_at_attendances(entries: list[Entry]) -> _Injuries:
    attendances = {
        name: entry.number
        for entry in entries
        if entry.resource["resourceType"] == "Encounter" and encounter_kind(entry.resource) == "ed_attendance"
        for name in entry.names
    }
    found = _Injuries({}, set())
    for entry in entries:
        resource = entry.resource
        if resource["resourceType"] != "Condition" or not is_recorded_injury(resource):
            continue
        ref = (resource.get("encounter") or {}).get("reference")
        if isinstance(ref, str) and ref in attendances:
            found.at.setdefault(attendances[ref], []).append(resource)
            found.carried.add(entry.number)
    return found


def _repeated_keys(data: bytes, bundle: Any) -> dict[int, RejectedLine] | RejectedLine:
    """Entry number -> its first repeated key; a repeat outside the entries refuses the bundle,
    since one of its two values (a second `entry` list, say) would be silently dropped."""
    found: dict[int, RejectedLine] = {}
    for path in repeated_paths(data, bundle):
        where = "Bundle." + path_text(path)
        problem = "appears twice in one object (expected each key once)"
        if len(path) < 3 or path[0] != "entry" or not isinstance(path[1], int):
            return RejectedLine(0, where, problem + " [the bundle itself]", raw=data[:2000])
        number = path[1] + 1
        found.setdefault(number, RejectedLine(number, where, f"{problem} [entry {number}; {LINE_NOTE}]", b""))
    return found


def _check(entry: Entry) -> RejectedLine | None:
    deep = nesting_problem(entry.resource, None, limit=MAX_RESOURCE_DEPTH)
    if deep is not None:
        return RejectedLine(
            entry.number,
            entry.where + (f".{deep.field}" if deep.field != "(line)" else ""),
            f"{expected_tail(deep)} [entry {entry.number}; {LINE_NOTE}]",
            raw=entry.raw,
        )
    resource_type = entry.resource.get("resourceType")
    if not resource_type:
        return RejectedLine(
            entry.number,
            entry.where + ".resourceType",
            f"missing (expected a FHIR resource) [entry {entry.number}; {LINE_NOTE}]",
            raw=entry.raw,
        )
    if resource_type not in CONVERTED:
        return None
    try:
        _model(resource_type).model_validate(entry.resource)
    except ValidationError as error:
        return fhir_problem(entry, error)
    return None


def _convert(
    entry: Entry, context: Context, sink: RecordSink, injuries: list[dict[str, Any]]
) -> list[ParsedLine]:
    resource = entry.resource
    try:
        records = _records(resource, entry.full_url, context, injuries)
    except FieldError as error:
        return [
            RejectedLine(
                entry.number,
                f"{entry.where}.{error.field}",
                f"{expected_tail(error)} [entry {entry.number}; {LINE_NOTE}]",
                raw=entry.raw,
            )
        ]
    if not records:
        return []

    def describe(_rec: Record, error: FieldError) -> tuple[str, str]:
        return (
            f"{entry.where} ({error.field})",
            f"{expected_tail(error)} [entry {entry.number}; {LINE_NOTE}]",
        )

    return sink.unit(
        [(entry.number, record) for record in records], line_no=entry.number, raw=entry.raw, describe=describe
    )


def _records(
    resource: dict[str, Any], full_url: str | None, context: Context, injuries: list[dict[str, Any]]
) -> list[Record]:
    kind = resource["resourceType"]
    if kind == "Patient":
        return patient_records(resource, full_url, context)
    if kind == "RelatedPerson":
        return related_person_records(resource, context)
    if kind == "Encounter":
        record = encounter_event(resource, context, injuries)
    elif kind == "Observation":
        record = observation_event(resource, context)
    elif kind == "Appointment":
        record = appointment_event(resource, context, is_child=_is_child)
    else:
        record = condition_event(resource, context)
    return [record] if record is not None else []


def _is_child(dob: str | None, at: str) -> bool | None:
    """Under 18 on the day of the appointment; None (attribute left out) when the age is unknown."""
    born = dob_to_date(dob)
    if born is None:
        return None
    try:
        return age_in_years(born, parse_moment(at)) < 18
    except ValueError:
        return None
