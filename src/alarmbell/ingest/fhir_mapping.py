"""FHIR R4 resources (already structurally valid) -> exchange-format records, one resource at a time.

Pure functions over the resource JSON: the structural checks were done by `fhir.resources`;
these raise FieldError (with a FHIR path relative to the resource) only for what that package
cannot know: which patient an event is about, units, NHS numbers, dates we need.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from alarmbell.domain.body_sites import body_site
from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record

AGENCY = "health"
NHS_SYSTEM: Final[str] = "https://fhir.nhs.uk/Id/nhs-number"
LOINC: Final[str] = "http://loinc.org"
SNOMED: Final[str] = "http://snomed.info/sct"
WEIGHT, HEIGHT, LYING_HEIGHT = "29463-7", "8302-2", "8306-3"
SKIPPED_STATUSES: Final[frozenset[str]] = frozenset({"entered-in-error", "cancelled"})

#: Encounter.class codes (v3 ActCode) that decide the kind on their own.
CLASS_KINDS: Final[dict[str, str]] = {"EMER": "ed_attendance", "HH": "health_visitor_contact"}
#: Words in Encounter.type or serviceType -> kind, first match wins (GP last: "GP" is short).
SERVICE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("emergency", "ed_attendance"),
    ("a&e", "ed_attendance"),
    ("accident", "ed_attendance"),
    ("health visit", "health_visitor_contact"),
    ("school nurs", "school_nurse_contact"),
    ("paediatric", "paediatric_assessment"),
    ("pediatric", "paediatric_assessment"),
    ("camhs", "mental_health_contact"),
    ("mental health", "mental_health_contact"),
    ("maternity", "maternity"),
    ("midwi", "maternity"),
    ("antenatal", "maternity"),
    ("substance", "substance_misuse_contact"),
    ("drug", "substance_misuse_contact"),
    ("general practi", "gp_consultation"),
    ("gp", "gp_consultation"),
)
#: SNOMED CT codes for injuries -> the exchange format's injury values.
INJURY_CODES: Final[dict[str, str]] = {
    "125605004": "fracture",  # Fracture of bone
    "125667009": "bruise",  # Contusion
    "125666000": "burn",  # Burn
    "82271004": "head_injury",  # Injury of head
    "283682007": "bite",  # Bite - wound
    "312608009": "laceration",  # Laceration - injury
    "417746004": "other",  # Traumatic injury
}
INJURY_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("fracture", "fracture"),
    ("bruis", "bruise"),
    ("contusion", "bruise"),
    ("burn", "burn"),
    ("scald", "burn"),
    ("head injur", "head_injury"),
    ("bite", "bite"),
    ("laceration", "laceration"),
    ("injur", "other"),
    ("wound", "other"),
)


@dataclass
class Context:
    """Patients seen so far in the bundle, by every way an entry may refer to them."""

    patients: dict[str, str] = field(default_factory=dict)
    dobs: dict[str, str | None] = field(default_factory=dict)

    def add(self, source_id: str, dob: str | None, names: list[str]) -> None:
        for name in names:
            self.patients[name] = source_id
        self.dobs[source_id] = dob

    def resolve(self, reference: Any, where: str) -> str:
        """A Reference to a Patient of this bundle, or one given by NHS number."""
        if not isinstance(reference, dict):
            raise FieldError(where, "missing", "a reference to the Patient")
        ref = reference.get("reference")
        if isinstance(ref, str):
            key = ref if ref.startswith("urn:") else "Patient/" + ref.rsplit("Patient/", 1)[-1]
            if key in self.patients:
                return self.patients[key]
            raise FieldError(
                f"{where}.reference", f"{ref!r} names no Patient in this bundle", "a Patient entry"
            )
        ident = reference.get("identifier") or {}
        if ident.get("system") == NHS_SYSTEM and isinstance(ident.get("value"), str):
            return "nhs:" + str(ident["value"]).replace(" ", "")
        raise FieldError(where, "no reference or NHS number", "a reference to the Patient")


def _texts(concepts: Any) -> list[str]:
    """Every text and display of a CodeableConcept or a list of them, lower-cased, for matching."""
    items = concepts if isinstance(concepts, list) else [concepts] if concepts else []
    out: list[str] = []
    for concept in items:
        if isinstance(concept, dict):
            out += [concept["text"]] if concept.get("text") else []
            out += [c["display"] for c in concept.get("coding", []) if c.get("display")]
    return out


def _codes(concepts: Any) -> list[dict[str, str]]:
    items = concepts if isinstance(concepts, list) else [concepts] if concepts else []
    return [
        {k: c[k] for k in ("system", "code", "display") if c.get(k)}
        for concept in items
        if isinstance(concept, dict)
        for c in concept.get("coding", [])
    ]


def source_id(resource: dict[str, Any], prefix: str) -> str:
    """The system's own business identifier if it has one, else the resource id: stable on re-export."""
    for ident in resource.get("identifier", []) or []:
        if ident.get("value") and ident.get("system") != NHS_SYSTEM:
            return f"{prefix}:{ident['value']}"
    if resource.get("id"):
        return f"{prefix}:{resource['id']}"
    raise FieldError("id", "missing, and no identifier", "a resource id or identifier to key the record")


