"""`police-csv`: an incident extract with DASH answers, one row per person involved in an occurrence.

Police record systems export occurrences joined to their nominals, so an occurrence with a
victim, a suspect and two children present is four rows repeating the occurrence's own cells.
The file is read whole (incident extracts are small next to memory) because an occurrence's
event can be built only when all its rows are in, and escalation needs every incident of a victim.

Every row is checked the same way whatever the person's role. An occurrence with a rejected row
is not recorded at all (its good rows' people are): an incident built from the rest would leave
someone out, or cast the suspect as the one it is about. DASH (police_dash.py) and family ties
(police_ties.py) are read from every row. Escalation is flagged when the victim has 3 or more
domestic incidents within 12 months in this file; the store-wide version of that test is the
policy indicator `repeat_domestic_abuse`. See docs/formats/police-csv.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Final

from alarmbell.domain.records import agreed
from alarmbell.ingest.base import (
    FieldError,
    ParsedLine,
    Problems,
    RejectedLine,
    RowErrors,
    SourceProgress,
    Warning_,
)
from alarmbell.ingest.convert import Record, RecordSink, rejected
from alarmbell.ingest.police_dash import DashForm, choose_form, computed_grade, dash_attrs, read_form
from alarmbell.ingest.police_ties import (
    Party,
    Tie,
    is_child,
    occurrence_ties,
    relationship_column,
    relationship_term,
    settle,
)
from alarmbell.ingest.tabular import Row, missing_columns, read_rows, sex, when, with_format_problems

__all__ = ["PoliceCsvAdapter", "computed_grade"]

AGENCY = "police"
ESCALATION_COUNT: Final[int] = 3
ESCALATION_WINDOW: Final[timedelta] = timedelta(days=365)

OCCURRENCE_KINDS: Final[dict[str, str]] = {
    "domestic incident": "domestic_incident",
    "domestic abuse": "domestic_incident",
    "domestic crime": "domestic_incident",
    # Niche and Athena split domestic occurrences into crimes and non-crimes: both are incidents.
    "domestic abuse crime": "domestic_incident",
    "domestic abuse non crime": "domestic_incident",
    "domestic incident non crime": "domestic_incident",
    "domestic non crime": "domestic_incident",
    "assault": "assault_report",
    "crime": "crime_report",
    "arrest": "arrest",
    "child concern": "child_welfare_concern",
    "child welfare concern": "child_welfare_concern",
    # A force's MASH extract holds the occurrences that concern children; its welfare checks are
    # recorded as a concern for safety or welfare.
    "concern for safety": "child_welfare_concern",
    "concern for welfare": "child_welfare_concern",
    "missing person": "missing_person",
    "intelligence": "intelligence",
    "police protection": "police_protection",
}
_NOT_LETTERS: Final = re.compile(r"[^a-z]+")
DOMESTIC_KINDS: Final[frozenset[str]] = frozenset({"domestic_incident", "assault_report"})

#: Role -> how the person takes part in the event (subject: whom it is about).
ROLES: Final[dict[str, str]] = {
    "victim": "subject",
    "child present": "subject",
    "missing person": "subject",
    "subject": "subject",
    "suspect": "other",
    "offender": "other",
    "witness": "other",
    "informant": "other",
    "reporting person": "other",
    "other": "other",
}
#: Role spellings that mean the same part: one name each, so the event and ties read one role.
ROLE_ALIASES: Final[dict[str, str]] = {
    "child": "child present",
    "perpetrator": "suspect",
    # Other systems' names for the same part: the injured party or aggrieved is the victim;
    # the person reporting is the reporting person.
    "injured party": "victim",
    "aggrieved": "victim",
    "person reporting": "reporting person",
    # Niche's short form for the injured party; a child who lives at the address but was not
    # there is who the occurrence concerns, never a child present.
    "ip": "victim",
    "child normally resident": "subject",
    "child resident": "subject",
}
INCIDENT_COLUMNS: Final[tuple[str, ...]] = (
    "occurrence_date",
    "occurrence_time",
    "recorded_date",
    "occurrence_type",
    "offence",
    "offence_code",
    "location_postcode",
    "officer",
    "summary",
    "alcohol",
    "drugs",
)
REQUIRED: Final[tuple[str, ...]] = (
    "occurrence_ref",
    "occurrence_date",
    "occurrence_type",
    "nominal_ref",
    "role",
    "surname",
    "forename",
)


@dataclass
class Involved:
    """One nominal's row of an occurrence, checked."""

    line_no: int
    raw: bytes
    person: Record
    role: str
    term: str | None
    dash: DashForm | None


