"""Whether a record says a child went back to live with their parents after being in care.

A return home from care is a planned decision, but it is when many children are harmed again:
in Farmer and Lutman's five-year follow-up of neglected children returned home, 59% were abused
or neglected again, and Biehal and colleagues found about half of abused or neglected children
reunified with their parents re-abused or re-neglected (Farmer E, Lutman E, "Effective working
with neglected children and their families", 2012; Biehal N et al., "Reunifying abused or
neglected children: decision-making and outcomes", Child Abuse Negl 2015;49:107-18). So the
policy reads a return home as it reads the end of a child protection plan: a new injury or
concern soon after it needs the lead professional at once.

Agencies record a return in their own words or in the looked-after return's codes: the
SSDA903 reason an episode of care ceased, E4A or E4B ("returned home to live with parents,
relatives or other person with parental responsibility"), or the placement type P1 ("placed
with own parents or other person with parental responsibility"). Words: "returned home",
"returned to mother's care", "reunified with parents", "placed back with father", "placement
with parents". A return that is only planned, considered or refused ("plan for return home",
"return home ruled out") is not one, nor is a child coming home after going missing ("return
home interview").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

from alarmbell.domain.recorded_text import fold

#: SSDA903 codes (folded) that record a child living with their parents again.
_CODES: Final = re.compile(r"^(?:e4a|e4b|p1)(?!\w)")

_CARER: Final = (
    r"(?:(?:his|her|their|the|child's|childs|children's|birth|biological) )*"
    r"(?:mother|father|mum|mam|dad|parents?|family|birth family|birth parents?|home)"
)
#: Where a child comes home from when the return is from care: "returned home from school" or
#: "from hospital" is an ordinary day.
_CARE_PLACE: Final = (
    r"(?:foster|care|residential|(?:a |the )?children's home|(?:the )?local authority|kinship)"
)
_RETURN: Final = re.compile(
    r"(?<!\w)(?:"
    rf"return(?:ed|s)?(?: back)? (?:home(?! from (?!{_CARE_PLACE}))"
    rf"|to (?:live with )?(?:the care of )?{_CARER}(?:'s)?(?: care)?)"
    rf"|went (?:back )?home to {_CARER}"
    rf"|reunif(?:ied|ication|ying) with {_CARER}"
    rf"|(?:placed|moved) (?:back )?(?:home )?(?:with|to) {_CARER}"
    r"|placement with (?:own )?parents?"
    rf"|rehabilitat(?:ed|ion) (?:home|to {_CARER})"
    r")(?!\w)"
)
#: A return that did not happen (yet): planned, assessed, considered, refused or ruled out.
_NOT_YET: Final = re.compile(
    r"(?<!\w)(?:(?:not|no|never|before|if|whether|possible|potential|proposed) "
    r"|(?:plan(?:ned|s)? (?:for|to)|assess(?:ed|ment|ing)? (?:for|of)|consider(?:ed|ing)?|refused"
    r"|declined|opposed|rejected|against|prospect of|hope(?:s|d)? (?:for|to))(?: \w+){0,2} )"
    r"(?:a )?(?=return|reunif|placed|placement|rehabilitat|went)"
)
#: A child coming back after going missing: "return home interview" is the statutory talk with a
#: child who ran away, not a return from care.
_MISSING_EPISODE: Final = re.compile(
    r"(?<!\w)(?:return home interviews?|rhi|missing|absconded|ran away|run away|runaway)(?!\w)"
)
_RULED_OUT_AFTER: Final = re.compile(
    r"(?:return|reunification)\w* home (?:was )?(?:ruled out|refused|not agreed)"
)


@lru_cache(maxsize=4096)
def _says_return_home(text: str) -> bool:
    words = fold(text.replace("\u2019", "'"))
    if not words:
        return False
    if _CODES.search(words):
        return True
    match = _RETURN.search(words)
    if match is None or _MISSING_EPISODE.search(words):
        return False
    return _NOT_YET.search(words[: match.end()]) is None and _RULED_OUT_AFTER.search(words) is None


def says_return_home(value: Any) -> bool:
    """Whether recorded words (a string, or a list of them) say the child went back to live
    with their parents after care."""
    if isinstance(value, str):
        return _says_return_home(value)
    if isinstance(value, list | tuple):
        return any(isinstance(v, str) and _says_return_home(v) for v in value)
    return False
