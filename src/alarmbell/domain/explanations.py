"""What a recorded explanation of an injury says: none given, one that does not fit, or one that does.

NICE CG89 asks whether an injury has a "suitable explanation": an absent or unsuitable one is
what turns an injury into a reason to suspect maltreatment. Agencies write it two ways. A
professional's judgement (``explanation``): "none", "Inconsistent with injury", "changing
account", "implausible". The carer's own words (``explanation_given``): "fell off the bed", or,
when there is none, "unknown", "N/K", "Mum not sure how it happened", "unable to explain".
`explanation_class` reads either into one of three classes, so an indicator asks what the
explanation was rather than which words the writer chose.

Words that say there was no explanation are matched as the whole text ("unknown", "none",
"not sure") or as phrases that only ever mean it ("no explanation", "not sure how", "unable
to explain"), so an account that mentions uncertainty in passing ("fell off the bed, not sure
when") still reads as an account. Text that matches nothing is an account given: None here
means "not read as absent, unsuitable or suitable", never a suspicion.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from alarmbell.domain.recorded_text import fold

ExplanationClass = Literal["absent", "unsuitable", "suitable"]
EXPLANATION_CLASSES: Final[tuple[ExplanationClass, ...]] = ("absent", "unsuitable", "suitable")

#: The whole (folded) text says no explanation was given.
_ABSENT_WHOLE: Final = frozenset(
    {
        "none",
        "none given",
        "none offered",
        "not given",
        "nil",
        "no",
        "unknown",
        "not known",
        "nk",
        "n/k",
        "n k",
        "unexplained",
        "not explained",
        "absent",
        "not sure",
        "unsure",
        "don't know",
        "do not know",
        "dont know",
        "doesn't know",
        "does not know",
        "no idea",
        "not stated",
        "not recorded",
    }
)
#: Phrases that, anywhere in the text, only ever mean there was no explanation.
_ABSENT_PHRASES: Final = re.compile(
    r"(?<!\w)(?:"
    r"no (?:explanation|account|history of (?:injury|trauma|an injury|a fall)|known mechanism|mechanism)"
    r"|unexplained|not explained|without (?:an )?explanation"
    r"|(?:unable|not able) to (?:explain|say how|account)"
    r"|(?:can't|cannot|can not|could not|couldn't|did not|didn't) (?:explain|say how|account for)"
    r"|(?:not sure|unsure|no idea|don't know|do not know|dont know|doesn't know|does not know"
    r"|didn't know|did not know|not know) (?:how|what happened|what caused|the cause)"
    r")"
)
#: The whole (folded) text is a professional's judgement that the account does not fit.
_UNSUITABLE_WHOLE: Final = frozenset(
    {"changing", "changed", "varying", "varied", "conflicting", "differing", "vague", "unlikely"}
)
#: Phrases of a professional's judgement that the account does not fit the injury. "Changing"
#: counts only of an account ("fell from changing mat" is an account, not a judgement).
_UNSUITABLE_PHRASES: Final = re.compile(
    r"(?<!\w)(?:"
    r"inconsistent|not consistent|implausible|not plausible|unsuitable|not suitable"
    r"|(?:changing|changed|changes|varying|varied|varies|conflicting|contradictory|differing"
    r"|different|vague|multiple) (?:accounts?|story|stories|explanations?|histor(?:y|ies)|versions?)"
    r"|(?:account|story|explanation|history) (?:changed|changes|varied|varies)"
    r"|(?:doesn't|does not|did not|didn't) (?:fit|match|explain|account for)"
    r"|not in keeping|not compatible|incompatible|not credible|unconvincing"
    r")"
)
_SUITABLE_PHRASES: Final = re.compile(
    r"(?<!\w)(?:consistent|plausible|suitable|in keeping|compatible|credible|fits|matches|witnessed)"
)


@lru_cache(maxsize=16_384)
def explanation_class(text: str) -> ExplanationClass | None:
    """The class of a recorded explanation, or None for an account the words do not classify."""
    words = fold(text)
    if not words:
        return None
    if words in _ABSENT_WHOLE or _ABSENT_PHRASES.search(words):
        return "absent"
    if words in _UNSUITABLE_WHOLE or _UNSUITABLE_PHRASES.search(words):
        return "unsuitable"
    if _SUITABLE_PHRASES.search(words):
        return "suitable"
    return None