@dataclass
class Incident:
    ref: str
    line_no: int
    cells: tuple[str, ...]
    kind: str
    occurred_at: str
    recorded_at: str | None
    row: Row
    people: list[Involved] = field(default_factory=list)
    rejected_lines: list[int] = field(default_factory=list)


def _folded(value: str) -> str:
    """`Domestic Abuse - Non Crime` and `domestic abuse non-crime` are one type: letters and words."""
    return " ".join(_NOT_LETTERS.sub(" ", value.lower()).split())


def _choice(row: Row, key: str, table: dict[str, str], what: str) -> str | None:
    value = row.text(key)
    if value is None:
        return None
    found = table.get(_folded(value))
    if found is None:
        raise FieldError(row.name(key), f"{value!r} is not {what}", "one of " + ", ".join(table))
    return found


def _person(row: Row) -> Record:
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": "nominal:" + row.required("nominal_ref", "the police system's id for the person"),
        "given_name": row.required("forename", "the person's forename"),
        "family_name": row.required("surname", "the person's surname"),
        "dob": row.date("dob"),
        "sex": sex(row, "sex"),
        "postcode": row.text("postcode"),
        "address": row.text("address"),
    }
    return {k: v for k, v in person.items() if v is not None}


def _role(row: Row) -> str:
    spellings = {**{r: r for r in ROLES}, **ROLE_ALIASES}
    role = _choice(row, "role", spellings, "a role")
    if role is None:
        raise FieldError(row.name("role"), "empty", "one of " + ", ".join(spellings))
    return role


def _involved(row: Row, warnings: list[Warning_]) -> Involved:
    """The row's person, role, DASH and relationship; every row is checked alike, whatever its role.

    Every bad cell is raised at once (RowErrors), so that the sender fixes the row in one pass."""
    problems = Problems()
    role = problems.read(_role, row)
    person = problems.read(_person, row)
    dash = problems.read(read_form, row, role or "", warnings)
    problems.raise_any()
    assert role is not None and person is not None
    if role == "child present":
        person["role_hint"] = "child"
    return Involved(row.line_no, row.raw, person, role, relationship_term(row, warnings), dash)


def _kind(row: Row) -> str:
    kind = _choice(row, "occurrence_type", OCCURRENCE_KINDS, "an occurrence type alarmbell knows")
    if kind is None:
        raise FieldError(row.name("occurrence_type"), "empty", "one of " + ", ".join(OCCURRENCE_KINDS))
    return kind


def _incident(row: Row) -> Incident:
    """The row's occurrence cells; every bad one is raised at once (RowErrors)."""
    problems = Problems()
    kind = problems.read(_kind, row)
    occurred = problems.read(row.moment, "occurrence_date", "occurrence_time")
    for key in ("alcohol", "drugs"):
        problems.read(row.yes_no, key)
    ref = problems.read(row.required, "occurrence_ref", "the occurrence reference")
    recorded = problems.read(row.moment, "recorded_date", required=False)
    problems.raise_any()
    assert kind is not None and occurred is not None and ref is not None
    return Incident(
        ref=ref,
        line_no=row.line_no,
        cells=tuple(row.cells.get(k, "").strip() for k in INCIDENT_COLUMNS),
        kind=kind,
        occurred_at=occurred,
        recorded_at=recorded,
        row=row,
    )


def _conflict(row: Row, incident: Incident, first: Incident) -> FieldError | None:
    for key, mine, theirs in zip(INCIDENT_COLUMNS, incident.cells, first.cells, strict=True):
        if mine != theirs:
            return FieldError(
                row.name(key),
                f"{mine!r} differs from {theirs!r} on line {first.line_no} for occurrence {first.ref}",
                "the same occurrence details on every row of one occurrence",
            )
    return None


class PoliceCsvAdapter:
    name = "police-csv"
    suffixes: tuple[str, ...] = (".police.csv",)

    def read(
        self, path: Path, *, agency: str | None, progress: SourceProgress | None = None
    ) -> Iterator[ParsedLine]:
        sink = RecordSink(agency)
        incidents: dict[str, Incident] = {}
        rejected_refs: dict[str, list[tuple[int, str]]] = defaultdict(list)
        warnings: list[Warning_] = []
        for row in read_rows(path, progress=progress, template=self.name):
            yield from row.notices
            row_warnings: list[Warning_] = []
            problem = _row_problem(row, incidents, row_warnings)
            if problem is None:
                warnings += row_warnings
                continue
            yield rejected(row.line_no, problem, row.raw)
            if ref := row.cells.get("occurrence_ref", "").strip():
                rejected_refs[ref].append((row.line_no, row.cells.get("nominal_ref", "").strip()))
        for ref, lines in rejected_refs.items():
            if ref in incidents:
                incidents[ref].rejected_lines = _missing_people(incidents[ref], lines)
        yield from warnings
        yield from _people(incidents.values(), sink)
        yield from _events(incidents.values(), sink)
        yield from _ties(incidents.values(), sink)


