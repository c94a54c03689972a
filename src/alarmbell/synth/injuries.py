"""Accidental injuries by age and mobility, with the body sites agencies actually write.

A site-aware indicator can only be judged fairly against realistic accidents. Community
studies agree on the shape (docs/synthetic.md gives the figures):

- babies who are not yet mobile rarely bruise (Sugar et al. 1999: 2.2% of pre-cruisers had a
  bruise; Kemp et al. 2015: 2.2% of babies who could not roll over), so accidental injuries at
  that age are few and are mostly head knocks from falls off beds and sofas;
- once children move, bruises become common (Kemp et al. 2015: 45.6% of early-mobile and
  78.8% of walking children's weekly checks) and sit over bony prominences: below the knees
  first, then the forehead ("facial T") and head; ears, neck, buttocks, genitals and hands are
  rarely bruised (under 1% of checks);
- toddlers break the tibia (the "toddler's fracture"), the forearm, the elbow and the
  collarbone; school-age fractures are mostly the distal forearm and wrist, from falls and sport
  (Korup et al. 2022; Mamoowala et al. 2019).

Sites are free text as agencies record them ("L shin", "both knees", "back of head"), so a
body-site vocabulary is exercised on the same spellings it meets in real records.
"""

from __future__ import annotations

import random
from typing import Final

from alarmbell.synth.households import Person
from alarmbell.synth.rates import rate

#: Weighted (value, weight) pairs; the weights of each tuple sum to 1.
Weighted = tuple[tuple[str, float], ...]

PRE_MOBILE, EARLY_MOBILE, WALKING, SCHOOL_AGE = "pre_mobile", "early_mobile", "walking", "school_age"
_SCHOOL_AGE_DAYS: Final[int] = 1826  # 5 years


def mobile_from(child: Person) -> int:
    """Age in days at which this child starts to crawl: 6 to 11 months, fixed per child.

    Derived from the birth date and slot (not from the household's generator) so that adding
    this did not shift any other random draw.
    """
    return 180 + (child.dob * 7919 + child.slot * 104_729) % 151


def stage(child: Person, day: int) -> str:
    """pre-mobile, early mobile (crawling, cruising: the first five months), walking, school age."""
    age = child.age_days(day)
    onset = mobile_from(child)
    if age < onset:
        return PRE_MOBILE
    if age < onset + 150:
        return EARLY_MOBILE
    return WALKING if age < _SCHOOL_AGE_DAYS else SCHOOL_AGE


def is_mobile(child: Person, day: int) -> bool:
    return stage(child, day) != PRE_MOBILE


#: Share of a child's A&E attendances that are for an injury, by stage. Infants mostly attend
#: for illness; injuries peak with walking (the overall attendance rate does not change). With
#: bruises 13% of a pre-mobile baby's injuries, 1.3% of its attendances are for a bruise: the
#: share Pierce et al. (Ann Emerg Med 2016) found in infants of 5 months or younger.
INJURY_SHARE: Final[dict[str, float]] = {
    PRE_MOBILE: 0.10,
    EARLY_MOBILE: 0.30,
    WALKING: 0.40,
    SCHOOL_AGE: rate("ed_injury_share"),
}

KINDS: Final[dict[str, Weighted]] = {
    PRE_MOBILE: (
        ("head_injury", 0.40),
        ("other", 0.28),
        ("burn", 0.10),
        ("bruise", 0.13),
        ("laceration", 0.07),
        ("fracture", 0.02),
    ),
    EARLY_MOBILE: (
        ("head_injury", 0.35),
        ("other", 0.23),
        ("bruise", 0.15),
        ("laceration", 0.15),
        ("burn", 0.08),
        ("fracture", 0.04),
    ),
    WALKING: (
        ("laceration", 0.25),
        ("head_injury", 0.25),
        ("bruise", 0.15),
        ("other", 0.15),
        ("fracture", 0.10),
        ("burn", 0.07),
        ("bite", 0.03),
    ),
    SCHOOL_AGE: (
        ("laceration", 0.25),
        ("fracture", 0.22),
        ("other", 0.18),
        ("bruise", 0.15),
        ("head_injury", 0.15),
        ("bite", 0.03),
        ("burn", 0.02),
    ),
}

