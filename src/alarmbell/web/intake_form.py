"""The record-a-concern form as data: its choices, the body map, and form fields -> exchange records.

Kept apart from the routes (pages/record_concern.py) so it can be tested without HTTP. The form builds
the same exchange-format records an agency file would hold; the ingest service validates them,
so the form and the API give the same errors as `alarmbell ingest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from alarmbell.domain.body_sites import BODY_SITES
from alarmbell.domain.codes import canonical_code
from alarmbell.domain.concern_categories import CONCERN_CATEGORIES, category_display
from alarmbell.domain.injuries import INJURY_TYPES, injury_attrs
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS
from alarmbell.identity import record_rows
from alarmbell.presentation import agency_label
from alarmbell.storage.tables import EventRecordRow
from alarmbell.web.concern_choices import form_kind_label, kinds_for, usual_for

SEXES: Final[dict[str, str]] = {"F": "Female", "M": "Male", "U": "Not known"}
INJURY_KINDS: Final[frozenset[str]] = frozenset({"injury_presentation", "injury_observed", "ed_attendance"})

#: At most this many body-map points on one concern.
MAX_INJURIES: Final[int] = 20
#: The form shows the map at 1.25 CSS px per unit (body-map.css), so every region is at least
#: 20 units (25 px) each way: WCAG 2.2 target size, at least 24 by 24 CSS px.
MIN_REGION_UNITS: Final[int] = 20

#: (site, shape, attributes) per view. Front view: the child's left is on the viewer's right.
FRONT_SHAPES: Final[tuple[tuple[str, str, dict[str, int]], ...]] = (
    ("head", "ellipse", {"cx": 100, "cy": 26, "rx": 24, "ry": 16}),
    ("face", "ellipse", {"cx": 100, "cy": 52, "rx": 20, "ry": 14}),
    ("right_ear", "ellipse", {"cx": 70, "cy": 48, "rx": 10, "ry": 12}),
    ("left_ear", "ellipse", {"cx": 130, "cy": 48, "rx": 10, "ry": 12}),
    ("neck", "rect", {"x": 88, "y": 66, "width": 24, "height": 20}),
    ("chest", "rect", {"x": 68, "y": 86, "width": 64, "height": 46, "rx": 8}),
    ("abdomen", "rect", {"x": 70, "y": 132, "width": 60, "height": 43}),
    ("genitals", "rect", {"x": 84, "y": 175, "width": 32, "height": 22}),
    ("right_upper_arm", "rect", {"x": 45, "y": 82, "width": 21, "height": 60, "rx": 8}),
    ("left_upper_arm", "rect", {"x": 134, "y": 82, "width": 21, "height": 60, "rx": 8}),
    ("right_forearm", "rect", {"x": 39, "y": 144, "width": 21, "height": 56, "rx": 8}),
    ("left_forearm", "rect", {"x": 140, "y": 144, "width": 21, "height": 56, "rx": 8}),
    ("right_hand", "ellipse", {"cx": 48, "cy": 213, "rx": 11, "ry": 13}),
    ("left_hand", "ellipse", {"cx": 152, "cy": 213, "rx": 11, "ry": 13}),
    ("right_thigh", "rect", {"x": 72, "y": 198, "width": 26, "height": 80, "rx": 10}),
    ("left_thigh", "rect", {"x": 102, "y": 198, "width": 26, "height": 80, "rx": 10}),
    ("right_lower_leg", "rect", {"x": 74, "y": 280, "width": 22, "height": 88, "rx": 9}),
    ("left_lower_leg", "rect", {"x": 104, "y": 280, "width": 22, "height": 88, "rx": 9}),
    ("right_foot", "ellipse", {"cx": 82, "cy": 381, "rx": 14, "ry": 11}),
    ("left_foot", "ellipse", {"cx": 118, "cy": 381, "rx": 14, "ry": 11}),
)
#: Back view: the child's left is on the viewer's left.
BACK_SHAPES: Final[tuple[tuple[str, str, dict[str, int]], ...]] = (
    ("back_of_head", "ellipse", {"cx": 100, "cy": 38, "rx": 25, "ry": 28}),
    ("back_of_neck", "rect", {"x": 88, "y": 66, "width": 24, "height": 20}),
    ("upper_back", "rect", {"x": 68, "y": 86, "width": 64, "height": 49, "rx": 8}),
    ("lower_back", "rect", {"x": 70, "y": 135, "width": 60, "height": 40}),
    ("buttocks", "rect", {"x": 72, "y": 175, "width": 56, "height": 30, "rx": 8}),
    ("back_of_left_arm", "rect", {"x": 42, "y": 82, "width": 23, "height": 130, "rx": 9}),
    ("back_of_right_arm", "rect", {"x": 135, "y": 82, "width": 23, "height": 130, "rx": 9}),
    ("back_of_left_leg", "rect", {"x": 72, "y": 207, "width": 26, "height": 175, "rx": 10}),
    ("back_of_right_leg", "rect", {"x": 102, "y": 207, "width": 26, "height": 175, "rx": 10}),
)


@dataclass(frozen=True)
class Region:
    site: str
    label: str
    shape: str
    attrs: dict[str, int]


def body_map() -> dict[str, list[Region]]:
    """The regions of each view, for the template's SVG."""
    views = {"front": FRONT_SHAPES, "back": BACK_SHAPES}
    return {
        view: [Region(site, BODY_SITES[site][0], shape, attrs) for site, shape, attrs in shapes]
        for view, shapes in views.items()
    }


