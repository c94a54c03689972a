"""Health services: the one vocabulary for what a missed appointment was for, from free text.

Agencies and chronology writers name a service however their system or habit does: "Paediatric
OPD", "GP / paediatric follow-up", "fracture clinic review", "Growth clinic (dietitian)", "CAMHS
appt", "Orthopaedic f/u", "SALT". `service_types` reads such text and names the service types it
mentions, so an indicator can ask whether an appointment was for a health need already known
without every agency using the same words (as `body_sites` does for where an injury was).

Two kinds of type live here. Most are services a child is referred to for a need already
found: a paediatrician, growth and nutrition, fractures, mental health, hearing and sight,
therapies, dental treatment, hospital follow-up and other specialists. The rest are routine
contacts every child has (immunisations, routine dental check-ups, health visiting reviews,
universal screening such as the newborn hearing screen, a GP), which children miss often and
which do not show a known need (NICE CG89 speaks of appointments "essential to the child's
health"). A bare "dental" or "dentist" reads as a routine check-up: only words for treatment
(treatment, decay, caries, extraction, fillings) make it dental treatment. Text that names no
known service gives an empty set: an unknown service never counts as a known need.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

# -- service types ----------------------------------------------------------------------------

PAEDIATRICS: Final = "paediatrics"
GROWTH_NUTRITION: Final = "growth_nutrition"
FRACTURE_ORTHOPAEDICS: Final = "fracture_orthopaedics"
MENTAL_HEALTH: Final = "mental_health"
HEARING_VISION: Final = "hearing_vision"
THERAPY: Final = "therapy"
DENTAL_TREATMENT: Final = "dental_treatment"
HOSPITAL_FOLLOW_UP: Final = "hospital_follow_up"
SPECIALIST: Final = "specialist"
IMMUNISATION: Final = "immunisation"
DENTAL_CHECK_UP: Final = "dental_check_up"
HEALTH_VISITING: Final = "health_visiting"
GP: Final = "gp"
SCREENING: Final = "screening"

#: Every type `service_types` can return, with a label a social worker reads.
SERVICE_TYPES: Final[dict[str, str]] = {
    PAEDIATRICS: "paediatrics (paediatric clinic, community paediatrician)",
    GROWTH_NUTRITION: "growth and nutrition (growth clinic, dietetics, weight management)",
    FRACTURE_ORTHOPAEDICS: "fracture clinic or orthopaedics",
    MENTAL_HEALTH: "mental health (CAMHS)",
    HEARING_VISION: "hearing or sight (audiology, ophthalmology, eye clinic, orthoptics)",
    THERAPY: "therapy (physiotherapy, speech and language, occupational therapy)",
    DENTAL_TREATMENT: "dental treatment (not a routine check-up)",
    HOSPITAL_FOLLOW_UP: "hospital follow-up or outpatients",
    SPECIALIST: "other specialist clinic",
    IMMUNISATION: "immunisation (routine)",
    DENTAL_CHECK_UP: "dental check-up (routine)",
    HEALTH_VISITING: "health visitor or child health review (routine)",
    GP: "GP (routine)",
    SCREENING: "universal screening (newborn hearing, school vision; routine)",
}

#: The types that show a health need already known; the rest are routine contacts.
KNOWN_NEED_TYPES: Final[frozenset[str]] = frozenset(
    {
        PAEDIATRICS,
        GROWTH_NUTRITION,
        FRACTURE_ORTHOPAEDICS,
        MENTAL_HEALTH,
        HEARING_VISION,
        THERAPY,
        DENTAL_TREATMENT,
        HOSPITAL_FOLLOW_UP,
        SPECIALIST,
    }
)

# -- free text ---------------------------------------------------------------------------------

# Phrases, most specific first: a phrase that matches consumes its words, so "dental
# treatment" is not also read as a routine "dental" visit and "hospital follow-up" not as a
# bare follow-up. Underscores are read as spaces, so the ids above match themselves.
_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (
        r"(?:newborn|new born|neonatal|school|universal|routine) (?:hearing |vision |sight |eye )?"
        r"(?:screen\w*|tests?|checks?)|(?:hearing|vision|sight|eye) screen\w*",
        SCREENING,
    ),
    (
        r"dental (?:treatment|extractions?|fillings?|surgery|decay|caries|under ga)"
        r"|(?:tooth|teeth|dental) extractions?|extractions? under ga|(?:tooth|dental) decay"
        r"|caries|fillings?|restorative dentistry|community dental service|cds",
        DENTAL_TREATMENT,
    ),
    (
        r"(?:routine )?dental (?:check[- ]?ups?|checks?|reviews?|exam\w*|appt|appointments?)"
        r"|dentists?|dental",
        DENTAL_CHECK_UP,
    ),
    (
        r"growth(?: clinic)?|dietetics?|dieti[ct]ians?|dietetic|nutrition\w*|feeding clinic"
        r"|weight management|healthy weight|faltering growth|failure to thrive|ftt",
        GROWTH_NUTRITION,
    ),
    (
        r"fracture(?: clinic)?|fractures|orthopaedic\w*|orthopedic\w*|ortho|orthos|t ?& ?o"
        r"|trauma (?:and|&) orthopaedics|plaster (?:room|clinic)|cast (?:clinic|check)",
        FRACTURE_ORTHOPAEDICS,
    ),
    (
        r"camhs|cahms|child (?:and|&) adolescent mental health\w*|mental health|psychiatr\w*"
        r"|(?<!educational )psycholog\w*",
        MENTAL_HEALTH,
    ),
    (
        r"audiology|audiolog\w*|hearing(?: tests?| clinic| assessment| screen\w*)?|ent"
        r"|ophthalmology|ophthalmolog\w*|ophthalmic|eye (?:clinic|department|hospital|tests?|check)"
        r"|orthoptic\w*|optometr\w*|optician|vision",
        HEARING_VISION,
    ),
    (
        r"physio\w*|speech (?:and|&) language(?: therapy)?|salt|slt|speech therapy"
        r"|occupational therapy|ot|therapy|therapies",
        THERAPY,
    ),
    (
        r"(?:community |consultant )?paediatric\w*|(?:community |consultant )?pediatric\w*"
        r"|paeds|peds|child development (?:centre|center|clinic)|neurodevelopmental",
        PAEDIATRICS,
    ),
    (
        r"hospital (?:follow[- ]?ups?|f/u|fu|appt|appointments?|clinic|review|outpatients?)"
        r"|out[- ]?patients?|opd|opa|clinic follow[- ]?ups?",
        HOSPITAL_FOLLOW_UP,
    ),
    (
        r"specialists?|consultant|cardiology|neurology|endocrin\w*|gastro\w*|respiratory"
        r"|asthma clinic|diabet\w*|epilepsy|renal|urology|dermatology|allergy|oncology|haematology"
        r"|surgical|surgery clinic",
        SPECIALIST,
    ),
    (
        r"immuni[sz]ations?|vaccinations?|vaccines?|imms|jabs?|boosters?|mmr|6[- ]in[- ]1|flu",
        IMMUNISATION,
    ),
    (
        r"health visit\w*|hv|child health (?:clinic|review|check)|developmental (?:review|check)"
        r"|\d+ ?(?:-|to) ?\d+\S* (?:year|month|week) (?:review|check)"
        r"|\d+\S* (?:year|month|week) (?:review|check)",
        HEALTH_VISITING,
    ),
    (r"gp|general practi\w*|family doctor|doctors? surgery", GP),
)

_MATCHER: Final = re.compile(
    "|".join(f"(?P<g{i}>(?<![\\w])(?:{pattern})(?![\\w]))" for i, (pattern, _) in enumerate(_PHRASES)),
    re.IGNORECASE,
)


def _text_of(value: Any) -> str:
    """A service attr may be text or, from some feeds, a list of texts."""
    if isinstance(value, str):
        return value.replace("_", " ")
    if isinstance(value, list | tuple):
        return " ; ".join(_text_of(v) for v in value)
    return ""


@lru_cache(maxsize=4096)
def _parse(text: str) -> frozenset[str]:
    found: set[str] = set()
    for match in _MATCHER.finditer(text):
        group = match.lastgroup
        assert group is not None
        found.add(_PHRASES[int(group[1:])][1])
    return frozenset(found)


def service_types(value: Any) -> frozenset[str]:
    """The service types `value` names: "GP / paediatric follow-up" -> {gp, paediatrics}."""
    return _parse(_text_of(value))


def service_label(service_type: str) -> str:
    return SERVICE_TYPES.get(service_type, service_type.replace("_", " "))


def is_known_service_type(name: str) -> bool:
    return name in SERVICE_TYPES
