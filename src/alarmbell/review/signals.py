"""What kind of thing an event is, for a review: significant or not, a signal, a response, a share.

The vocabulary (docs/exchange-format.md) says what happened; a review also needs to know which
events matter (the knowledge matrix), which are concerns that call for a response (signals),
which are that response, and which carried information between agencies. Those judgements
live here, as data, so docs/review.md can state them and tests can pin them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.injuries import INJURY_RECORDING_KINDS
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.domain.wording import kind_in_sentence

INJURY: Final = "injury"
DOMESTIC: Final = "domestic abuse"
HUNGER: Final = "hunger or weight loss"
HEALTH_CHECK: Final = "health assessment"
SCHOOL: Final = "school or nursery concern"
ATTENDANCE: Final = "attendance"
NOT_BROUGHT: Final = "missed health appointment"
DISCLOSURE: Final = "disclosure or report"
WELFARE: Final = "police welfare concern"
SOCIAL_CARE: Final = "safeguarding process"
CLOSURE: Final = "case closure"
VISIT: Final = "visit"
ADULT_RISK: Final = "adult's offending or history"

_CONCERN_KINDS = frozenset({"school_concern", "nursery_concern", "behaviour_concern"})
_SIMPLE: Final[dict[str, str]] = {
    "domestic_incident": DOMESTIC,
    "assault_report": DOMESTIC,
    "hunger_observed": HUNGER,
    "attendance_concern": ATTENDANCE,
    "child_missing_education": ATTENDANCE,
    "home_education": ATTENDANCE,
    "missed_appointment": NOT_BROUGHT,
    "immunisation_missed": NOT_BROUGHT,
    "disclosure": DISCLOSURE,
    "family_member_report": DISCLOSURE,
    "neighbour_report": DISCLOSURE,
    "child_welfare_concern": WELFARE,
    "police_protection": WELFARE,
    "missing_person": WELFARE,
    "referral": SOCIAL_CARE,
    "assessment": SOCIAL_CARE,
    "strategy_discussion": SOCIAL_CARE,
    "section_47": SOCIAL_CARE,
    "joint_investigation": SOCIAL_CARE,
    "cp_conference": SOCIAL_CARE,
    "cp_plan_start": SOCIAL_CARE,
    "cp_plan_end": CLOSURE,
    "case_closed": CLOSURE,
    "home_visit": VISIT,
    "child_seen_alone": VISIT,
}
#: Household adults' events that bear on the child's safety (their other events are not shown).
_ADULT_KINDS = frozenset({"domestic_incident", "assault_report", "arrest", "crime_report"})

#: Categories that are concerns calling for a response (rule "no recorded response").
SIGNAL_CATEGORIES: Final = frozenset(
    {INJURY, DOMESTIC, HUNGER, SCHOOL, ATTENDANCE, NOT_BROUGHT, DISCLOSURE, WELFARE}
)
#: Events that count as a safeguarding response to a signal about the child.
RESPONSE_KINDS: Final = frozenset(
    {
        "referral",
        "strategy_discussion",
        "section_47",
        "joint_investigation",
        "assessment",
        "cp_conference",
        "cp_plan_start",
        "home_visit",
        "child_seen_alone",
        "police_protection",
        "looked_after",
        "family_support",
    }
)
#: Multi-agency events at which the participants pool what they know of the recent matter.
POOLING_KINDS: Final = frozenset(
    {"referral", "strategy_discussion", "joint_investigation", "section_47", "cp_conference", "assessment"}
)
#: Agencies present at an event of this kind whatever its attrs say (statutory membership).
KIND_PARTICIPANTS: Final[dict[str, frozenset[str]]] = {
    "joint_investigation": frozenset({"police", "children_social_care"}),
    "strategy_discussion": frozenset({"police", "children_social_care"}),
}
#: attrs naming the agencies an event's information went to or came from.
SHARING_ATTRS: Final = (
    "from_agency",
    "participants",
    "shared_with",
    "to_agency",
    "referred_to",
    "notified",
    "action",
)
_AGENCY_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "police": ("police",),
    "health": (
        "health",
        "hospital",
        "gp",
        "doctor",
        "paediatric",
        "paediatrician",
        "nurse",
        "midwife",
        "a&e",
        "medical",
        "nhs",
    ),
    "education": ("school", "teacher", "education", "nursery", "head teacher", "deputy head"),
    "children_social_care": ("social worker", "social work", "social care", "children's services", "mash"),
    "housing": ("housing",),
    "probation": ("probation",),
}
_WORD_PATTERNS: Final = {
    agency: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    for agency, words in _AGENCY_WORDS.items()
}


def category(entry: ChronologyEntry) -> str | None:
    """The matrix category of an event, or None if a review need not track who knew of it."""
    if not entry.is_own:
        return _adult_category(entry)
    kind = entry.kind
    if kind in ("injury_presentation", "injury_observed") or (
        kind in INJURY_RECORDING_KINDS and entry.attrs.get("injury")
    ):
        return INJURY
    if kind in _CONCERN_KINDS:
        return _concern_category(entry.attrs.get("category"))
    if kind in ("growth_measurement", "paediatric_assessment"):
        return HUNGER if entry.attrs.get("weight_loss") is True else _health_check(kind)
    return _SIMPLE.get(kind)


def _adult_category(entry: ChronologyEntry) -> str | None:
    if entry.kind in ("domestic_incident", "assault_report"):
        return DOMESTIC
    if entry.kind in _ADULT_KINDS or entry.attrs.get("adult_history"):
        return ADULT_RISK
    return None


def _concern_category(value: Any) -> str:
    return {"hunger": HUNGER, "injury": INJURY, "attendance": ATTENDANCE, "disclosure": DISCLOSURE}.get(
        str(value), SCHOOL
    )


def _health_check(kind: str) -> str | None:
    return HEALTH_CHECK if kind == "paediatric_assessment" else None


def is_signal(entry: ChronologyEntry) -> bool:
    """A concern about this child: own events only, and domestic abuse only with the child there."""
    found = category(entry)
    if found not in SIGNAL_CATEGORIES or not entry.is_own:
        return False
    if found == DOMESTIC:
        return entry.involvement == "subject" or entry.attrs.get("children_present") is True
    return entry.involvement == "subject"


def is_response(entry: ChronologyEntry) -> bool:
    return entry.is_own and entry.kind in RESPONSE_KINDS


def participants(entry: ChronologyEntry) -> frozenset[str]:
    """The recording agency, the kind's statutory members, and agencies the sharing attrs name."""
    named = set(KIND_PARTICIPANTS.get(entry.kind, frozenset()))
    for attr in SHARING_ATTRS:
        named.update(agencies_named(entry.attrs.get(attr)))
    return frozenset(named | {entry.agency})


