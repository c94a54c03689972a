"""FHIR R4 events (already structurally valid) -> exchange-format event records, one resource at a time.

Pure functions over the resource JSON: the structural checks were done by `fhir.resources`;
these raise FieldError (with a FHIR path relative to the resource) only for what that package
cannot know: which patient an event is about, units, dates we need. The code tables are in
`fhir_codes` and documented in docs/formats/fhir.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from alarmbell.domain.body_sites import body_site
from alarmbell.domain.injuries import injury_attrs, most_serious_first
from alarmbell.domain.timeparse import parse_moment
from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record
from alarmbell.ingest.fhir_codes import (
    CLASS_KINDS,
    codings,
    injury_of,
    snomed_kind,
    specialty_kind,
    texts,
    word_kind,
)
from alarmbell.ingest.fhir_keys import resource_key
from alarmbell.ingest.fhir_people import Context

AGENCY = "health"
LOINC: Final[str] = "http://loinc.org"
WEIGHT, HEIGHT, LYING_HEIGHT = "29463-7", "8302-2", "8306-3"
SNOMED: Final[str] = "http://snomed.info/sct"
#: SNOMED CT measurements GP systems send without a LOINC code, as the LOINC code they mean.
SNOMED_MEASUREMENTS: Final[dict[str, str]] = {
    "27113001": WEIGHT,  # Body weight
    "50373000": HEIGHT,  # Body height measure
    "248333004": HEIGHT,  # Standing height
    "248334005": LYING_HEIGHT,  # Length of body
}
SKIPPED_STATUSES: Final[frozenset[str]] = frozenset({"entered-in-error", "cancelled"})
#: Hours between an injury's onset and arrival beyond which the attendance is a delayed presentation.
DELAY_HOURS: Final[float] = 6.0


def encounter_kind(resource: dict[str, Any]) -> str:
    """Class EMER/HH, else the SNOMED CT type, else the specialty, else words; `other` if none."""
    code = (resource.get("class") or {}).get("code", "")
    if code in CLASS_KINDS:
        return CLASS_KINDS[code]
    return (
        snomed_kind(resource.get("type"))
        or specialty_kind(resource.get("serviceType"))
        or word_kind(resource.get("type"))
        or word_kind(resource.get("serviceType"))
        or "other"
    )


def is_recorded_injury(resource: dict[str, Any]) -> bool:
    """A Condition that is an injury and was not entered in error or refuted."""
    verification = codings(resource.get("verificationStatus"))
    if any(c.get("code") in ("entered-in-error", "refuted") for c in verification):
        return False
    return injury_of(resource.get("code")) is not None


def _start(resource: dict[str, Any], *paths: str) -> str:
    """The first present of the given date fields (dotted paths), or an error naming them."""
    for path in paths:
        value: Any = resource
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            return value
    raise FieldError(paths[0], "missing", "the date-time it happened (" + " or ".join(paths) + ")")


def _event(resource: dict[str, Any], prefix: str, kind: str, subject: str, at: str, attrs: Record) -> Record:
    return {
        "type": "event",
        "agency": AGENCY,
        "source_id": resource_key(resource, prefix, about=subject),
        "kind": kind,
        "occurred_at": at,
        "subjects": [subject],
        "attrs": {k: v for k, v in attrs.items() if v not in (None, [], "")},
    }


def encounter_event(
    resource: dict[str, Any], context: Context, injuries: list[dict[str, Any]] | None = None
) -> Record | None:
    """An encounter; an A&E attendance carries the injuries (Conditions) recorded at it."""
    if resource.get("status") in SKIPPED_STATUSES:
        return None
    subject = context.resolve(resource.get("subject"), "subject")
    at = _start(resource, "period.start")
    reasons = resource.get("reasonCode")
    kind = encounter_kind(resource)
    attrs: Record = {
        "encounter_class": (resource.get("class") or {}).get("code"),
        "service": next(iter(texts(resource.get("serviceType")) + texts(resource.get("type"))), None),
        "encounter_type_codes": codings(resource.get("type")),
        "reason_codes": codings(reasons),
        "reason": "; ".join(texts(reasons)) or None,
        "provider": (resource.get("serviceProvider") or {}).get("display"),
        "status": resource.get("status"),
    }
    notes: list[str] = []
    if kind == "ed_attendance":
        attrs["injury"] = injury_of(reasons)
        attrs.update(_conditions_attrs(injuries or [], at))
        for condition in injuries or []:
            notes += [n["text"] for n in condition.get("note", []) if n.get("text")]
    if kind == "other":
        attrs["setting"] = "clinic"
    record = _event(resource, "encounter", kind, subject, at, attrs)
    if notes:
        record["text"] = "\n".join(notes)
    return record


def _conditions_attrs(conditions: list[dict[str, Any]], arrival: str) -> Record:
    """Every injury Condition recorded at the attendance, as one body map.

    An emergency department records a fracture and the bruises found with it as separate
    Conditions. Each used to overwrite the last, so the event kept one injury at one site (a
    fracture with bruises to both ears read as a fracture, or as one bruise). Every Condition's
    injury and body sites now become points of the body map (`injury_attrs`: the most serious
    is `injury` and `site`, every bruise's site is in `bruise_sites`); the onset that makes the
    longest delay before arrival is the one kept.
    """
    attrs: Record = {}
    points: list[tuple[str, str]] = []
    found: list[tuple[str, str]] = []  # (first site or "", injury) of every injury Condition
    codes: list[Any] = []
    for condition in conditions:
        one = _injury_attrs(condition, arrival)
        codes += one.pop("condition_codes")
        injury = one.get("injury")
        if injury:
            found.append((one.get("site") or "", injury))
            points += [(body_site(site) or site, injury) for site in texts(condition.get("bodySite"))]
        if one.get("hours_from_onset_to_arrival", -1.0) > attrs.get("hours_from_onset_to_arrival", -1.0):
            for key in ("injury_onset", "hours_from_onset_to_arrival", "delay_in_presentation"):
                attrs[key] = one[key]
    if points:
        attrs.update(injury_attrs(points))
    if found:  # the most serious injury, even one recorded without a body site
        site, injury = most_serious_first(found)[0]
        if injury != attrs.get("injury"):
            attrs["injury"], attrs["site"] = injury, site or None
    if conditions:
        attrs["condition_codes"] = codes
    return attrs


def _injury_attrs(condition: dict[str, Any], arrival: str) -> Record:
    """The injury, its site and, when the onset is known, how long before arrival it happened."""
    sites = texts(condition.get("bodySite"))
    attrs: Record = {
        "injury": injury_of(condition.get("code")),
        "site": (body_site(sites[0]) or sites[0]) if sites else None,
        "condition_codes": codings(condition.get("code")),
    }
    onset = condition.get("onsetDateTime")
    if isinstance(onset, str):
        try:
            hours = (parse_moment(arrival) - parse_moment(onset)).total_seconds() / 3600
        except ValueError:
            return attrs
        attrs["injury_onset"] = onset
        attrs["hours_from_onset_to_arrival"] = round(hours, 1)
        attrs["delay_in_presentation"] = hours > DELAY_HOURS
    return attrs


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
    coded = codings(resource.get("code"))
    loinc = {c.get("code") for c in coded if c.get("system") == LOINC}
    snomed = {c["code"] for c in coded if c.get("system") == SNOMED and c.get("code") in SNOMED_MEASUREMENTS}
    codes = loinc | {SNOMED_MEASUREMENTS[code] for code in snomed}
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
    attrs["loinc"] = sorted(c for c in loinc if c)
    if not attrs["loinc"]:
        attrs["snomed"] = sorted(snomed)
    return _event(resource, "observation", "growth_measurement", subject, at, attrs)


def appointment_event(
    resource: dict[str, Any], context: Context, *, is_child: Callable[[str | None, str], bool | None]
) -> Record | None:
    """A missed appointment, with the clinic's specialty as its service when one is given."""
    if resource.get("status") != "noshow":
        return None
    actors = [p.get("actor") for p in resource.get("participant", []) if isinstance(p.get("actor"), dict)]
    patient_refs = [
        a
        for a in actors
        if "Patient" in str(a.get("reference", ""))
        or a.get("reference") in context.patients
        or a.get("identifier")
    ]
    if not patient_refs:
        raise FieldError(
            "participant", "no Patient among the participants", "a participant whose actor is the Patient"
        )
    subject = context.resolve(patient_refs[0], "participant.actor")
    at = _start(resource, "start")
    services = (
        texts(resource.get("specialty"))
        + texts(resource.get("serviceType"))
        + texts(resource.get("appointmentType"))
    )
    service = next(iter(services), None)
    kind = (
        "immunisation_missed"
        if any(re.search(r"immuni|vaccin", s, re.I) for s in services)
        else "missed_appointment"
    )
    attrs = {
        "service": service,
        "specialty_codes": codings(resource.get("specialty")),
        "status": "noshow",
        "was_not_brought": is_child(context.dobs.get(subject), at),
    }
    record = _event(resource, "appointment", kind, subject, at, attrs)
    if resource.get("description"):
        record["text"] = resource["description"]
    return record


def condition_event(resource: dict[str, Any], context: Context) -> Record | None:
    """An injury recorded outside an A&E attendance of this bundle (one inside is carried on it)."""
    if not is_recorded_injury(resource):
        return None
    subject = context.resolve(resource.get("subject"), "subject")
    at = _start(resource, "onsetDateTime", "recordedDate")
    sites = texts(resource.get("bodySite"))
    attrs: Record = {
        "injury": injury_of(resource.get("code")),
        "site": (body_site(sites[0]) or sites[0]) if sites else None,
        "condition_codes": codings(resource.get("code")),
        "encounter": context.encounter_key(resource.get("encounter")),
    }
    record = _event(resource, "condition", "injury_presentation", subject, at, attrs)
    notes = [n["text"] for n in resource.get("note", []) if n.get("text")]
    if notes:
        record["text"] = "\n".join(notes)
    return record
