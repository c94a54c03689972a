"""Signs described in words: text that reports a bruise, a burn, a fracture, a cut, a bite, hunger,
weight loss, violence, a young child left alone, medical care withheld from a child, or a
child's intimate relationship with an adult in a position of trust.

Agencies record an injury they examined with a type and a site (`injury`, `site`), and a
weighing with `weight_loss`, but what a relative, a neighbour or a nursery reports, and what a
health visitor writes in a contact note, usually arrives as words: a referral's concern
"Bruising to face and eye seen at contact", "black eye and bruised ear", "burn on her hand";
a health visitor's "concerns: weight loss, developmental delay"; a nursery's "always hungry,
taking food from other children's plates". A review of a one-year-old whose relatives reported
bruising to the face, eye and ears four times found the alerts never rose above amber, because
no structured injury was recorded. `described_signs` reads which signs the words report, so an
indicator can read a reported bruise on a TEN-4-FACESp region as it reads an examined one, and
a noted weight loss as it reads a weighing.

A report is not an examination, and the words can deny as well as report: a sign's words with
a negation in the few words before them ("no bruising", "no marks or bruises", "not bruised",
"without injury", "denies any burns", "no concerns about weight loss", "not hungry") are not
read.

"Cut" and "bite" have everyday senses ("cut off contact", "funding cuts", "a short cut", "a bite
to eat"), so they report an injury only when the words say where on the body it is ("cut to
his lip", "cuts to left forearm", "cut lip", "cutting her arms", "bite mark on arm", "bitten on
the hand"), read by `alarmbell.domain.body_sites`; a laceration and a bite mark are injuries
wherever they are written. Both are the body map's kinds (`laceration`, `bite`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from alarmbell.domain.body_sites import phrase_spans, regions
from alarmbell.domain.recorded_text import fold

#: Whom an act of violence is done to or by, so that "punched her" is violence and "punched a
#: wall" or "kicked a football" is not.
_PERSON: Final = (
    r"(?:her|him|them|me|mum|mother|dad|father|partner|wife|husband|girlfriend|boyfriend|v|by"
    r"|the (?:victim|child|baby|mother|father|boy|girl)|(?:his|her|their) (?:mum|mother|dad|father|partner"
    r"|wife|husband|girlfriend|boyfriend|son|daughter|child|baby|brother|sister))(?!\w)"
)

#: Who keeps care from a child, which care, and the child it is for ("treatment_withheld").
_CARER: Final = r"(?:parents?|mother|father|mum|dad|carers?|family)"
_TREATMENT: Final = (
    r"(?: \w+){0,3} (?:treatment|medication|medicines?|surgery|operation|admission|transfusion)"
)
_MEDICAL_HELP: Final = r"(?: (?:medical|hospital|urgent|timely))? (?:help|advice|attention|care|treatment)"
_CHILD_WORD: Final = r"(?:new ?born|baby|babies|child|children|infant|son|daughter|twins?|toddler)"
#: Not a refusal of the adult's own treatment: "for her depression", "for himself".
_NOT_FOR_THE_ADULT: Final = (
    rf"(?! for (?:her|his|their) (?!{_CHILD_WORD}(?!\w)))(?! for (?:her|him|them)sel(?:f|ves))"
)
#: Up to two words between the carer and the verb, never a denial ("parents did not refuse").
_CARER_THEN: Final = rf"{_CARER}(?: (?!not|never|didn)\w+){{0,2}}"

#: Words for an intimate or sexual relationship, never a working or pastoral one ("good
#: relationship with her teacher", "close relationship with her TA" are ordinary school life).
_INTIMATE: Final = (
    r"(?:holding|held|hold|holds) hands|kiss(?:ed|ing|es)?|cuddl(?:ed|ing)|dating|going out with"
    r"|(?:inappropriate|sexual|romantic|intimate|secret|physical) relationship|in a relationship with"
    r"|sexual (?:activity|contact|messages|images)|sexting|love letters?"
)
#: A role in a position of trust, as `alarmbell.domain.positions_of_trust` reads it (a subset
#: kept here so the words stay close together: "her maths teacher", "the football coach").
_TRUSTED: Final = (
    r"(?:\w+ )?(?:teachers?|tutors?|lecturers?|teaching assistants?|coach(?:es)?|instructors?"
    r"|youth (?:worker|leader)s?|care workers?|foster carers?|(?:member of|school) staff|staff member)"
)

#: Sign -> the words that report it (folded text, whole words). Weight-loss words are those a
#: health professional writes for a falling weight (NICE CG89 1.3, "faltering growth"), not a
#: low weight alone: "underweight" and "small" describe many well babies born early.
_WORDS: Final[dict[str, str]] = {
    "bruise": r"bruis(?:e|es|ed|ing)|black eyes?|contusions?",
    "burn": r"burn(?:s|t|ed)?|scald(?:s|ed)?|cigarette burns?",
    "fracture": (
        r"fractur(?:e|es|ed)|broken (?:arm|leg|wrist|ankle|rib|ribs|bone|bones|collar ?bone"
        r"|femur|skull|finger|toe|nose)"
    ),
    "hunger": (
        r"hungry|hunger|starving|ravenous|food seeking|seeking food|(?:steal|stole|stealing|steals)"
        r" food|(?:taking|takes|took) food|hoard(?:s|ed|ing)? food|scaveng(?:e|es|ed|ing)"
        r"|(?:asking|begging|begs|asks) for food|(?:eating|ate|eats) from (?:the )?bins?"
    ),
    "laceration": r"lacerat(?:ion|ions|ed)|(?:cut|cuts|cutting)(?= (?P<site>.{1,48}))",
    "bite": (
        r"bite marks?|(?:human|dog|adult|child) bites?"
        r"|(?:bite|bites|bitten)(?= (?P<site>(?:to|on|over|across|in|at) .{1,40}))"
    ),
    # Acts of violence against a person ("referral following assault on mother by partner",
    # "mum strangled by partner"). Not "domestic violence" or "DV", which name abuse of any kind,
    # nor "hit", which is as often an accident ("hit his head on the table").
    "violence": (
        r"assault(?:s|ed|ing)?|physical(?:ly)? (?:violence|violent|assault(?:ed)?|attack(?:ed)?)"
        r"|strangl(?:ed|ing|ation)|stabb(?:ed|ing)|beat(?:en| up)|beating"
        rf"|(?:punch|kick|slapp|head ?butt|chok|push|shov)(?:ed|ing)(?= {_PERSON})"
        r"|(?:was|were|been|being|got) (?:punch|kick|slapp|head ?butt|chok|push|shov)ed"
        r"|grabbed (?:\w+ )?by the (?:throat|neck|hair)"
    ),
    # A young child left without an adult ("believed left alone for long periods", "toddler
    # home alone", "left unattended in the flat"). Not "unsupervised contact", which is a
    # contact arrangement, nor "leave him alone", which is what a child asks of a bully, nor
    # "mum left alone with the baby", which is about the parent.
    "left_alone": (
        r"(?:left (?:home )?alone|left (?:on (?:his|her|their) own|unattended|unsupervised)"
        r"|home alone|alone (?:at|in) (?:the )?(?:home|house|flat))(?! with)"
        r"|left without (?:an? )?(?:adult|carer|parent)"
        r"|(?:no|without) (?:any )?adult (?:supervision|present|at home|in the (?:home|house|flat))"
    ),
    # Carers keeping medical care from the child: refusing or declining treatment for the child,
    # or not seeking help for a child who needs it ("parents refused consent to treatment for the
    # newborn", "failed to seek medical advice", "took the baby home against medical advice").
    # Not a refused vaccination (a parent's lawful choice, and routine), nor an adult refusing
    # treatment for herself ("mother declined treatment for her depression"), nor a young person
    # declining a medicine.
    "treatment_withheld": (
        rf"{_CARER_THEN} (?:refus|declin)\w*(?: to (?:allow|consent to|give))?(?: consent (?:to|for))?"
        rf"{_TREATMENT}{_NOT_FOR_THE_ADULT}"
        rf"|(?:refus|declin)\w*(?: of| to allow| to give)?(?: consent (?:to|for))?{_TREATMENT}"
        rf"(?: \w+){{0,2}} for (?:an? |the |her |his |their |this )?{_CHILD_WORD}"
        rf"|(?:{_CARER_THEN} (?:did not|didn'?t|failed to|fail to|had not|have not)"
        r"|(?:failure|failing|failed) to)"
        rf" (?:seek|sought|obtain|get){_MEDICAL_HELP}"
        r"|(?:not|never) (?:giving|given|administering|administered)(?: (?:the|his|her|their))?"
        r" (?:prescribed|essential) (?:medication|medicines?|treatment)"
        r"|medical neglect|(?:took|take|taken|removed|discharged)(?: \w+){0,3} against medical advice"
    ),
    # An intimate relationship between a child and an adult in a position of trust, in one
    # clause ("she and her maths teacher were seen holding hands", "inappropriate relationship
    # with the football coach"; not "good relationship with her teacher").
    "trusted_adult_relationship": (
        rf"(?:{_INTIMATE})(?:(?! (?:and|but|while|however)\b)[^.;,]){{0,40}}?\b{_TRUSTED}"
        rf"|{_TRUSTED}(?: (?:was|were|is|are|been|seen|caught|found|reported|allegedly)){{0,2}}"
        rf" (?:{_INTIMATE})"
    ),
    "weight_loss": (
        r"weight loss|(?:lost|losing|loses) weight|weight (?:has )?(?:fallen|falling|dropped|dropping"
        r"|faltering|static)|faltering (?:growth|weight)|growth faltering|fail(?:ure|ing|ed|s)? to thrive"
        r"|(?:dropped|fallen|falling|crossed|crossing) (?:two |2 |three |3 |several )?(?:weight )?centiles?"
        r"|malnourish(?:ed|ment)|malnutrition|emaciated"
    ),
}
INJURY_TYPES: Final[frozenset[str]] = frozenset({"bruise", "burn", "fracture", "laceration", "bite"})
DESCRIBED_SIGNS: Final[tuple[str, ...]] = tuple(_WORDS)
#: A negation just before a sign's words denies it, with only words between that keep the
#: denial ("no bruising", "no visible marks or bruises", "no cuts, bruises or fractures", "not
#: bruised", "no concerns about weight loss"). Other words end it: "no explanation for the
#: bruising" reports a bruise.
_NEGATION: Final = re.compile(
    r"(?<!\w)(?:no|not|nil|none|without|denies|denied|nor|never)"
    r"(?:,? (?:any|visible|obvious|new|further|fresh|apparent|other|signs?|evidence|of|marks?|or|and"
    r"|injur(?:y|ies)|seen|found|noted|bruis(?:e|es|ing)|burns?|scalds?|fractures?|cuts?|grazes?"
    r"|scratch(?:es)?|lacerations?|bites?|bitten|swelling|concerns?|concerned|about|regarding|re"
    r"|physical|violence|allegations?|alleged"
    r"|appear(?:s|ed)?"
    r"|to be|hunger))*,? $"
)
#: `#`, the clinical shorthand for a fracture, written before the bone ("# L) radius", "#NOF").
_HASH: Final = r"(?<![\w#])#(?= ?(?P<site>[^\s#].{0,39}))"
_PATTERNS: Final[dict[str, re.Pattern[str]]] = {
    sign: re.compile(rf"(?<!\w)(?:{words})(?!\w)" + (f"|{_HASH}" if sign == "fracture" else ""))
    for sign, words in _WORDS.items()
}
#: How the words after "cut" say where on the body it is: a place ("to his lip", "cuts and
#: grazes to both knees"), whose body it is ("cutting her arms", "cutting herself", never
#: "cut himself off"), or the part itself ("cut lip"; never "back", which is "cut back on").
#: A few words only: "cut her hair short at the back" names no wound.
_CUT_SITE: Final = re.compile(
    r"(?:(?:and|or|&) (?:grazes?|scratch(?:es)?|bruis(?:e|es|ing)) )?"
    r"(?:to|on|over|above|below|under|across|behind|near|in|inside|at|around|along|between)"
    r"(?P<place>(?: [^\s,.;:()]+){1,5})"
    r"|(?:his|her|their|my|your)(?: own)?(?P<own>(?: [^\s,.;:()]+){1,3})"
    r"|(?P<self>herself|himself|themselves|myself|yourself)(?! off| out)"
    r"|(?P<part>(?!back\b)\w+)"
)
#: Words before "cut" or "bite" that make it no wound to look at: "a short cut", "hair cut",
#: "funding cuts"; an insect's bite.
_NOT_A_WOUND: Final[dict[str, re.Pattern[str]]] = {
    "laceration": re.compile(
        r"(?<!\w)(?:short|hair|power|funding|budget|price|pay|tax|cost|spending|job|service|benefit"
        r"|cold|clean|final|director'?s) $"
    ),
    "bite": re.compile(r"(?<!\w)(?:insect|mosquito|midge|gnat|flea|bed ?bug|tick|spider|ant) $"),
}


def _on_the_body(sign: str, match: re.Match[str], words: str) -> bool:
    """A cut's, a bite's or a `#`'s words say where on the body it is; other words stand alone."""
    guard = _NOT_A_WOUND.get(sign)
    if guard is not None and guard.search(words[: match.start()]):
        return False
    site = match.groupdict().get("site")
    if site is None:
        return True
    if sign == "laceration":
        place = _CUT_SITE.match(site)
        if place is None:
            return False
        if place.group("self"):  # "cutting herself": self-harm, a wound wherever it is
            return True
        site = place.group("place") or place.group("own") or place.group("part") or ""
    if sign == "fracture":  # `#` only when the bone follows at once: "#2 on the list" is no fracture
        spans = phrase_spans(site)
        return bool(spans) and spans[0][0] == 0 and spans[0][2] is not None
    return bool(regions(site.split(",")[0]))