def patient_person(resource: dict[str, Any], full_url: str | None, context: Context) -> Record:
    nhs = next(
        (
            i["value"]
            for i in resource.get("identifier", [])
            if i.get("system") == NHS_SYSTEM and i.get("value")
        ),
        None,
    )
    if nhs is not None:
        nhs = nhs.replace(" ", "")
        if not re.fullmatch(r"\d{10}", nhs):
            raise FieldError("identifier.value", f"NHS number {nhs!r}", "10 digits")
    key = f"nhs:{nhs}" if nhs else source_id(resource, "patient")
    names = _names(resource)
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": key,
        "nhs_number": nhs,
        "dob": resource.get("birthDate"),
        "sex": {"male": "M", "female": "F", "other": "X", "unknown": "U"}.get(resource.get("gender", "")),
        **names,
        **_address(resource),
    }
    refs = [r for r in (full_url, f"Patient/{resource.get('id')}" if resource.get("id") else None) if r]
    context.add(key, person["dob"], refs + ([f"nhs:{nhs}"] if nhs else []))
    return {k: v for k, v in person.items() if v not in (None, [], "")}


def _names(resource: dict[str, Any]) -> Record:
    names = [n for n in resource.get("name", []) if n.get("use") not in ("old",)]
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = official.get("given") or []
    others = [
        " ".join([*n.get("given", []), n.get("family", "")]).strip()
        for n in resource.get("name", [])
        if n is not official
    ]
    return {
        "given_name": given[0] if given else None,
        "family_name": official.get("family"),
        "other_names": [o for o in others if o],
    }


def _address(resource: dict[str, Any]) -> Record:
    addresses = [a for a in resource.get("address", []) if a.get("use") != "old"]
    if not addresses:
        return {}
    first = addresses[0]
    lines = [*first.get("line", []), first.get("city"), first.get("postalCode")]
    return {"postcode": first.get("postalCode"), "address": ", ".join(x for x in lines if x) or None}


def _start(resource: dict[str, Any], *paths: str) -> str:
    """The first present of the given date fields (dotted paths), or an error naming them."""
    for path in paths:
        value: Any = resource
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    raise FieldError(paths[0], "missing", "the date-time it happened (" + " or ".join(paths) + ")")


def injury_of(concepts: Any) -> str | None:
    for coding in _codes(concepts):
        if coding.get("system") == SNOMED and coding.get("code") in INJURY_CODES:
            return INJURY_CODES[coding["code"]]
    words = " ".join(_texts(concepts)).lower()
    return next((value for word, value in INJURY_WORDS if word in words), None)


def encounter_kind(resource: dict[str, Any]) -> str:
    code = (resource.get("class") or {}).get("code", "")
    if code in CLASS_KINDS:
        return CLASS_KINDS[code]
    words = " ".join(_texts(resource.get("type")) + _texts(resource.get("serviceType"))).lower()
    padded = f" {re.sub(r'[^a-z&]+', ' ', words)} "
    for word, kind in SERVICE_WORDS:
        if (f" {word} " in padded) if word == "gp" else (word in words):
            return kind
    return "other"


def _event(resource: dict[str, Any], prefix: str, kind: str, subject: str, at: str, attrs: Record) -> Record:
    return {
        "type": "event",
        "agency": AGENCY,
        "source_id": source_id(resource, prefix),
        "kind": kind,
        "occurred_at": at,
        "subjects": [subject],
        "attrs": {k: v for k, v in attrs.items() if v not in (None, [], "")},
    }


