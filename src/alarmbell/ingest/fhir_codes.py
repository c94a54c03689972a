"""Code tables for FHIR intake: which coded concept means which event kind or relationship.

Coded values decide; display text is only a fallback for senders that send no code. Every table
here is documented in docs/formats/fhir.md (a test checks that each code appears there).
"""

from __future__ import annotations

import re
from typing import Any, Final

SNOMED: Final[str] = "http://snomed.info/sct"

#: Encounter.class codes (v3 ActCode) that decide the kind on their own.
CLASS_KINDS: Final[dict[str, str]] = {"EMER": "ed_attendance", "HH": "health_visitor_contact"}

#: SNOMED CT encounter types (UK Core Encounter Type value set) -> event kind.
SNOMED_ENCOUNTER_KINDS: Final[dict[str, str]] = {
    "4525004": "ed_attendance",  # Emergency department patient visit
    "185210004": "ed_attendance",  # Seen in hospital casualty
    "113091000000109": "ed_attendance",  # Seen in minor injuries department
    "185202000": "gp_consultation",  # Seen in GP's surgery
    "199281000000101": "gp_consultation",  # Seen in general practitioner unit
    "185175005": "gp_consultation",  # Seen in primary care centre
    "307778003": "gp_consultation",  # Seen in primary care establishment
    "185203005": "gp_consultation",  # Seen in Health Centre
    "185234009": "paediatric_assessment",  # Seen in paediatric clinic
    "439362007": "paediatric_assessment",  # Seen in community paediatric clinic
    "201461000000108": "paediatric_assessment",  # Seen in child development centre
    "313103006": "health_visitor_contact",  # Seen in baby clinic
    "709651000000101": "school_nurse_contact",  # Seen in L.A. clinic-school
    "441828004": "mental_health_contact",  # Seen in child and adolescent psychiatry clinic
    "431957001": "mental_health_contact",  # Seen in mental health clinic
    "896751000000101": "mental_health_contact",  # Seen in CAMHS community drop in clinic
    "185226003": "maternity",  # Seen in antenatal clinic
    "185266004": "maternity",  # Seen in postnatal clinic
    "700187009": "substance_misuse_contact",  # Seen in drug misuse clinic
    "313104000": "substance_misuse_contact",  # Seen in drug rehabilitation centre
}

#: UK Core PracticeSettingCode (NHS Data Dictionary treatment function / main specialty) -> kind,
#: read from Encounter.serviceType and Appointment.specialty / serviceType.
SPECIALTY_KINDS: Final[dict[str, str]] = {
    "180": "ed_attendance",  # Emergency medicine (accident and emergency)
    "420": "paediatric_assessment",  # Paediatrics
    "501": "maternity",  # Obstetrics
    "560": "maternity",  # Midwifery
    "600": "gp_consultation",  # General medical practice
    "711": "mental_health_contact",  # Child and adolescent psychiatry
}

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
    ("consultation in surgery", "gp_consultation"),
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

#: v3 RoleCode (RelatedPerson.relationship, Patient.contact.relationship) -> what the related
#: person is to the patient. Parent and guardian codes without a sex go by the person's gender.
ROLE_KINDS: Final[dict[str, str]] = {
    "MTH": "mother",
    "NMTH": "mother",
    "GESTM": "mother",
    "ADOPTM": "mother",
    "FTH": "father",
    "NFTH": "father",
    "ADOPTF": "father",
    "STPMTH": "step_parent",
    "STPFTH": "step_parent",
    "STPPRN": "step_parent",
    "PRN": "parent",
    "NPRN": "parent",
    "ADOPTP": "parent",
    "GUARD": "carer",
    "GRMTH": "grandparent",
    "GRFTH": "grandparent",
    "GRPRN": "grandparent",
    "MGRMTH": "grandparent",
    "MGRFTH": "grandparent",
    "PGRMTH": "grandparent",
    "PGRFTH": "grandparent",
    "SIB": "sibling",
    "BRO": "sibling",
    "SIS": "sibling",
    "HBRO": "sibling",
    "HSIS": "sibling",
    "NBRO": "sibling",
    "NSIS": "sibling",
    "FAMMEMB": "household_member",
    "ROOM": "household_member",
}
ROLE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("stepmother", "step_parent"),
    ("stepfather", "step_parent"),
    ("step-", "step_parent"),
    ("grand", "grandparent"),
    ("mother", "mother"),
    ("mum", "mother"),
    ("father", "father"),
    ("dad", "father"),
    ("parent", "parent"),
    ("guardian", "carer"),
    ("carer", "carer"),
    ("brother", "sibling"),
    ("sister", "sibling"),
)


def concepts(value: Any) -> list[dict[str, Any]]:
    """A CodeableConcept or a list of them, as a list of dicts."""
    items = value if isinstance(value, list) else [value] if value else []
    return [c for c in items if isinstance(c, dict)]


def texts(value: Any) -> list[str]:
    """Every text and display of a CodeableConcept or a list of them, for matching and showing."""
    out: list[str] = []
    for concept in concepts(value):
        out += [concept["text"]] if concept.get("text") else []
        out += [c["display"] for c in concept.get("coding", []) if c.get("display")]
    return out


def codings(value: Any) -> list[dict[str, str]]:
    return [
        {k: c[k] for k in ("system", "code", "display") if c.get(k)}
        for concept in concepts(value)
        for c in concept.get("coding", [])
        if isinstance(c, dict)
    ]


def snomed_kind(value: Any) -> str | None:
    for coding in codings(value):
        if coding.get("system") == SNOMED and coding.get("code") in SNOMED_ENCOUNTER_KINDS:
            return SNOMED_ENCOUNTER_KINDS[coding["code"]]
    return None


def specialty_kind(value: Any) -> str | None:
    """A main-specialty code (any non-SNOMED system: UK Core PracticeSettingCode and its forerunners)."""
    for coding in codings(value):
        if coding.get("system") != SNOMED and coding.get("code") in SPECIALTY_KINDS:
            return SPECIALTY_KINDS[coding["code"]]
    return None


def word_kind(value: Any) -> str | None:
    words = " ".join(texts(value)).lower()
    padded = f" {re.sub(r'[^a-z&]+', ' ', words)} "
    for word, kind in SERVICE_WORDS:
        if (f" {word} " in padded) if word == "gp" else (word in words):
            return kind
    return None


def injury_of(value: Any) -> str | None:
    for coding in codings(value):
        if coding.get("system") == SNOMED and coding.get("code") in INJURY_CODES:
            return INJURY_CODES[coding["code"]]
    words = " ".join(texts(value)).lower()
    return next((injury for word, injury in INJURY_WORDS if word in words), None)


def relationship_kind(value: Any, sex: str | None) -> str | None:
    """What a related person is to the patient, from v3 RoleCode, else words; None when unknown."""
    kind = next((ROLE_KINDS[c["code"]] for c in codings(value) if c.get("code") in ROLE_KINDS), None)
    if kind is None:
        words = " ".join(texts(value)).lower()
        kind = next((k for word, k in ROLE_WORDS if word in words), None)
    if kind == "parent":
        return {"F": "mother", "M": "father"}.get(sex or "", "carer")
    return kind