def _row_problem(row: Row, incidents: dict[str, Incident], warnings: list[Warning_]) -> FieldError | None:
    """Every problem of the row (RowErrors when several), or None once it is added to its occurrence.

    Bad cells found as the file was read are reported with the format's own problems with the
    row's other cells (a bad Sex and a bad DASH answer both), never only the first."""
    problem = row.problem or missing_columns(row, REQUIRED)
    if problem is None:
        return _collect(row, incidents, warnings)
    if not isinstance(problem, RowErrors) or missing_columns(row, REQUIRED) is not None:
        return problem
    return with_format_problems(problem, row, lambda blanked: _checked(blanked, incidents, []))


def _collect(row: Row, incidents: dict[str, Incident], warnings: list[Warning_]) -> FieldError | None:
    """Add one row to its occurrence; its problems come back so the row alone is rejected."""
    try:
        incident, involved = _checked(row, incidents, warnings)
    except FieldError as error:
        return error
    incidents.setdefault(incident.ref, incident).people.append(involved)
    return None


def _checked(row: Row, incidents: dict[str, Incident], warnings: list[Warning_]) -> tuple[Incident, Involved]:
    """The row read, and held against its occurrence's first row; every problem raised at once."""
    problems = Problems()
    incident = problems.read(_incident, row)
    involved = problems.read(_involved, row, warnings)
    first = incidents.get(incident.ref) if incident is not None else None
    if incident is not None and first is not None and (clash := _conflict(row, incident, first)):
        problems.errors.append(clash)
    problems.raise_any()
    assert incident is not None and involved is not None
    return incident, involved


def _missing_people(incident: Incident, rejected_rows: list[tuple[int, str]]) -> list[int]:
    """Lines of rejected rows whose person no good row of the occurrence names (a repeated row is not)."""
    present = set(_ids(incident, tuple(ROLES)))
    return [line for line, nominal in rejected_rows if not nominal or f"nominal:{nominal}" not in present]


def _people(incidents: Iterable[Incident], sink: RecordSink) -> Iterator[ParsedLine]:
    """One record per nominal: the latest occurrence's row, gaps filled from earlier ones, and
    the name most of the rows give (the latest's among equals).

    A person's address may change between occurrences; sending each row's version would make
    the record flip between them every time the same file is loaded. A name misspelt at the
    latest occurrence would rename the person on every page: the rows' agreed name is kept.
    """
    rows: dict[str, list[tuple[str, int, Involved]]] = defaultdict(list)
    for incident in incidents:
        for involved in incident.people:
            rows[involved.person["source_id"]].append((incident.occurred_at, involved.line_no, involved))
    for seen in rows.values():
        seen.sort(key=lambda item: (item[0], item[1]))
        person: Record = {}
        for _, _, involved in seen:
            person.update(involved.person)
        name = agreed([(i.person["given_name"], i.person["family_name"]) for _, _, i in seen])
        assert name is not None
        person["given_name"], person["family_name"] = name
        latest = seen[-1][2]
        yield from sink.unit([(latest.line_no, person)], line_no=latest.line_no, raw=latest.raw)


def _events(incidents: Iterable[Incident], sink: RecordSink) -> Iterator[ParsedLine]:
    incidents = list(incidents)
    escalations = escalation_counts(incidents)
    for incident in incidents:
        raw = b"".join(p.raw for p in incident.people)
        if incident.rejected_lines:
            yield _withheld(incident, raw)
            continue
        warnings: list[Warning_] = []
        record = event_record(incident, escalations.get(incident.ref, 0), warnings)
        yield from warnings
        yield from sink.unit([(incident.line_no, record)], line_no=incident.line_no, raw=raw)


def _withheld(incident: Incident, raw: bytes) -> RejectedLine:
    """An occurrence missing a rejected row is not recorded: its event would have the wrong people."""
    lines = incident.rejected_lines
    if len(lines) == 1:
        which, them = f"its row on line {lines[0]} was", "it"
    else:
        which, them = "its rows on lines " + ", ".join(map(str, lines)) + " were", "them"
    return RejectedLine(
        incident.line_no,
        incident.row.name("occurrence_ref"),
        f"occurrence {incident.ref} not recorded: {which} rejected, and an incident without "
        f"{them} would leave people out or misplace them (expected every row of the occurrence "
        "valid; fix the rejected rows and send the occurrence again)",
        raw=raw,
    )


