"""Body sites: the one vocabulary for where on a child an injury is, from whatever agencies write.

Two things live here. `BODY_SITES` is the body map the web form draws and school concern logs
use (ids such as ``left_ear``). `regions` reads free text as agencies write it ("L ear",
"bruising behind ear", "face and ears", "jaw line", "tummy", "subconjunctival haemorrhage")
and names the body regions it mentions, so that an indicator can ask where an injury was
without every agency using the same words.

Regions follow the bruising studies the policy cites. The TEN-4-FACESp rule (Pierce et al.,
JAMA Netw Open 2021) names the torso, ears, neck, frenulum, angle of the jaw, fleshy cheeks,
eyelids and subconjunctivae; its torso, as in the original TEN-4 rule, takes in the chest,
abdomen, back, buttocks and genital area. The other regions are where mobile children bruise
by accident (Kemp et al., Arch Dis Child 2015: mostly below the knees, then the forehead and
the "facial T"), so a background injury can carry a realistic site and be told apart.

Left and right are the child's own, as on every body map practitioners use. Text that names no
known region gives an empty set: an unknown site never counts as a worrying one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

# -- regions ----------------------------------------------------------------------------------

TORSO: Final = "torso"
EAR: Final = "ear"
NECK: Final = "neck"
FRENULUM: Final = "frenulum"
ANGLE_OF_JAW: Final = "angle_of_jaw"
CHEEK: Final = "cheek"
EYELID: Final = "eyelid"
SUBCONJUNCTIVA: Final = "subconjunctiva"
BUTTOCKS: Final = "buttocks"
GENITALS: Final = "genitals"

#: Every region `regions` can return, with a label a social worker reads.
REGIONS: Final[dict[str, str]] = {
    TORSO: "torso (chest, tummy, back or sides)",
    EAR: "ear",
    NECK: "neck",
    FRENULUM: "frenulum (the skin joining lip or tongue to the gum)",
    ANGLE_OF_JAW: "angle of the jaw",
    CHEEK: "cheek",
    EYELID: "eyelid or around the eye",
    SUBCONJUNCTIVA: "white of the eye (subconjunctival bleeding)",
    BUTTOCKS: "buttocks",
    GENITALS: "genital area",
    "head": "head or scalp",
    "forehead": "forehead or brow",
    "face": "face (part not stated)",
    "nose": "nose",
    "mouth": "mouth or lips",
    "chin": "chin",
    "cheekbone": "cheekbone",
    "shoulder": "shoulder",
    "upper_arm": "upper arm",
    "elbow": "elbow",
    "forearm": "forearm",
    "wrist": "wrist",
    "hand": "hand or fingers",
    "hip": "hip",
    "thigh": "thigh",
    "knee": "knee",
    "shin": "shin or lower leg",
    "ankle": "ankle",
    "foot": "foot or toes",
    "leg": "leg (part not stated)",
    "arm": "arm (part not stated)",
}

#: The TEN-4-FACESp regions (Pierce et al. 2021), with the torso's buttocks and genital area.
TEN4_FACES_REGIONS: Final[frozenset[str]] = frozenset(
    {TORSO, EAR, NECK, FRENULUM, ANGLE_OF_JAW, CHEEK, EYELID, SUBCONJUNCTIVA, BUTTOCKS, GENITALS}
)

#: Where children who are walking bruise or graze themselves in everyday accidents: over the
#: bony prominences at the front of the body (Maguire S et al., "Are there patterns of bruising
#: in childhood which are diagnostic or suggestive of abuse? A systematic review", Arch Dis
#: Child 2005;90:182-6; Kemp AM et al., Arch Dis Child 2015;100:426-31: mostly below the
#: knees, then the forehead).
EVERYDAY_ACCIDENT_REGIONS: Final[frozenset[str]] = frozenset({"knee", "shin", "forehead", "elbow"})

#: Named groups a policy may use in place of a list of regions.
REGION_GROUPS: Final[dict[str, frozenset[str]]] = {
    "ten4_faces": TEN4_FACES_REGIONS,
    "everyday_accident": EVERYDAY_ACCIDENT_REGIONS,
}

# -- the web form's body map -------------------------------------------------------------------

#: site id -> (label, view). Views: front or back.
BODY_SITES: Final[dict[str, tuple[str, str]]] = {
    "head": ("Head (top and forehead)", "front"),
    "face": ("Face", "front"),
    "left_ear": ("Left ear", "front"),
    "right_ear": ("Right ear", "front"),
    "neck": ("Neck (front)", "front"),
    "chest": ("Chest", "front"),
    "abdomen": ("Abdomen", "front"),
    "genitals": ("Genital area", "front"),
    "left_upper_arm": ("Left upper arm", "front"),
    "right_upper_arm": ("Right upper arm", "front"),
    "left_forearm": ("Left forearm", "front"),
    "right_forearm": ("Right forearm", "front"),
    "left_hand": ("Left hand", "front"),
    "right_hand": ("Right hand", "front"),
    "left_thigh": ("Left thigh", "front"),
    "right_thigh": ("Right thigh", "front"),
    "left_lower_leg": ("Left lower leg", "front"),
    "right_lower_leg": ("Right lower leg", "front"),
    "left_foot": ("Left foot", "front"),
    "right_foot": ("Right foot", "front"),
    "back_of_head": ("Back of head", "back"),
    "back_of_neck": ("Back of neck", "back"),
    "upper_back": ("Upper back", "back"),
    "lower_back": ("Lower back", "back"),
    "buttocks": ("Buttocks", "back"),
    "back_of_left_arm": ("Back of left arm", "back"),
    "back_of_right_arm": ("Back of right arm", "back"),
    "back_of_left_leg": ("Back of left leg", "back"),
    "back_of_right_leg": ("Back of right leg", "back"),
}

_BY_FOLDED: Final[dict[str, str]] = {
    **{site: site for site in BODY_SITES},
    **{label.lower(): site for site, (label, _) in BODY_SITES.items()},
    **{site.replace("_", " "): site for site in BODY_SITES},
}


def body_site(text: str) -> str | None:
    """`Left ear`, `left_ear` and `LEFT EAR` are the same map site; None when not on the map."""
    folded = text.strip().lower()
    return _BY_FOLDED.get(" ".join(folded.split())) or _BY_FOLDED.get(folded)


def site_label(site: str) -> str:
    return BODY_SITES[site][0] if site in BODY_SITES else site


# -- free text ---------------------------------------------------------------------------------

# Phrases, most specific first: a phrase that matches consumes its words, so "angle of jaw"
# is not also read as "jaw", "side of head" not as a side of the torso, and "back of the
# leg" not as the back.
_PHRASES: Final[tuple[tuple[str, str | None], ...]] = (
    (
        r"back of (?:the |his |her )?(?:left |right |l |r )?"
        r"(?=(?:legs?|arms?|thighs?|knees?|hands?|hips?|calf|calves|upper arms?)\b)",
        None,
    ),
    # "Fingertip bruises", "finger-tip marks": the shape of a grip, not an injury on the hand.
    (r"finger ?-?tips?(?= ?-?(?:bruis|marks?\b|pattern|grip|shaped))", None),
    (
        r"subconjunctiv\w*|whites? of (?:the |his |her |both )?eyes?|bloodshot eyes?|sub-conjunctiv\w*",
        SUBCONJUNCTIVA,
    ),
    (r"frenulum|frenula|frenum|fraenulum|frenulae?", FRENULUM),
    (r"angles? of (?:the )?jaws?|jaw ?lines?|jaws?|mandibles?|mandibular", ANGLE_OF_JAW),
    (
        r"black eyes?|eye ?lids?|periorbital\w*|peri-orbital\w*"
        r"|around (?:the |his |her |both )?eyes?|eye sockets?|eyes?",
        EYELID,
    ),
    (r"cheek ?bones?|zygoma\w*", "cheekbone"),
    (r"cheeks?", CHEEK),
    (r"ear ?lobes?|pinnae?|ears?|behind (?:the |his |her )?ears?", EAR),
    (r"back of (?:the |his |her )?neck|nape|necks?|throat", NECK),
    (
        r"back of (?:the |his |her )?head|side of (?:the |his |her )?head"
        r"|scalp|skull|head|crown|occiput\w*|temples?",
        "head",
    ),
    (
        r"fore ?heads?|brows?|eye ?brows?|over (?:the |his |her |left |right )?eyes?"
        r"|above (?:the |his |her )?eyes?",
        "forehead",
    ),
    (r"buttocks?|bottom|bum|glute\w*", BUTTOCKS),
    (r"genital\w*|groin|penis|scrotum|testicles?|vulva|labia|vagina\w*|nappy area|private parts?", GENITALS),
    (
        r"upper back|lower back|back|spine|chest|ribs?|rib cage|abdomen|abdominal|abdo|tummy|belly"
        r"|stomach|torso|trunk|flanks?|loins?|sternum|breasts?|nipples?|collar ?bones?|clavicles?",
        TORSO,
    ),
    (r"inside (?:of )?(?:the |his |her )?mouth|lips?|mouth|gums?|tongue|oral", "mouth"),
    (r"noses?|nostrils?|nasal", "nose"),
    (r"chin", "chin"),
    (r"faces?|facial", "face"),
    (r"shoulders?|shoulder blades?|scapula\w*", "shoulder"),
    (r"upper arms?|biceps?|humerus|humeral|armpits?", "upper_arm"),
    (r"elbows?|supracondylar", "elbow"),
    (r"fore ?arms?|radius|ulna|radial|ulnar", "forearm"),
    (r"wrists?", "wrist"),
    (r"hands?|palms?|fingers?|finger ?tips?|thumbs?|knuckles?", "hand"),
    (r"hips?", "hip"),
    (r"thighs?|femur|femoral", "thigh"),
    (r"knees?|kneecaps?", "knee"),
    (r"shins?|lower legs?|calf|calves|tibia\w*|fibula\w*", "shin"),
    (r"ankles?", "ankle"),
    (r"feet|foot|toes?|heels?|soles?", "foot"),
    (r"legs?", "leg"),
    (r"arms?", "arm"),
)

_SIDE_WORDS: Final[dict[str, str]] = {
    "left": "left",
    "l": "left",
    "lt": "left",
    "right": "right",
    "r": "right",
    "rt": "right",
    "both": "both",
    "bilateral": "both",
    "bilaterally": "both",
}

_MATCHER: Final = re.compile(
    "|".join(f"(?P<g{i}>\\b(?:{pattern})\\b)" for i, (pattern, _) in enumerate(_PHRASES)),
    re.IGNORECASE,
)
_SIDE_BEFORE: Final = re.compile(
    r"\b(left|right|lt|rt|l|r|both|bilateral)\b[\s.\-]*(?:sided\s+)?(?:side\s+of\s+)?(?:the\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
_SIDE_JUST_BEFORE: Final = re.compile(
    r"\b(?:left|right|lt|rt|l|r|both|bilateral)\)?[\s.\-]*(?:sided\s+)?$", re.IGNORECASE
)
_SIDE_AFTER: Final = re.compile(r"^\s*\(?\s*(left|right|lt|rt|l|r|bilateral|bilaterally)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Site:
    """One place named in a text: its region and, when the text says, the child's side."""

    region: str
    side: str | None = None