def encounter_event(resource: dict[str, Any], context: Context) -> Record | None:
    if resource.get("status") in SKIPPED_STATUSES:
        return None
    subject = context.resolve(resource.get("subject"), "subject")
    at = _start(resource, "period.start")
    reasons = resource.get("reasonCode")
    kind = encounter_kind(resource)
    attrs: Record = {
        "encounter_class": (resource.get("class") or {}).get("code"),
        "service": next(iter(_texts(resource.get("serviceType")) + _texts(resource.get("type"))), None),
        "reason_codes": _codes(reasons),
        "reason": "; ".join(_texts(reasons)) or None,
        "provider": (resource.get("serviceProvider") or {}).get("display"),
        "status": resource.get("status"),
    }
    if kind == "ed_attendance":
        attrs["injury"] = injury_of(reasons)
    if kind == "other":
        attrs["setting"] = "clinic"
    return _event(resource, "encounter", kind, subject, at, attrs)


def _quantity(resource: dict[str, Any], units: dict[str, float], expected: str) -> float:
    quantity = resource.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        raise FieldError("valueQuantity", "missing", expected)
    unit = quantity.get("code") or quantity.get("unit")
    if unit not in units:
        raise FieldError("valueQuantity.code", f"{unit!r}", expected)
    return round(float(quantity["value"]) * units[unit], 2)


def observation_event(resource: dict[str, Any], context: Context) -> Record | None:
    if resource.get("status") in SKIPPED_STATUSES:
        return None
    codes = {c.get("code") for c in _codes(resource.get("code")) if c.get("system") == LOINC}
    if WEIGHT in codes:
        attrs: Record = {
            "weight_kg": _quantity(resource, {"kg": 1.0, "g": 0.001}, "a weight in UCUM kg or g")
        }
    elif HEIGHT in codes or LYING_HEIGHT in codes:
        attrs = {
            "height_cm": _quantity(resource, {"cm": 1.0, "m": 100.0, "mm": 0.1}, "a height in cm, m or mm")
        }
    else:
        return None
    subject = context.resolve(resource.get("subject"), "subject")
    at = _start(resource, "effectiveDateTime", "effectivePeriod.start", "issued")
    attrs["loinc"] = sorted(c for c in codes if c)
    return _event(resource, "observation", "growth_measurement", subject, at, attrs)


def appointment_event(
    resource: dict[str, Any], context: Context, *, is_child: Callable[[str | None, str], bool | None]
) -> Record | None:
    if resource.get("status") != "noshow":
        return None
    actors = [p.get("actor") for p in resource.get("participant", []) if isinstance(p.get("actor"), dict)]
    patient_refs = [a for a in actors if "Patient" in str(a.get("reference", "")) or a.get("identifier")]
    if not patient_refs:
        raise FieldError(
            "participant", "no Patient among the participants", "a participant whose actor is the Patient"
        )
    subject = context.resolve(patient_refs[0], "participant.actor")
    at = _start(resource, "start")
    service = next(iter(_texts(resource.get("serviceType")) + _texts(resource.get("appointmentType"))), None)
    kind = (
        "immunisation_missed"
        if service and re.search(r"immuni|vaccin", service, re.I)
        else "missed_appointment"
    )
    attrs = {
        "service": service,
        "status": "noshow",
        "was_not_brought": is_child(context.dobs.get(subject), at),
    }
    record = _event(resource, "appointment", kind, subject, at, attrs)
    if resource.get("description"):
        record["text"] = resource["description"]
    return record


def condition_event(resource: dict[str, Any], context: Context) -> Record | None:
    verification = _codes(resource.get("verificationStatus"))
    if any(c.get("code") in ("entered-in-error", "refuted") for c in verification):
        return None
    injury = injury_of(resource.get("code"))
    if injury is None:
        return None
    subject = context.resolve(resource.get("subject"), "subject")
    at = _start(resource, "onsetDateTime", "recordedDate")
    sites = _texts(resource.get("bodySite"))
    attrs: Record = {
        "injury": injury,
        "site": (body_site(sites[0]) or sites[0]) if sites else None,
        "condition_codes": _codes(resource.get("code")),
        "encounter": (resource.get("encounter") or {}).get("reference"),
    }
    record = _event(resource, "condition", "injury_presentation", subject, at, attrs)
    notes = [n["text"] for n in resource.get("note", []) if n.get("text")]
    if notes:
        record["text"] = "\n".join(notes)
    return record