#: Bruise sites of mobile children. Shins, knees, forehead and elbows take 76% (walking) and
#: 69% (early mobile, where the forehead and head lead); torso, cheek and ear 5-7%.
_BRUISE_WALKING: Final[Weighted] = (
    ("L shin", 0.12),
    ("right shin", 0.10),
    ("both shins", 0.06),
    ("front of lower leg", 0.04),
    ("R knee", 0.08),
    ("left knee", 0.07),
    ("both knees", 0.05),
    ("forehead", 0.14),
    ("centre of forehead", 0.03),
    ("L elbow", 0.04),
    ("right elbow", 0.03),
    ("thigh", 0.04),
    ("back of head", 0.04),
    ("L forearm", 0.03),
    ("chin", 0.03),
    ("nose", 0.02),
    ("upper arm", 0.02),
    ("lower back", 0.02),
    ("R cheek", 0.02),
    ("back of hand", 0.01),
    ("left ear", 0.01),
)
_BRUISE_EARLY: Final[Weighted] = (
    ("forehead", 0.30),
    ("centre of forehead", 0.05),
    ("back of head", 0.10),
    ("L shin", 0.08),
    ("right shin", 0.07),
    ("R knee", 0.08),
    ("both knees", 0.07),
    ("left elbow", 0.04),
    ("chin", 0.06),
    ("bridge of nose", 0.05),
    ("L cheek", 0.04),
    ("back", 0.03),
    ("upper arm", 0.03),
)
_BRUISE_PRE_MOBILE: Final[Weighted] = (
    ("forehead", 0.40),
    ("L cheek", 0.20),
    ("right leg", 0.20),
    ("left arm", 0.20),
)
#: The spellings above that name shins, knees, forehead or elbows (tests hold the share).
BONY_PROMINENCES: Final[frozenset[str]] = frozenset(
    {
        "L shin",
        "right shin",
        "both shins",
        "front of lower leg",
        "R knee",
        "left knee",
        "both knees",
        "forehead",
        "centre of forehead",
        "L elbow",
        "right elbow",
        "left elbow",
    }
)

_FRACTURE: Final[dict[str, Weighted]] = {
    PRE_MOBILE: (("skull", 0.5), ("collarbone", 0.3), ("left upper arm", 0.2)),
    EARLY_MOBILE: (("collarbone", 0.35), ("L forearm", 0.25), ("skull", 0.2), ("right lower leg", 0.2)),
    WALKING: (
        ("left tibia", 0.14),
        ("R tibia (toddler's fracture)", 0.11),
        ("R elbow (supracondylar)", 0.15),
        ("L forearm", 0.15),
        ("right wrist", 0.12),
        ("collarbone", 0.15),
        ("finger", 0.08),
        ("L ankle", 0.07),
        ("skull", 0.03),
    ),
    SCHOOL_AGE: (
        ("L wrist", 0.18),
        ("right forearm", 0.15),
        ("distal radius", 0.05),
        ("finger", 0.12),
        ("R elbow", 0.06),
        ("upper arm", 0.04),
        ("collarbone", 0.08),
        ("ankle", 0.08),
        ("L lower leg", 0.06),
        ("toe", 0.07),
        ("hand", 0.06),
        ("nose", 0.03),
        ("rib", 0.02),
    ),
}
_HEAD: Final[Weighted] = (
    ("forehead", 0.45),
    ("back of head", 0.30),
    ("side of head", 0.10),
    ("above R eye", 0.08),
    ("L temple", 0.07),
)
_LACERATION: Final[Weighted] = (
    ("chin", 0.25),
    ("forehead", 0.25),
    ("eyebrow", 0.15),
    ("lip", 0.10),
    ("knee", 0.10),
    ("finger", 0.10),
    ("hand", 0.05),
)
_BURN: Final[Weighted] = (
    ("hand", 0.35),
    ("fingers", 0.20),
    ("R forearm", 0.20),
    ("chest", 0.15),
    ("foot", 0.10),
)
_BITE: Final[Weighted] = (("hand", 0.40), ("forearm", 0.30), ("leg", 0.20), ("face", 0.10))
_OTHER: Final[dict[str, Weighted]] = {
    PRE_MOBILE: (("mouth", 0.50), ("finger", 0.30), ("face", 0.20)),
    EARLY_MOBILE: (("mouth", 0.50), ("finger", 0.30), ("nose", 0.20)),
    WALKING: (("mouth", 0.30), ("finger", 0.30), ("ankle", 0.20), ("nose", 0.20)),
    SCHOOL_AGE: (("ankle", 0.45), ("knee", 0.20), ("wrist", 0.20), ("finger", 0.15)),
}