def _text_of(value: Any) -> str:
    """A site attr may be text, a body-map id or a list of either."""
    if isinstance(value, str):
        mapped = body_site(value)
        return mapped.replace("_", " ") if mapped else value
    if isinstance(value, list | tuple):
        return " ; ".join(_text_of(v) for v in value)
    return ""


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[Site, ...]:
    found: list[Site] = []
    for match in _MATCHER.finditer(text.replace("_", " ")):
        group = match.lastgroup
        assert group is not None
        region = _PHRASES[int(group[1:])][1]
        if region is None:
            continue
        found.append(Site(region, _side(text, match.start(), match.end())))
    return tuple(dict.fromkeys(found))


def _side(text: str, start: int, end: int) -> str | None:
    before = _SIDE_BEFORE.search(text[max(0, start - 24) : start])
    if before:
        return _SIDE_WORDS[before.group(1).lower()]
    after = _SIDE_AFTER.match(text[end : end + 16])
    if after:
        return _SIDE_WORDS[after.group(1).lower()]
    return None


def phrase_spans(text: str) -> tuple[tuple[int, int, str | None], ...]:
    """Where in `text` each body phrase is: (start, end, region), in order, the start taken back
    to a side word written just before it ("left forearm", "R) ear"). A phrase that only leads
    into another ("back of the left" before "leg") has region None."""
    spans: list[tuple[int, int, str | None]] = []
    for match in _MATCHER.finditer(text.replace("_", " ")):
        group = match.lastgroup
        assert group is not None
        side = _SIDE_JUST_BEFORE.search(text[: match.start()])
        start = side.start() if side else match.start()
        spans.append((start, match.end(), _PHRASES[int(group[1:])][1]))
    return tuple(spans)


