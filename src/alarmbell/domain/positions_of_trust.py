"""Whether words name an adult in a position of trust over a child, as agencies write the role.

The early-warning policy reads `position_of_trust: true` on a concern that a child is in a close
or sexual relationship with such an adult (docs/policy.md). Senders who know the adult's role
write the role instead: "Class teacher", "form tutor", "football coach", "youth worker". Read
as a flag, those words were kept and never read. `trusted_role` says which role the words name.

The roles are those of the Sexual Offences Act 2003, sections 21 and 22A (as amended by the
Police, Crime, Sentencing and Courts Act 2022): staff who teach or look after children in
schools and colleges, residential, foster and secure care, youth work, and people who coach,
teach or train a child in sport or a religion. A parent, a relative or a friend is not one; nor
are words that name no role ("Mr Smith", "yes"), which keep their error.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from alarmbell.domain.recorded_text import fold

#: Roles in a position of trust, as written (folded; whole words).
_ROLES: Final = re.compile(
    r"(?<!\w)(?:"
    r"(?:head ?|deputy head |class |form |supply |music |pe |sports? |dance |drama |swimming |private "
    r"|primary |secondary |nursery )?teachers?|headteachers?|head of year|form tutors?|tutors?|lecturers?"
    r"|teaching assistants?|ta|lsa|learning support assistants?|senco|pastoral (?:lead|manager|worker)"
    r"|(?:member of|school|college|nursery) staff|staff member|school (?:caretaker|mentor|counsell?or|nurse)"
    r"|(?:residential |social |support |youth |key |family )(?:care )?workers?|care workers?"
    r"|youth (?:leader|club leader)s?|foster carers?|(?:residential )?care staff"
    r"|(?:football |sports? |swimming |boxing |gym |gymnastics |athletics |dance |martial arts )?"
    r"(?:coach(?! (?:driver|trip|station|company|party))|coaches|instructors?)"
    r"|(?:scout|guide|cadet|brownie|cub|church|youth group) (?:leader|instructor)s?"
    r"|(?:faith|religious) leaders?|imam|priest|vicar|pastor|rabbi|madrasa teacher"
    r")(?!\w)"
)


@lru_cache(maxsize=4096)
def trusted_role(text: str) -> str | None:
    """The role in a position of trust the words name ("form tutor"), or None."""
    match = _ROLES.search(fold(text))
    return match.group(0) if match else None
