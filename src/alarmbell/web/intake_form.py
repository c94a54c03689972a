"""The record-a-concern form as data: its choices, the body map, and form fields -> exchange records.

Kept apart from the routes (intake_views.py) so it can be tested without HTTP. The form builds
the same exchange-format records an agency file would hold; the ingest service validates them,
so the form and the API give the same errors as `alarmbell ingest`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy.orm import Session

from alarmbell.domain.body_sites import BODY_SITES
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS
from alarmbell.identity.people import record_rows
from alarmbell.presentation.formatting import agency_label, kind_label

CATEGORIES: Final[tuple[str, ...]] = (
    "hunger",
    "injury",
    "appearance",
    "behaviour",
    "disclosure",
    "attendance",
    "emotional",
    "other",
)
INJURIES: Final[tuple[str, ...]] = (
    "bruise",
    "fracture",
    "burn",
    "head_injury",
    "bite",
    "laceration",
    "other",
)
SEXES: Final[dict[str, str]] = {"F": "Female", "M": "Male", "U": "Not known"}
INJURY_KINDS: Final[frozenset[str]] = frozenset({"injury_presentation", "injury_observed", "ed_attendance"})

#: (site, shape, attributes) per view. Front view: the child's left is on the viewer's right.
FRONT_SHAPES: Final[tuple[tuple[str, str, dict[str, int]], ...]] = (
    ("head", "ellipse", {"cx": 100, "cy": 28, "rx": 24, "ry": 16}),
    ("face", "ellipse", {"cx": 100, "cy": 52, "rx": 20, "ry": 15}),
    ("right_ear", "ellipse", {"cx": 74, "cy": 48, "rx": 6, "ry": 10}),
    ("left_ear", "ellipse", {"cx": 126, "cy": 48, "rx": 6, "ry": 10}),
    ("neck", "rect", {"x": 90, "y": 67, "width": 20, "height": 13}),
    ("chest", "rect", {"x": 68, "y": 80, "width": 64, "height": 50, "rx": 8}),
    ("abdomen", "rect", {"x": 70, "y": 130, "width": 60, "height": 45}),
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
    ("right_foot", "ellipse", {"cx": 82, "cy": 380, "rx": 14, "ry": 9}),
    ("left_foot", "ellipse", {"cx": 118, "cy": 380, "rx": 14, "ry": 9}),
)
#: Back view: the child's left is on the viewer's left.
BACK_SHAPES: Final[tuple[tuple[str, str, dict[str, int]], ...]] = (
    ("back_of_head", "ellipse", {"cx": 100, "cy": 40, "rx": 25, "ry": 28}),
    ("back_of_neck", "rect", {"x": 90, "y": 67, "width": 20, "height": 13}),
    ("upper_back", "rect", {"x": 68, "y": 80, "width": 64, "height": 55, "rx": 8}),
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


def choices() -> dict[str, Any]:
    """Every select list on the form, labelled as pages label them elsewhere."""
    kinds: dict[str, list[tuple[str, str]]] = {}
    for kind, usual in EVENT_KINDS.items():
        group = "Any agency" if usual == "any" else agency_label(usual)
        kinds.setdefault(group, []).append((kind, kind_label(kind)))
    return {
        "agencies": [(a, agency_label(a)) for a in AGENCIES],
        "kinds": kinds,
        "categories": [(c, c.capitalize()) for c in CATEGORIES],
        "injuries": [(i, i.replace("_", " ").capitalize()) for i in INJURIES],
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


def concern_event(
    form: dict[str, str], agency: str, key: str, person: str, occurred: str, *, author: str
) -> dict[str, Any]:
    """The concern as an exchange-format event; `author` is the signed-in user, never the form's."""
    kind = text(form, "kind")
    site = text(form, "body_site") or text(form, "body_site_select")
    attrs = {
        "category": text(form, "category") or None,
        "injury": text(form, "injury") or None,
        "site": site or None,
        "channel": "web_form",
    }
    if site and kind in INJURY_KINDS and not attrs["injury"]:
        attrs["injury"] = "other"
    event: dict[str, Any] = {
        "type": "event",
        "agency": agency,
        "source_id": key,
        "kind": kind,
        "occurred_at": occurred,
        "subjects": [person],
        "attrs": {k: v for k, v in attrs.items() if v is not None},
        "text": text(form, "text") or None,
        "author": author,
    }
    return {k: v for k, v in event.items() if v is not None}


def check_choices(form: dict[str, str], errors: FormErrors) -> None:
    """Choices the form offers, checked here so the message names the form's own field."""
    if text(form, "agency") not in AGENCIES:
        errors.add("agency", "Select the agency you are recording for")
    if text(form, "kind") not in EVENT_KINDS:
        errors.add("kind", "Select what kind of concern this is")
    site = text(form, "body_site") or text(form, "body_site_select")
    if site and site not in BODY_SITES:
        errors.add("body_site_select", "Select a part of the body from the list")
    if not text(form, "person"):
        errors.add("person", "Select the child, or choose to add a new child")