#: Parts of the body a generic region takes in: a school's "Left arm" on the map is where the
#: words' "left upper arm" is.
_PARTS_OF: Final[dict[str, frozenset[str]]] = {
    "arm": frozenset({"upper_arm", "elbow", "forearm", "wrist", "hand", "shoulder"}),
    "leg": frozenset({"thigh", "knee", "shin", "ankle", "foot", "hip"}),
    "face": frozenset({CHEEK, EYELID, SUBCONJUNCTIVA, FRENULUM, ANGLE_OF_JAW, "cheekbone"})
    | frozenset({"forehead", "nose", "mouth", "chin"}),
    "head": frozenset({"forehead", EAR}),
}


def same_place(one: Any, other: Any) -> bool:
    """Whether two site texts name the same place: a shared region, or one a part of the
    other's ("left upper arm" is on the "Left arm"), on the same side where both say a side."""
    for first in sites(one):
        for second in sites(other):
            related = (
                first.region == second.region
                or second.region in _PARTS_OF.get(first.region, ())
                or first.region in _PARTS_OF.get(second.region, ())
            )
            if related and (first.side is None or second.side is None or first.side == second.side):
                return True
    return False


def sites(value: Any) -> tuple[Site, ...]:
    """Every site named in `value` (free text, a body-map id, or a list), in the order written."""
    return _parse(_text_of(value))


def regions(value: Any) -> frozenset[str]:
    """The regions named in `value`: "L ear, cheek and tummy" -> {ear, cheek, torso}."""
    return frozenset(site.region for site in sites(value))


def region_label(region: str) -> str:
    return REGIONS.get(region, region.replace("_", " "))


def expand_regions(names: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Region names with any group name (``ten4_faces``) replaced by its regions."""
    out: set[str] = set()
    for name in names:
        out |= REGION_GROUPS.get(name, frozenset({name}))
    return frozenset(out)


def is_known_region(name: str) -> bool:
    return name in REGIONS or name in REGION_GROUPS