def _reported(sign: str, pattern: re.Pattern[str], words: str) -> Iterator[re.Match[str]]:
    """Each place the words report `sign`: not denied, and, for a cut or bite, on the body."""
    for match in pattern.finditer(words):
        if not _NEGATION.search(words[: match.start()]) and _on_the_body(sign, match, words):
            yield match


@lru_cache(maxsize=16_384)
def _described_in(text: str) -> frozenset[str]:
    words = fold(text)
    reported = (sign for sign, pattern in _PATTERNS.items() if next(_reported(sign, pattern, words), None))
    return frozenset(reported)


def described_signs(value: object) -> frozenset[str]:
    """The signs the text, or the texts of a (nested) list, report; empty for anything else."""
    if isinstance(value, str):
        return _described_in(value)
    if isinstance(value, list | tuple):
        return frozenset().union(*(described_signs(item) for item in value))
    return frozenset()


def described_injuries(value: object) -> frozenset[str]:
    """The injury types (bruise, burn, fracture, laceration, bite) the text or texts report."""
    return described_signs(value) & INJURY_TYPES


# -- each injury with its site -------------------------------------------------------------------

#: Body-map kinds the words name only with a site ("red mark on his cheek", "scratches to the
#: neck", "graze to the knee"): read for placing an injury, never as a sign on their own.
_PLACED_ONLY: Final[dict[str, re.Pattern[str]]] = {
    "mark": re.compile(
        r"(?<!\w)(?<!birth )(?<!question )(?:red marks?|(?:finger ?tip |grip )?marks?|scratch(?:es)?)(?!\w)"
    ),
    "laceration": re.compile(r"(?<!\w)graz(?:e|es|ed)(?!\w)"),
    "head_injury": re.compile(r"(?<!\w)head injur(?:y|ies)(?!\w)"),
}
#: Kinds whose words say where they are: a head injury is on the head when no other site is given.
_IMPLIED_SITE: Final[dict[str, str]] = {"head_injury": "head"}
#: Words a site may start with after its injury ("to the left", "on his", "noted on").
_LEAD_IN: Final = re.compile(
    r"^[\s,:+\-]*(?:(?:to|on|over|across|at|in|of|around|under|below|above|behind|inside|the|his|her"
    r"|their|its|noted|seen|present|found|visible|observed|approx\w*|small|large|\d+ ?cm)(?:\s+|$))*"
)
#: What may stand between the parts of one site: "cheek and ear", "R) cheek & behind R) ear".
_SITE_JOIN: Final = re.compile(r"^(?:[\s,&+/]|and|or|the|his|her|their|behind|both)*$")
#: What may stand between two injuries that share the site after the second ("bruising and a
#: cut to the forearm").
_INJURY_JOIN: Final = re.compile(r"^(?:[\s,&+]|and|or|an?|some|small|large|minor|several|\d+)*$")
#: A clause: an injury's site is never looked for past a full stop or a semicolon.
_CLAUSE: Final = re.compile(r"[^.;!?\n]+")


