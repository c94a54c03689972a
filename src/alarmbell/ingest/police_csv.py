"""`police-csv`: an incident extract with DASH answers, one row per person involved in an occurrence.

Police record systems export occurrences joined to their nominals, so an occurrence with a
victim, a suspect and two children present is four rows repeating the occurrence's own cells.
The DASH answers (Q1..Q27) sit on the victim's row, since the victim answers them. The file
is read whole (incident extracts are small next to memory) because an occurrence's event can
be built only when all its rows are in, and escalation needs every incident of a victim.

DASH grading follows domain-facts.md: score = number of yes answers; 14 or more is high.
The medium line (10 or more) is common force practice, not a national rule (check locally).
An officer's grade may raise the computed grade, never lower it. Escalation is flagged when
the victim has 3 or more domestic incidents within 12 months in this file; the store-wide
version of that test is the policy indicator `repeat_domestic_abuse`.
See docs/formats/police-csv.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Final

from alarmbell.ingest.base import FieldError, ParsedLine, SourceProgress, Warning_
from alarmbell.ingest.convert import Record, RecordSink, rejected
from alarmbell.ingest.tabular import Row, missing_columns, read_rows, sex, when

AGENCY = "police"
DASH_QUESTIONS: Final[tuple[str, ...]] = tuple(f"q{n}" for n in range(1, 28))
HIGH_AT: Final[int] = 14
MEDIUM_AT: Final[int] = 10  # (check) force practice, not in the national DASH guidance
GRADES: Final[tuple[str, ...]] = ("standard", "medium", "high")
ESCALATION_COUNT: Final[int] = 3
ESCALATION_WINDOW: Final[timedelta] = timedelta(days=365)

OCCURRENCE_KINDS: Final[dict[str, str]] = {
    "domestic incident": "domestic_incident",
    "domestic abuse": "domestic_incident",
    "domestic crime": "domestic_incident",
    "assault": "assault_report",
    "crime": "crime_report",
    "arrest": "arrest",
    "child concern": "child_welfare_concern",
    "child welfare concern": "child_welfare_concern",
    "missing person": "missing_person",
    "intelligence": "intelligence",
    "police protection": "police_protection",
}
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
}
#: A child present, by relationship to the victim -> what the victim is to the child.
CHILD_OF_VICTIM: Final[dict[str, str]] = {
    "son": "parent",
    "daughter": "parent",
    "child": "parent",
    "stepson": "step_parent",
    "stepdaughter": "step_parent",
    "stepchild": "step_parent",
    "grandson": "grandparent",
    "granddaughter": "grandparent",
    "grandchild": "grandparent",
    "brother": "sibling",
    "sister": "sibling",
    "sibling": "sibling",
    "other": "other",
    "none": "other",
}
#: An adult (suspect, witness), by relationship to the victim.
ADULT_TO_VICTIM: Final[dict[str, str]] = {
    **{k: "partner" for k in ("partner", "spouse", "husband", "wife", "boyfriend", "girlfriend")},
    **{k: "ex_partner" for k in ("ex-partner", "ex-spouse", "ex-husband", "ex-wife", "ex-boyfriend")},
    "ex-girlfriend": "ex_partner",
    **{k: "family" for k in ("son", "daughter", "mother", "father", "parent", "sibling", "other family")},
    "friend": "other",
    "acquaintance": "other",
    "stranger": "other",
    "other": "other",
    "none": "other",
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
    "dash_officer_grade",
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


@dataclass(frozen=True)
class Dash:
    score: int
    answered: int
    officer_grade: str | None


@dataclass
class Involved:
    line_no: int
    raw: bytes
    person: Record
    role: str
    relationship: str | None
    dash: Dash | None


@dataclass
class Incident:
    ref: str
    line_no: int
    cells: tuple[str, ...]
    kind: str
    occurred_at: str
    recorded_at: str | None
    people: list[Involved] = field(default_factory=list)


def _choice(row: Row, key: str, table: dict[str, str], what: str) -> str | None:
    value = row.text(key)
    if value is None:
        return None
    found = table.get(" ".join(value.lower().split()))
    if found is None:
        raise FieldError(row.name(key), f"{value!r} is not {what}", "one of " + ", ".join(table))
    return found


def _dash(row: Row) -> Dash | None:
    answers = [row.yes_no(q) for q in DASH_QUESTIONS if q in row.names]
    given = [a for a in answers if a is not None]
    grade = _choice(row, "dash_officer_grade", {g: g for g in GRADES}, "a DASH grade")
    if not given and grade is None:
        return None
    return Dash(score=sum(given), answered=len(given), officer_grade=grade)


def computed_grade(score: int) -> str:
    if score >= HIGH_AT:
        return "high"
    return "medium" if score >= MEDIUM_AT else "standard"


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


def _involved(row: Row) -> Involved:
    role = _choice(row, "role", {r: r for r in ROLES}, "a role")
    if role is None:
        raise FieldError(row.name("role"), "empty", "one of " + ", ".join(ROLES))
    table = CHILD_OF_VICTIM if role == "child present" else ADULT_TO_VICTIM
    relationship = _choice(row, "relationship_to_victim", table, "a relationship alarmbell knows")
    person = _person(row)
    if role == "child present":
        person["role_hint"] = "child"
    return Involved(
        row.line_no, row.raw, person, role, relationship, _dash(row) if role == "victim" else None
    )


def _incident(row: Row) -> Incident:
    kind = _choice(row, "occurrence_type", OCCURRENCE_KINDS, "an occurrence type alarmbell knows")
    if kind is None:
        raise FieldError(row.name("occurrence_type"), "empty", "one of " + ", ".join(OCCURRENCE_KINDS))
    occurred = row.moment("occurrence_date", "occurrence_time")
    assert occurred is not None
    for key in ("alcohol", "drugs"):
        row.yes_no(key)
    return Incident(
        ref=row.required("occurrence_ref", "the occurrence reference"),
        line_no=row.line_no,
        cells=tuple(row.cells.get(k, "").strip() for k in INCIDENT_COLUMNS),
        kind=kind,
        occurred_at=occurred,
        recorded_at=row.date("recorded_date"),
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
        rows: dict[str, Row] = {}
        for row in read_rows(path, progress=progress, template=self.name):
            yield from row.notices
            problem = row.problem or missing_columns(row, REQUIRED) or self._collect(row, incidents, rows)
            if problem is not None:
                yield rejected(row.line_no, problem, row.raw)
        escalations = escalation_counts(incidents.values())
        for incident in incidents.values():
            yield from self._emit(incident, rows[incident.ref], sink, escalations)

    def _collect(
        self, row: Row, incidents: dict[str, Incident], first_rows: dict[str, Row]
    ) -> FieldError | None:
        """Add one row to its occurrence; a problem comes back so the row alone is rejected."""
        try:
            incident = _incident(row)
            involved = _involved(row)
        except FieldError as error:
            return error
        first = incidents.get(incident.ref)
        if first is None:
            incidents[incident.ref] = first = incident
            first_rows[incident.ref] = row
        elif (clash := _conflict(row, incident, first)) is not None:
            return clash
        first.people.append(involved)
        return None

    def _emit(
        self, incident: Incident, row: Row, sink: RecordSink, escalations: dict[str, int]
    ) -> Iterator[ParsedLine]:
        for person in incident.people:
            yield from sink.unit([(person.line_no, person.person)], line_no=person.line_no, raw=person.raw)
        warnings: list[Warning_] = []
        records = [event_record(incident, row, escalations.get(incident.ref, 0), warnings)]
        records += relationship_records(incident)
        yield from warnings
        raw = b"".join(p.raw for p in incident.people)
        yield from sink.unit([(incident.line_no, r) for r in records], line_no=incident.line_no, raw=raw)


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


def _dash_attrs(incident: Incident, warnings: list[Warning_]) -> Record:
    victims = [p for p in incident.people if p.role == "victim" and p.dash is not None]
    if not victims:
        return {"dash_risk": "unknown"} if incident.kind in DOMESTIC_KINDS else {}
    victim = max(victims, key=lambda p: p.dash.score if p.dash else 0)
    dash = victim.dash
    assert dash is not None
    computed = computed_grade(dash.score)
    grade = computed
    if dash.officer_grade is not None:
        if GRADES.index(dash.officer_grade) < GRADES.index(computed):
            warnings.append(
                Warning_(
                    victim.line_no,
                    "DASH Officer Grade",
                    f"{dash.officer_grade} is below the {computed} the answers give "
                    f"({dash.score} yes); judgement can raise a grade, never lower it: {computed} kept",
                )
            )
        else:
            grade = dash.officer_grade
    return {
        "dash_risk": grade if dash.answered or dash.officer_grade else "unknown",
        "dash_score": dash.score,
        "dash_answered": dash.answered,
        "dash_computed_grade": computed,
        **({"dash_officer_grade": dash.officer_grade} if dash.officer_grade else {}),
    }


def event_record(incident: Incident, row: Row, incidents_12m: int, warnings: list[Warning_]) -> Record:
    attrs: Record = _dash_attrs(incident, warnings)
    victims, suspects = _ids(incident, ("victim",)), _ids(incident, ("suspect", "offender"))
    children = _ids(incident, ("child present",))
    if victims:
        attrs["victim"] = victims[0]
    if suspects:
        attrs["perpetrator"] = suspects[0]
    if incident.kind in DOMESTIC_KINDS:
        attrs["children_present"] = bool(children)
        attrs["incidents_12m"] = incidents_12m
        attrs["escalation"] = incidents_12m >= ESCALATION_COUNT
        criteria = [c for c, hit in (("high_risk", attrs.get("dash_risk") == "high"),
                                     ("escalation", attrs["escalation"])) if hit]  # fmt: skip
        if criteria:
            attrs["marac_criteria"] = criteria
    if (offence := row.text("offence")) is not None:
        attrs["offence"] = offence.lower()
        attrs["offence_name"] = offence
    for key in ("offence_code", "location_postcode"):
        if (value := row.text(key)) is not None:
            attrs[key] = value
    for key in ("alcohol", "drugs"):
        if (flag := row.yes_no(key)) is not None:
            attrs[key] = flag
    subjects = _ids(incident, tuple(r for r, part in ROLES.items() if part == "subject"))
    others = [p for p in _ids(incident, tuple(r for r, part in ROLES.items() if part == "other"))]
    event: Record = {
        "type": "event",
        "agency": AGENCY,
        "source_id": f"occurrence:{incident.ref}",
        "kind": incident.kind,
        "occurred_at": incident.occurred_at,
        "subjects": subjects or others[:1],
        "others": [o for o in others if o not in subjects],
        "attrs": attrs,
    }
    if incident.recorded_at:
        event["recorded_at"] = incident.recorded_at
    for key, column in (("text", "summary"), ("author", "officer")):
        if (value := row.text(column)) is not None:
            event[key] = value
    return event


def relationship_records(incident: Incident) -> list[Record]:
    """What the victim is to each child present, and the victim's partner to those children."""
    victims = [p for p in incident.people if p.role == "victim"]
    if not victims:
        return []
    victim = victims[0]
    records: list[Record] = []
    for child in (p for p in incident.people if p.role == "child present" and p.relationship):
        kind = _victim_to_child(victim, child.relationship or "other")
        records.append(_relationship(victim, child, kind))
        if kind in ("mother", "father"):
            for adult in incident.people:
                if adult.role in ("suspect", "offender", "witness") and adult.relationship in (
                    "partner",
                    "ex_partner",
                ):
                    partner = f"{kind}_partner" if adult.relationship == "partner" else "other"
                    records.append(_relationship(adult, child, partner))
    return records


def _victim_to_child(victim: Involved, relation: str) -> str:
    if relation != "parent":
        return relation
    return {"F": "mother", "M": "father"}.get(victim.person.get("sex", ""), "carer")


def _relationship(adult: Involved, child: Involved, kind: str) -> Record:
    """Keyed by the two people, not the occurrence: the same tie seen at three incidents is one record."""
    source, target = adult.person["source_id"], child.person["source_id"]
    return {
        "type": "relationship",
        "agency": AGENCY,
        "source_id": f"relationship:{source}:{target}",
        "from": source,
        "to": target,
        "kind": kind,
    }