def _ties(incidents: Iterable[Incident], sink: RecordSink) -> Iterator[ParsedLine]:
    """Ties from every occurrence's good rows, one per pair (police_ties.settle)."""
    found: list[Tie] = []
    column = ""
    for incident in incidents:
        found += occurrence_ties([_party(p, incident.occurred_at) for p in incident.people])
        column = relationship_column(incident.row)
    warnings: list[Warning_] = []
    settled = settle(found, warnings, column=column)
    yield from warnings
    for tie in settled:
        yield from sink.unit([(tie.line_no, _relationship(tie))], line_no=tie.line_no, raw=b"")


def _party(involved: Involved, occurred_at: str) -> Party:
    person = involved.person
    return Party(
        source_id=person["source_id"],
        role=involved.role,
        sex=person.get("sex"),
        term=involved.term,
        child=is_child(involved.role, person.get("dob"), occurred_at),
        line_no=involved.line_no,
    )


def _ids(incident: Incident, roles: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(p.person["source_id"] for p in incident.people if p.role in roles))


def escalation_counts(incidents: Iterable[Incident]) -> dict[str, int]:
    """Occurrence ref -> most domestic incidents any of its victims had in the 12 months to it."""
    by_victim: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for incident in incidents:
        if incident.kind in DOMESTIC_KINDS:
            for victim in _ids(incident, ("victim",)):
                by_victim[victim].append((incident.occurred_at, incident.ref))
    counts: dict[str, int] = {}
    for dated in by_victim.values():
        moments = sorted((when(at), ref) for at, ref in dated)
        for moment, ref in moments:
            within = sum(1 for other, _ in moments if moment - ESCALATION_WINDOW < other <= moment)
            counts[ref] = max(counts.get(ref, 0), within)
    return counts


def _domestic_attrs(incident: Incident, attrs: Record, incidents_12m: int) -> None:
    attrs["children_present"] = bool(_ids(incident, ("child present",)))
    attrs["incidents_12m"] = incidents_12m
    attrs["escalation"] = incidents_12m >= ESCALATION_COUNT
    criteria = [c for c, hit in (("high_risk", attrs.get("dash_risk") == "high"),
                                 ("escalation", attrs["escalation"])) if hit]  # fmt: skip
    if criteria:
        attrs["marac_criteria"] = criteria


def _offence_attrs(row: Row, attrs: Record) -> None:
    if (offence := row.text("offence")) is not None:
        attrs["offence"] = offence.lower()
        attrs["offence_name"] = offence
    for key in ("offence_code", "location_postcode"):
        if (value := row.text(key)) is not None:
            attrs[key] = value
    for key in ("alcohol", "drugs"):
        if (flag := row.yes_no(key)) is not None:
            attrs[key] = flag


def event_record(incident: Incident, incidents_12m: int, warnings: list[Warning_]) -> Record:
    domestic = incident.kind in DOMESTIC_KINDS
    form = choose_form([p.dash for p in incident.people if p.dash is not None], warnings)
    attrs: Record = dash_attrs(form, domestic=domestic, warnings=warnings)
    subjects = _ids(incident, tuple(r for r, part in ROLES.items() if part == "subject"))
    others = _ids(incident, tuple(r for r, part in ROLES.items() if part == "other"))
    subjects = subjects or others[:1]  # an arrest or intelligence about one offender
    victims, suspects = _ids(incident, ("victim",)), _ids(incident, ("suspect", "offender"))
    if victims:
        attrs["victim"] = victims[0]
    if suspects and suspects[0] not in subjects:
        attrs["perpetrator"] = suspects[0]
    if domestic:
        _domestic_attrs(incident, attrs, incidents_12m)
    _offence_attrs(incident.row, attrs)
    event: Record = {
        "type": "event",
        "agency": AGENCY,
        "source_id": f"occurrence:{incident.ref}",
        "kind": incident.kind,
        "occurred_at": incident.occurred_at,
        "subjects": subjects,
        "others": [o for o in others if o not in subjects],
        "attrs": attrs,
    }
    if incident.recorded_at:
        event["recorded_at"] = incident.recorded_at
    for key, column in (("text", "summary"), ("author", "officer")):
        if (value := incident.row.text(column)) is not None:
            event[key] = value
    return event


def _relationship(tie: Tie) -> Record:
    """Keyed by the two people, not the occurrence: the same tie seen at three incidents is one record."""
    return {
        "type": "relationship",
        "agency": AGENCY,
        "source_id": f"relationship:{tie.source}:{tie.target}",
        "from": tie.source,
        "to": tie.target,
        "kind": tie.kind,
    }
