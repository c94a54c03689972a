"""Who made a referral, as agencies write it: the child's family, or other people who know the child.

The Children in Need census codes a referral's source (domain-facts.md): 1A family, 1B
acquaintance (including neighbours), 9 anonymous. A referral's `from_agency` or
`referral_source` is as often words: "Maternal grandmother", "Aunt (paternal)", "child's
father", "neighbour", "anonymous caller", "member of the public". Compared as whole values, only
the words a policy author thought of counted, so four referrals from "Maternal grandmother",
"Aunt", "family member" and "grandparent" read as none from the family. `referrer_class` reads
either into "family" or "community", so an indicator asks who referred.

Words that also name professionals or services are read only where they cannot: "family" is
family as the whole value or in "family member", not in "family support worker" or "family
liaison officer"; "mother" and "father" count only as the person ("child's father", "birth
mother"), not in "mother and baby unit"; "sister" (a nursing title) is not read. None means
not read as family or community: a professional, a service, or words this module does not know.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

from alarmbell.domain.recorded_text import fold

ReferrerClass = Literal["family", "community"]
REFERRER_CLASSES: Final[tuple[ReferrerClass, ...]] = ("family", "community")

#: Children in Need census referral source codes (folded) that name these referrers.
_CODES: Final[dict[str, ReferrerClass]] = {"1a": "family", "1b": "community", "9": "community"}

#: People who know the child but are not family. Read first: "family friend" is a friend.
_COMMUNITY: Final = re.compile(
    r"(?<!\w)(?:"
    r"neighbou?rs?|friends?|family friends?|friend of the family|acquaintances?"
    r"|members? of (?:the )?public|anonymous(?: caller| referrer| call)?|anon|passer ?by|stranger"
    r")(?!\w)"
)
#: Relatives, wherever they appear in the value ("Maternal grandmother (by phone)").
_RELATIVES: Final = re.compile(
    r"(?<!\w)(?:"
    r"grand ?(?:mother|father|parents?|ma|mum|mam|pa|dad|ad|daughter|son)|granny|gran|nan|nana|nanna"
    r"|great (?:aunt|uncle|grandmother|grandfather)"
    r"|aunts?|auntie|aunty|uncles?|cousins?|relatives?|relations"
    r"|family members?|members? of (?:the )?(?:child's |extended |wider )?family"
    r"|extended family|wider family|birth family"
    r"|parent living elsewhere|non ?resident (?:parent|father|mother)"
    r")(?!\w)"
)
#: A parent or sibling as the whole value, with at most a describing word or two before it and
#: a bracketed or comma note after it ("birth father", "child's mother, by phone").
_CLOSE_FAMILY: Final = re.compile(
    r"^(?:the )?(?:(?:child's|childs|childrens|children's|his|her|their|birth|biological|natural"
    r"|estranged|absent|separated|non ?resident|maternal|paternal|step|older|younger|elder|adult) )*"
    r"(?:family|parents?|mother|father|mum|mam|mom|dad|step ?(?:mother|father|mum|dad|parent)"
    r"|brother|half ?brother|half ?sister|siblings?)"
    r"(?:$|[ ,;(].*$)"
)
#: After a close relative, words that turn the value into a service ("mother and baby unit").
_SERVICE_AFTER: Final = re.compile(
    r"^\S+(?: \S+)? (?:and baby|support|liaison|nurse|court|centre|hub|service)"
)


@lru_cache(maxsize=4096)
def referrer_class(text: str) -> ReferrerClass | None:
    """Whether a referral's recorded source is the child's family or someone else who knows
    the child; None for a professional, a service or words not read."""
    words = fold(text.replace("\u2019", "'"))
    if not words:
        return None
    code = _CODES.get(words.split(" ", 1)[0].rstrip(":,.-"))  # "1A", "1A family", "9: anonymous"
    if code is not None:
        return code
    if _COMMUNITY.search(words):
        return "community"
    if _RELATIVES.search(words):
        return "family"
    if _CLOSE_FAMILY.match(words) and not _SERVICE_AFTER.match(words):
        return "family"
    return None
