"""Stable record keys for FHIR resources, whatever the exporting system put in `id`.

GP systems send transaction bundles whose resources have no `id`, only `urn:uuid:` fullUrls that
are new on every export. A key must survive re-export, so it comes from the resource's business
identifier, else its `id`, else a hash of what identifies the resource (its patient's key, its
codes and its date): reloading the same export then finds the same keys and changes nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import orjson

from alarmbell.domain.identifiers import nhs_number_is_valid

NHS_SYSTEM: Final[str] = "https://fhir.nhs.uk/Id/nhs-number"
#: The NHS number's system URL, and the older one integration engines still send (`fhir.nhs.net`).
NHS_SYSTEMS: Final[frozenset[str]] = frozenset({NHS_SYSTEM, "http://fhir.nhs.net/Id/nhs-number"})

#: The fields that identify a resource of each type when it has no identifier and no id.
IDENTIFYING: Final[dict[str, tuple[str, ...]]] = {
    "Patient": ("name", "birthDate", "gender"),
    "RelatedPerson": ("name", "birthDate", "gender", "relationship"),
    "Encounter": ("class", "type", "serviceType", "period"),
    "Observation": ("code", "effectiveDateTime", "effectivePeriod", "issued"),
    "Appointment": ("start", "serviceType", "specialty", "appointmentType"),
    "Condition": ("code", "bodySite", "onsetDateTime", "recordedDate"),
}


def nhs_number_of(resource: dict[str, Any]) -> str | None:
    """The NHS number as sent (spaces removed), valid or not; None when there is none."""
    for ident in resource.get("identifier", []) or []:
        if isinstance(ident, dict) and ident.get("system") in NHS_SYSTEMS and ident.get("value"):
            return str(ident["value"]).replace(" ", "")
    return None


def valid_nhs_key(nhs: str | None) -> str | None:
    """`nhs:<number>` for a well-formed NHS number that passes modulus 11, else None."""
    if nhs and len(nhs) == 10 and nhs.isdigit() and nhs_number_is_valid(nhs):
        return f"nhs:{nhs}"
    return None


def business_identifier(resource: dict[str, Any]) -> str | None:
    for ident in resource.get("identifier", []) or []:
        if isinstance(ident, dict) and ident.get("value") and ident.get("system") not in NHS_SYSTEMS:
            return str(ident["value"])
    return None


def resource_key(resource: dict[str, Any], prefix: str, *, about: str | None = None) -> str:
    """`<prefix>:<business identifier or id>`, else `<prefix>:h-<hash of what identifies it>`.

    `about` is the key of the patient the resource belongs to: two identical weights of two
    children are two records.
    """
    own = business_identifier(resource) or resource.get("id")
    if own:
        return f"{prefix}:{own}"
    fields = IDENTIFYING.get(str(resource.get("resourceType")), ())
    identity = {name: resource.get(name) for name in fields if resource.get(name) is not None}
    identity["about"] = about
    digest = hashlib.blake2b(orjson.dumps(identity, option=orjson.OPT_SORT_KEYS), digest_size=10)
    return f"{prefix}:h-{digest.hexdigest()}"