_EXPLAIN: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("bruise", PRE_MOBILE): ("older sibling dropped a toy on her", "knocked against car seat buckle"),
    ("bruise", EARLY_MOBILE): ("pulled up on coffee table and fell", "crawled into table leg"),
    ("bruise", WALKING): (
        "fell over in the garden",
        "tripped on the stairs",
        "walked into door frame",
        "fell at nursery, seen by staff",
    ),
    ("bruise", SCHOOL_AGE): ("football tackle", "fell off scooter", "PE lesson, seen by teacher"),
    ("head_injury", PRE_MOBILE): ("rolled off the bed", "fell from changing mat", "rolled off sofa"),
    ("head_injury", EARLY_MOBILE): ("pulled self up and fell backwards", "fell off the sofa"),
    ("head_injury", WALKING): ("fell off climbing frame", "collided with sibling", "fell down two stairs"),
    ("head_injury", SCHOOL_AGE): ("fell off trampoline", "head clash at football", "fell off bike"),
    ("fracture", PRE_MOBILE): ("dropped by carer on stairs, witnessed", "car seat fell from worktop"),
    ("fracture", EARLY_MOBILE): ("fell from highchair", "fell off bed onto toy"),
    ("fracture", WALKING): ("twisted leg running, seen at nursery", "fell from slide", "fell off sofa"),
    ("fracture", SCHOOL_AGE): ("fell on outstretched hand", "fell off bike", "football tackle"),
    ("laceration", ""): ("cut on coffee table corner", "fell in playground", "cut on glass in garden"),
    ("burn", ""): ("touched hot oven door while parent cooking", "hot drink spilled, first aid given"),
    ("bite", ""): ("bitten by family dog", "bitten by child at nursery"),
    ("other", ""): ("swallowed small toy", "trapped finger in door", "sprained ankle"),
}


#: Assumption: a parent sometimes cannot say how an ordinary bump happened (found at bath time).
_UNEXPLAINED: Final[float] = 0.05
#: Accidental fractures always come with an account of how they happened: in Rosado et al.
#: (Child Abuse Negl 2017;73:1-7), caregivers gave some explanation for every child under 18
#: months with a non-abusive humerus fracture, and none for half of those with an abusive one.
#: A fracture hurts at once, so someone saw or heard the fall; bumps and bruises are what is
#: found later.
_ALWAYS_EXPLAINED: Final[frozenset[str]] = frozenset({"fracture"})


def pick(rng: random.Random, weighted: Weighted) -> str:
    u = rng.random()
    for value, weight in weighted:
        u -= weight
        if u < 0:
            return value
    return weighted[-1][0]


def _site(rng: random.Random, injury: str, where: str) -> str:
    if injury == "bruise":
        sites = {PRE_MOBILE: _BRUISE_PRE_MOBILE, EARLY_MOBILE: _BRUISE_EARLY}.get(where, _BRUISE_WALKING)
        return pick(rng, sites)
    if injury == "fracture":
        return pick(rng, _FRACTURE[where])
    if injury == "other":
        return pick(rng, _OTHER[where])
    return pick(rng, {"head_injury": _HEAD, "laceration": _LACERATION, "burn": _BURN, "bite": _BITE}[injury])


def accidental_injury(rng: random.Random, child: Person, day: int) -> dict[str, object] | None:
    """The attrs of an accidental injury seen at A&E, or None when this attendance is for illness."""
    where = stage(child, day)
    if rng.random() >= INJURY_SHARE[where]:
        return None
    injury = pick(rng, KINDS[where])
    explanations = _EXPLAIN.get((injury, where)) or _EXPLAIN[(injury, "")]
    unexplained = rng.random() < _UNEXPLAINED and injury not in _ALWAYS_EXPLAINED
    return {
        "injury": injury,
        "site": _site(rng, injury, where),
        "explanation_given": "not sure how it happened"
        if unexplained
        else explanations[int(rng.random() * len(explanations))],
        "explanation": "none" if unexplained else "consistent",
        "delay_in_presentation": rng.random() < 0.02,
        "mobile": where != PRE_MOBILE,
    }