def _site_after(segment: str) -> str | None:
    """The site that opens `segment` (the words after an injury): its body phrases run together."""
    lead = _LEAD_IN.match(segment)
    rest = segment[lead.end() if lead else 0 :]
    spans = phrase_spans(rest)
    if not spans or len(rest[: spans[0][0]].split()) > 1:
        return None
    end = spans[0][1]
    for start, stop, _ in spans[1:]:
        if not _SITE_JOIN.match(rest[end:start]):
            break
        end = stop
    return rest[spans[0][0] : end].strip(" ,&+/") if regions(rest[:end]) else None


def _site_before(segment: str) -> str | None:
    """The site that closes `segment` (the words before an injury: "L) forearm bruising")."""
    spans = [span for span in phrase_spans(segment) if span[2] is not None]
    if not spans or segment[spans[-1][1] :].strip(" ,:-"):
        return None
    return segment[spans[-1][0] : spans[-1][1]].strip()


def _clause_injuries(clause: str) -> list[tuple[str | None, str, int, int]]:
    """(site or None, kind, start, end) of every injury the clause reports, in order."""
    found: list[tuple[str | None, str, int, int]] = []
    patterns = [*((k, p) for k, p in _PATTERNS.items() if k in INJURY_TYPES), *_PLACED_ONLY.items()]
    for kind, pattern in patterns:
        for match in _reported(kind, pattern, clause):
            if not any(start <= match.start() < end for _, _, start, end in found):
                found.append((None, kind, match.start(), match.end()))
    found.sort(key=lambda item: item[2])
    placed: list[tuple[str | None, str, int, int]] = []
    for n, (_, kind, start, end) in enumerate(found):
        stop = found[n + 1][2] if n + 1 < len(found) else len(clause)
        begin = found[n - 1][3] if n else 0
        site = _site_after(clause[end:stop]) or _site_before(clause[begin:start])
        placed.append((site, kind, start, end))
    return placed