def choices(agency: str | None) -> dict[str, Any]:
    """Every select list on the form; `agency` None (a MASH analyst) offers every agency's kinds."""
    return {
        "agencies": [(a, agency_label(a)) for a in AGENCIES],
        "kinds": kinds_for(agency),
        # Keeping Children Safe in Education's categories, as school logs use them
        # (domain/concern_categories.py): the form offers what a bulk log may carry.
        "categories": [(c, category_display(c)) for c in CONCERN_CATEGORIES],
        "injury_types": list(INJURY_TYPES.items()),
        "sexes": list(SEXES.items()),
        "sites": [(site, label) for site, (label, _) in BODY_SITES.items()],
        "body_map": body_map(),
    }


@dataclass
class FormErrors:
    """GOV.UK error summary entries: (field id, message), in page order."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_id: str, message: str) -> None:
        self.items.append((field_id, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def for_field(self, field_id: str) -> str | None:
        return next((m for f, m in self.items if f == field_id), None)


def text(form: dict[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def date_from_parts(form: dict[str, str], prefix: str, label: str, errors: FormErrors) -> str | None:
    """GOV.UK date input (day, month, year) -> YYYY-MM-DD, or an error in GOV.UK wording."""
    parts = [text(form, f"{prefix}-{p}") for p in ("day", "month", "year")]
    if not any(parts):
        return None
    if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        errors.add(f"{prefix}-day", f"{label} must be a real date, for example 27 3 2024")
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0])).isoformat()
    except ValueError:
        errors.add(f"{prefix}-day", f"{label} must be a real date")
        return None


def new_person(form: dict[str, str], agency: str, key: str, errors: FormErrors) -> dict[str, Any] | None:
    given, family = text(form, "given_name"), text(form, "family_name")
    if not given:
        errors.add("given_name", "Enter the child's first name")
    if not family:
        errors.add("family_name", "Enter the child's last name")
    dob = date_from_parts(form, "dob", "Date of birth", errors)
    person: dict[str, Any] = {
        "type": "person",
        "agency": agency,
        "source_id": key,
        "given_name": given,
        "family_name": family,
        "dob": dob,
        "sex": text(form, "sex") or None,
        "postcode": text(form, "postcode") or None,
        "nhs_number": text(form, "nhs_number").replace(" ", "") or None,
        "upn": text(form, "upn").upper() or None,
        "role_hint": "child",
    }
    return {k: v for k, v in person.items() if v is not None}


def existing_person(
    session: Session, person_id: int, agency: str
) -> tuple[str, dict[str, Any] | None] | None:
    """The chosen person's record of this agency, or a new one carrying their identifiers.

    The new record copies the names, date of birth, NHS number and UPN the store already
    holds, so identity links it to the chosen person by the same exact rules as any file.
    """
    rows = record_rows(session, person_id)
    if not rows:
        return None
    same = [r for r in rows if r.agency == agency]
    if same:
        return same[0].source_id, None
    named = next((r for r in rows if r.given_name and r.family_name), rows[0])
    record: dict[str, Any] = {
        "type": "person",
        "agency": agency,
        "source_id": f"web:person:{person_id}",
        "given_name": named.given_name,
        "family_name": named.family_name,
        "dob": next((r.dob for r in rows if r.dob), None),
        "sex": next((r.sex for r in rows if r.sex), None),
        "nhs_number": next((r.nhs_number for r in rows if r.nhs_number), None),
        "upn": next((r.upn for r in rows if r.upn), None),
    }
    if not (record["given_name"] and record["family_name"]):
        record["names_withheld"] = True
    return record["source_id"], {k: v for k, v in record.items() if v is not None}


_TIME: Final = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def time_of_day(form: dict[str, str], name: str, label: str, errors: FormErrors) -> str | None:
    """`14:30`, `9.05` -> `HH:MM` (24-hour clock), or None when left empty."""
    value = text(form, name)
    if not value:
        return None
    found = _TIME.match(value)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        errors.add(name, f"{label} must be a real time on the 24-hour clock, for example 14:30")
        return None
    return f"{int(found[1]):02d}:{found[2]}"


def occurred_at(day: str, time: str | None) -> str:
    """The date, or the date and time without an offset: wall-clock time in England, as
    `parse_moment` reads every agency's local times (stored in UTC, shown in London time)."""
    return f"{day}T{time}" if time else day


