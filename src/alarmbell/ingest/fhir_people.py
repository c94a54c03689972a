"""FHIR Patient, RelatedPerson and Patient.contact -> person and relationship records.

A Patient is keyed by its NHS number when the number passes modulus 11 (stable across exports
and systems); an NHS number that fails is kept on the record (validation warns) but never
becomes the key: the resource's own identifier does. RelatedPerson and each Patient.contact
become a person of their own, tied to the patient by a relationship whose kind comes from the
v3 RoleCode (MTH, FTH...): without it a GP export leaves the child's household empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from alarmbell.ingest.base import FieldError
from alarmbell.ingest.convert import Record
from alarmbell.ingest.fhir_codes import relationship_kind
from alarmbell.ingest.fhir_keys import nhs_number_of, resource_key, valid_nhs_key

AGENCY = "health"
SEXES: Final[dict[str, str]] = {"male": "M", "female": "F", "other": "X", "unknown": "U"}


@dataclass
class Context:
    """Patients seen so far in the bundle, by every way an entry may refer to them."""

    patients: dict[str, str] = field(default_factory=dict)
    dobs: dict[str, str | None] = field(default_factory=dict)
    #: The sending system, from Bundle.meta.source; else each Patient names its own (feed_of).
    feed: str | None = None
    #: Encounter entries by every name another entry may use for them (fullUrl, Encounter/<id>).
    encounters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, source_id: str, dob: str | None, names: list[str]) -> None:
        for name in names:
            self.patients[name] = source_id
        self.dobs[source_id] = dob

    def resolve(self, reference: Any, where: str) -> str:
        """A Reference to a Patient of this bundle, or one given by a valid NHS number."""
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
        nhs = nhs_number_of({"identifier": [ident]})
        if nhs is not None:
            if f"nhs-ref:{nhs}" in self.patients:
                return self.patients[f"nhs-ref:{nhs}"]
            by_number = valid_nhs_key(nhs)
            if by_number is None:
                raise FieldError(
                    f"{where}.identifier.value",
                    f"NHS number {nhs} fails its check digit",
                    "a valid NHS number or a reference to a Patient entry",
                )
            return by_number
        raise FieldError(where, "no reference or NHS number", "a reference to the Patient")

    def encounter_key(self, reference: Any) -> str | None:
        """The key of the Encounter of this bundle a reference names, else the reference as sent.

        A GP export's `urn:uuid` fullUrl is new on every export; kept in an event's attrs, it
        would make every re-export a new version of the event.
        """
        ref = reference.get("reference") if isinstance(reference, dict) else None
        encounter = self.encounters.get(ref) if isinstance(ref, str) else None
        if encounter is None:
            return ref if isinstance(ref, str) else None
        try:
            patient = self.resolve(encounter.get("subject"), "subject")
        except FieldError:
            return ref
        return resource_key(encounter, "encounter", about=patient)


def patient_records(resource: dict[str, Any], full_url: str | None, context: Context) -> list[Record]:
    """The patient's person record, then a person and a relationship for each contact."""
    nhs = nhs_number_of(resource)
    if nhs is not None and not (len(nhs) == 10 and nhs.isdigit()):
        raise FieldError("identifier.value", f"NHS number {nhs!r}", "10 digits")
    key = valid_nhs_key(nhs) or resource_key(resource, "patient")
    person = _person(resource, key, nhs)
    person["feed"] = feed_of(resource, context.feed)
    refs = [r for r in (full_url, f"Patient/{resource.get('id')}" if resource.get("id") else None) if r]
    context.add(key, person.get("dob"), refs + ([f"nhs-ref:{nhs}"] if nhs else []))
    records = [person]
    for contact in resource.get("contact", []) or []:
        records += _contact(contact, key)
    return records


def related_person_records(resource: dict[str, Any], context: Context) -> list[Record]:
    """A RelatedPerson: its own person record and what it is to the patient."""
    patient = context.resolve(resource.get("patient"), "patient")
    nhs = nhs_number_of(resource)
    key = valid_nhs_key(nhs) or resource_key(resource, "related-person", about=patient)
    person = _person(resource, key, nhs if nhs and len(nhs) == 10 and nhs.isdigit() else None)
    person["role_hint"] = "adult"
    person["feed"] = feed_of(resource, context.feed)
    kind = relationship_kind(resource.get("relationship"), person.get("sex"))
    return [person, *([_relationship(key, patient, kind)] if kind else [])]


def feed_of(resource: dict[str, Any], bundle_source: str | None) -> str:
    """Which system sent this person: a trust and a GP practice send the same `nhs:` key with
    different attributes, kept apart per feed and merged (ingest/feeds.py).

    Bundle.meta.source, else the resource's meta.source, else its managing organisation (ODS
    code or name), else plain `fhir`.
    """
    meta: dict[str, Any] = resource["meta"] if isinstance(resource.get("meta"), dict) else {}
    organisation = resource.get("managingOrganization")
    org: dict[str, Any] = organisation if isinstance(organisation, dict) else {}
    ident: dict[str, Any] = org["identifier"] if isinstance(org.get("identifier"), dict) else {}
    named = bundle_source or meta.get("source") or ident.get("value") or org.get("display")
    return f"fhir:{named}" if named else "fhir"


def _contact(contact: Any, patient: str) -> list[Record]:
    """Patient.contact has no identifier: keyed by the patient and the contact's name."""
    if not isinstance(contact, dict):
        return []
    name: dict[str, Any] = contact["name"] if isinstance(contact.get("name"), dict) else {}
    given = (name.get("given") or [None])[0]
    family = name.get("family")
    sex = SEXES.get(str(contact.get("gender", "")))
    kind = relationship_kind(contact.get("relationship"), sex)
    if not (given and family) or kind is None:
        return []  # nobody to link, or no tie worth recording (an emergency contact, say)
    key = f"contact:{patient}:{given.lower()}-{family.lower()}".replace(" ", "-")
    address: dict[str, Any] = contact["address"] if isinstance(contact.get("address"), dict) else {}
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": key,
        "given_name": given,
        "family_name": family,
        "sex": sex,
        "role_hint": "adult",
        **_address([address] if address else []),
    }
    return [_clean(person), _relationship(key, patient, kind)]


def _relationship(adult: str, patient: str, kind: str) -> Record:
    return {
        "type": "relationship",
        "agency": AGENCY,
        "source_id": f"relationship:{adult}:{patient}",
        "from": adult,
        "to": patient,
        "kind": kind,
    }


def _person(resource: dict[str, Any], key: str, nhs: str | None) -> Record:
    person: Record = {
        "type": "person",
        "agency": AGENCY,
        "source_id": key,
        "nhs_number": nhs,
        "dob": resource.get("birthDate"),
        "sex": SEXES.get(str(resource.get("gender", ""))),
        **_names(resource),
        **_address(resource.get("address", []) or []),
    }
    return _clean(person)


def _clean(record: Record) -> Record:
    return {k: v for k, v in record.items() if v not in (None, [], "")}


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


def _address(addresses: list[Any]) -> Record:
    current = [a for a in addresses if isinstance(a, dict) and a.get("use") != "old"]
    if not current:
        return {}
    first = current[0]
    lines = [*first.get("line", []), first.get("city"), first.get("postalCode")]
    return {"postcode": first.get("postalCode"), "address": ", ".join(x for x in lines if x) or None}