@lru_cache(maxsize=4096)
def _placed_in(text: str) -> tuple[tuple[str, str], ...]:
    points: list[tuple[str, str]] = []
    for clause in _CLAUSE.findall(fold(text)):
        injuries = _clause_injuries(clause)
        placed: list[tuple[str, str]] = []
        shared: str | None = None  # the site of the injury after: "X and Y to SITE" places both
        for n in range(len(injuries) - 1, -1, -1):  # last first, so a run takes its last site
            site, kind, _, end = injuries[n]
            joined = n + 1 < len(injuries) and _INJURY_JOIN.match(clause[end : injuries[n + 1][2]])
            site = site if site is not None or not joined else shared
            shared = site
            site = site or _IMPLIED_SITE.get(kind)  # never shared: "bruising and a head injury"
            if site is not None:
                placed.append((site, kind))
        points += reversed(placed)
    return tuple(dict.fromkeys(points))


#: A sentence that queries an injury ("?# L scaphoid", "query fracture", "possible burn") or
#: rules one out ("fracture excluded", "XR NAD") reports none found.
_UNFOUND: Final = re.compile(
    r"(?:\?|(?<!\w)(?:query|possible|poss|suspected|probable|likely|rule out|r/o) ?)"
    r"(?:#|fractur|bruis|burn|scald|head injur|lacerat|cut|bite|graz|mark|scratch)"
    r"|(?<!\w)(?:excluded|ruled out|nad|no evidence of)(?!\w)"
)
_SENTENCE: Final = re.compile(r"[^.;\n]+")


def noted_injuries(text: str) -> tuple[tuple[str, str], ...]:
    """`placed_injuries` of a clinician's note, leaving out every sentence that queries or rules
    out an injury: "?# L scaphoid. XR NAD." reports no fracture, where "# R radius" does."""
    found = (sentence for sentence in _SENTENCE.findall(fold(text)) if not _UNFOUND.search(sentence))
    return placed_injuries(". ".join(found)) if text else ()


def placed_injuries(text: str) -> tuple[tuple[str, str], ...]:
    """(site, injury) for each injury the words report and place on the body, in the order
    written: "Bruise to left cheek and a burn on his right hand" gives a bruise on the left
    cheek and a burn on the right hand; "Bruising and a cut to the left forearm" both on the
    forearm; "# L) radius" a fracture of the forearm. The site is the words as written (folded),
    which `alarmbell.domain.body_sites` reads. Injury types are the body map's (a red mark or
    scratch is `mark`, a graze a `laceration`); a head injury with no other site given is on the
    head. An injury the words deny ("no bruises seen") or
    name without a place is left out: nothing is placed that the words do not place."""
    return _placed_in(text)