def injury_rows(form: dict[str, str]) -> int:
    """How many body-map rows the form shows: the last one filled in, and at least one."""
    filled = [
        n
        for n in range(1, MAX_INJURIES + 1)
        if text(form, f"injury-{n}-site") or text(form, f"injury-{n}-type")
    ]
    return max([1, *filled])


def body_points(form: dict[str, str], errors: FormErrors) -> list[tuple[str, str]]:
    """The (site, injury type) of each body-map row filled in; a half-filled row is an error."""
    points: list[tuple[str, str]] = []
    for n in range(1, injury_rows(form) + 1):
        site, injury = text(form, f"injury-{n}-site"), text(form, f"injury-{n}-type")
        if not site and not injury:
            continue
        if site not in BODY_SITES:
            errors.add(f"injury-{n}-site", f"Select where on the body injury {n} is")
        elif injury not in INJURY_TYPES:
            where = BODY_SITES[site][0].lower()
            errors.add(f"injury-{n}-type", f"Select what kind of injury is on the {where} (injury {n})")
        else:
            points.append((site, injury))
    return points


def concern_event(
    form: dict[str, str],
    agency: str,
    key: str,
    person: str,
    occurred: str,
    points: list[tuple[str, str]],
    *,
    author: str,
    recorded: str,
) -> dict[str, Any]:
    """The concern as an exchange-format event; `author` is the signed-in user, never the form's.

    `recorded` is when the concern reached alarmbell, kept apart from when it happened (before
    session 17 the form left it out, so ingest stored it equal to the occurred date and a
    concern about last month read as recorded last month)."""
    attrs: dict[str, Any] = {
        "category": text(form, "category") or None,
        **injury_attrs(points),
        "action_taken": text(form, "action_taken")[:2000] or None,
        "informed": text(form, "informed")[:2000] or None,
        "channel": "web_form",
    }
    event: dict[str, Any] = {
        "type": "event",
        "agency": agency,
        "source_id": key,
        "kind": text(form, "kind"),
        "occurred_at": occurred,
        "recorded_at": recorded,
        "subjects": [person],
        "attrs": {k: v for k, v in attrs.items() if v is not None},
        "text": text(form, "text") or None,
        "author": author,
    }
    return {k: v for k, v in event.items() if v is not None}


def first_recorded(session: Session, agency: str, source_id: str) -> str | None:
    """When this submission was first recorded, if it was: sending the same form again keeps
    that moment, so the record is unchanged and ingest stores nothing twice."""
    payload = session.scalar(
        select(EventRecordRow.payload).where(
            EventRecordRow.agency == agency, EventRecordRow.source_id == source_id
        )
    )
    recorded = (payload or {}).get("recorded_at")
    return str(recorded) if recorded else None


def fold_choices(form: dict[str, str]) -> None:
    """The form's coded choices as the vocabulary's own when posted in another case or spacing
    (`Education`, `School concern`, `f`: a form filled by another system), as intake reads them
    in a file; a value that does not fold is left for its field's own error."""
    for name, values in _coded_fields(form):
        canonical = canonical_code(text(form, name), values)
        if canonical is not None:
            form[name] = canonical


def _coded_fields(form: dict[str, str]) -> list[tuple[str, tuple[str, ...]]]:
    rows = range(1, injury_rows(form) + 1)
    return [
        ("agency", AGENCIES),
        ("kind", tuple(EVENT_KINDS)),
        ("sex", tuple(SEXES)),
        ("category", CONCERN_CATEGORIES),
        *((f"injury-{n}-site", tuple(BODY_SITES)) for n in rows),
        *((f"injury-{n}-type", tuple(INJURY_TYPES)) for n in rows),
    ]


def check_choices(form: dict[str, str], errors: FormErrors) -> None:
    """Choices the form offers, checked here so the message names the form's own field."""
    agency, kind = text(form, "agency"), text(form, "kind")
    if agency not in AGENCIES:
        unknown = f": {agency!r} is not one of {', '.join(AGENCIES)}" if agency else ""
        errors.add("agency", f"Select the agency you are recording for{unknown}")
    if kind not in EVENT_KINDS:
        errors.add("kind", "Select what kind of concern this is")
    elif agency in AGENCIES and not usual_for(kind, agency):
        errors.add(
            "kind",
            f"Select a kind of concern {agency_label(agency)} records: "
            f"\u2018{form_kind_label(kind)}\u2019 is not one of them",
        )
    if not text(form, "person"):
        errors.add("person", "Select the child, or choose to add a new child")