def agencies_named(value: Any) -> set[str]:
    """Agencies a free-text or coded attr names (exact codes first, then a small word list)."""
    texts = (
        [str(v) for v in value] if isinstance(value, list | tuple) else [] if value is None else [str(value)]
    )
    found: set[str] = set()
    for text in texts:
        lowered = text.lower().strip()
        if lowered in AGENCIES:
            found.add(lowered)
            continue
        found.update(agency for agency, pattern in _WORD_PATTERNS.items() if pattern.search(lowered))
    return found


_SEVERITY: Final[dict[str, int]] = {
    INJURY: 6,
    HUNGER: 5,
    DISCLOSURE: 4,
    WELFARE: 4,
    DOMESTIC: 3,
    SCHOOL: 2,
    NOT_BROUGHT: 2,
    ATTENDANCE: 1,
}
_SERIOUS_INJURIES: Final = frozenset({"fracture", "head_injury", "burn", "bite"})


def severity(entry: ChronologyEntry) -> int:
    """How much a signal weighs in choosing an episode's headline (a serious injury first)."""
    base = _SEVERITY.get(category(entry) or "", 0) * 10
    return base + (5 if entry.attrs.get("injury") in _SERIOUS_INJURIES else 0)


def describe(entry: ChronologyEntry) -> str:
    """A short plain-English label: `fracture (left arm)`, `weight loss (13.8 kg)`, `domestic incident`."""
    attrs = entry.attrs
    injury = attrs.get("injury")
    if category(entry) == INJURY and injury:
        label = _INJURY_WORDS.get(str(injury), str(injury).replace("_", " "))
        site = short_site(attrs.get("site"))
        return f"{label} ({site})" if site else label
    if attrs.get("weight_loss") is True:
        weight = attrs.get("weight_kg")
        loss = f"weight loss ({weight} kg)" if weight is not None else "weight loss"
        return f"paediatric assessment: {loss}" if entry.kind == "paediatric_assessment" else loss
    return kind_words(entry.kind)


def kind_words(kind: str) -> str:
    """`gp_consultation` -> `GP consultation`; `missed_appointment` -> `missed appointment`."""
    return kind_in_sentence(kind)


_INJURY_WORDS: Final = {
    "fracture": "fracture",
    "bruise": "bruising",
    "burn": "burn",
    "head_injury": "head injury",
    "bite": "bite",
    "laceration": "cut",
    "other": "injury",
}


def short_site(site: Any) -> str:
    """`left arm - displaced spiral fracture, ...` -> `left arm`: the part before any detail."""
    if not site:
        return ""
    return re.split(r"\s+-\s+|[;,(]", str(site), maxsplit=1)[0].strip()


def kinds_sentence(entries: Iterable[ChronologyEntry]) -> str:
    """`hunger or weight loss, injury and school or nursery concern`, in order of severity."""
    cats: dict[str, int] = {}
    for entry in entries:
        found = category(entry) or entry.kind
        cats[found] = max(cats.get(found, 0), _SEVERITY.get(found, 0))
    ordered = sorted(cats, key=lambda c: (-cats[c], c))
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " and " + ordered[-1]
