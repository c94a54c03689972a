"""Injuries on a body map, and the lines that tell a reader what a recorded concern holds.

A concern can mark several places on the body, each with its own injury (a bruise behind the
ear and a burn on the forearm). The event keeps them all in ``attrs.injuries`` as
``[{site, injury}]``; it also keeps the most serious one as ``injury`` and ``site``, every
site in ``sites`` and every bruise's site in ``bruise_sites``, which is what the early-warning
indicators and older readers look at (docs/exchange-format.md). `injuries.injury` takes a few
words more than ``injury`` does (scald, mark), because practitioners tell them apart; ``injury``
gets the nearest of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from alarmbell.domain.body_sites import site_label
from alarmbell.domain.codes import word_code

#: Event kinds that are an injury in themselves (an A&E attendance only when it carries
#: ``attrs.injury``: children also attend for illness).
INJURY_EVENT_KINDS: Final[frozenset[str]] = frozenset(
    {"injury_presentation", "injury_observed", "ed_attendance"}
)
#: Every kind on which a professional may record an injury they saw: a bruise noted at a
#: health visit or paediatric assessment, a mark seen on a home visit, a police welfare check.
#: Reviews describe such injuries recorded at routine contacts and never read as injuries
#: (issue 12), so an ``injury`` attr on any of these is validated and read by the policy like an
#: A&E attendance's. The policy's ``&injury_kinds`` list is this set (tests/policy checks it).
INJURY_RECORDING_KINDS: Final[frozenset[str]] = INJURY_EVENT_KINDS | frozenset(
    {
        "paediatric_assessment",
        "gp_consultation",
        "health_visitor_contact",
        "school_nurse_contact",
        "child_welfare_concern",
        "home_visit",
    }
)

#: Injury types per body-map point, with the words a practitioner reads.
INJURY_TYPES: Final[dict[str, str]] = {
    "bruise": "Bruise",
    "mark": "Red mark or scratch",
    "laceration": "Cut or graze",
    "burn": "Burn",
    "scald": "Scald",
    "bite": "Bite mark",
    "fracture": "Broken bone (fracture)",
    "head_injury": "Head injury",
    "other": "Other injury",
}

#: Injury types as clinicians and staff write them in an injury field, each read as the body
#: map's type: `#` is the clinical shorthand for a fracture, a scald is a burn by hot liquid,
#: and the plural or verb forms ("bruising", "cuts") name the same kind. Words that could be
#: more than one kind ("injury", "wound", "mark" for the `injury` attr) are not here.
INJURY_WORDS: Final[dict[str, str]] = {
    "#": "fracture",
    "fractured": "fracture",
    "fractures": "fracture",
    "broken bone": "fracture",
    "bruising": "bruise",
    "bruises": "bruise",
    "bruised": "bruise",
    "contusion": "bruise",
    "burns": "burn",
    "scald": "scald",
    "scalds": "scald",
    "scalded": "scald",
    "bite mark": "bite",
    "bites": "bite",
    "cut": "laceration",
    "cuts": "laceration",
    "lac": "laceration",
    "lacerations": "laceration",
    "graze": "laceration",
    "grazes": "laceration",
    "scratch": "mark",
    "scratches": "mark",
    "red mark": "mark",
    "head injuries": "head_injury",
}

#: Most serious first: the first injury of a list is the one ``injury`` and ``site`` name.
_SEVERITY: Final[tuple[str, ...]] = (
    "fracture",
    "head_injury",
    "burn",
    "scald",
    "bite",
    "bruise",
    "laceration",
    "mark",
    "other",
)
#: `injuries[].injury` -> the ``injury`` attr's own vocabulary.
_AS_INJURY_ATTR: Final[dict[str, str]] = {"scald": "burn", "mark": "other"}


def injury_word(written: str, values: tuple[str, ...]) -> str | None:
    """The injury type of `values` that a staff word stands for (`#` -> fracture); a body-map
    type `values` lacks is read as the nearest it has (a scald as a burn, a scratch as other)."""
    kind = word_code(written, INJURY_WORDS)
    if kind is None:
        return None
    kind = kind if kind in values else _AS_INJURY_ATTR.get(kind, kind)
    return kind if kind in values else None


def most_serious_first(points: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(site, injury) pairs, most serious injury first; the order given otherwise."""
    rank = {injury: n for n, injury in enumerate(_SEVERITY)}
    return sorted(points, key=lambda point: rank.get(point[1], len(rank)))


def injury_attrs(points: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The attrs for these body-map points: ``injuries``, and ``injury``/``site``/``sites`` for readers."""
    if not points:
        return {}
    ordered = most_serious_first(points)
    site, injury = ordered[0]
    attrs: dict[str, Any] = {
        "injury": _AS_INJURY_ATTR.get(injury, injury),
        "site": site,
        "sites": list(dict.fromkeys(s for s, _ in ordered)),
        "injuries": [{"site": s, "injury": i} for s, i in ordered],
    }
    bruised = [s for s, i in ordered if i == "bruise"]
    if bruised:  # a bruise's sites apart: `injury` names only the most serious point
        attrs["bruise_sites"] = list(dict.fromkeys(bruised))
    return attrs


def completed_injury_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """What an event with a body map (``injuries``) lacks of what `injury_attrs` writes.

    A sender may give only the body map. The indicators read ``injury``, ``site``, ``sites``
    and ``bruise_sites``, so without these a fracture with bruises to the ears, cheeks and
    genital area read as nothing at all. Nothing the sender wrote is replaced, and a sender's
    ``injury`` without a ``site`` is not given another point's site.
    """
    listed = attrs.get("injuries")
    if not isinstance(listed, list):
        return {}
    points = [
        (point["site"], point["injury"])
        for point in listed
        if isinstance(point, Mapping) and isinstance(point.get("site"), str) and point.get("injury")
    ]
    derived = injury_attrs(points)
    if "injury" in attrs:  # `site` is that injury's site: never paired with another point's
        derived.pop("site", None)
    return {key: value for key, value in derived.items() if key not in attrs}


def injury_words(injury: str, site: str) -> str:
    """`Bruise: Left ear`; `Body site: Left ear` when no injury is named."""
    if not injury:
        return f"Body site: {site_label(site)}" if site else ""
    label = INJURY_TYPES.get(injury, injury.replace("_", " ").capitalize())
    return f"{label}: {site_label(site)}" if site else label


def concern_details(attrs: Mapping[str, Any], author: str | None) -> tuple[str, ...]:
    """Lines for a chronology row or a review: each injury and site, action, who was told, author."""
    words = (injury_words(str(i.get("injury") or ""), str(i.get("site") or "")) for i in _injuries(attrs))
    lines = [w for w in words if w]
    for key, label in (("action_taken", "Action taken"), ("informed", "Who was informed")):
        value = attrs.get(key)
        if isinstance(value, str) and value.strip():
            lines.append(f"{label}: {value.strip()}")
    if author:
        lines.append(f"Recorded by: {author}")
    return tuple(lines)


def _injuries(attrs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``injuries`` list; else one built from ``injury`` and the ``sites`` or ``site`` on the map."""
    listed = attrs.get("injuries")
    if isinstance(listed, list):
        return [i for i in listed if isinstance(i, Mapping)]
    listed_sites = attrs.get("sites")
    sites = listed_sites if isinstance(listed_sites, list) else [attrs.get("site")]
    injury = attrs.get("injury")
    named = [s for s in sites if isinstance(s, str) and s]
    if not named:
        return [{"injury": injury}] if isinstance(injury, str) and injury else []
    return [{"site": s, "injury": injury if isinstance(injury, str) else ""} for s in named]
