"""Family ties from a police extract's relationship column, between the adults and children of an occurrence.

Each nominal's row says what the person is to the occurrence's victim ("Relationship To Victim",
or just "Relationship"). When the victim is a child, an adult's "Mother's partner", "Step-father"
or "Father" is that adult's tie to the child. When the victim is the children's mother or father,
a child's "Daughter" ties the victim to the child, and the victim's partner becomes the child's
mother's (or father's) partner. Nothing is guessed beyond that: a sibling of a child victim may
be a half-sibling, so the victim's parent is not taken to be the sibling's.

Ties are keyed by the two people, so the same tie seen at many occurrences is one record; when
occurrences disagree (Daughter at one, Stepdaughter at the next) the closer tie is kept and the
disagreement is warned about, so that re-reading the same file never flips a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from alarmbell.ingest.base import Warning_
from alarmbell.ingest.tabular import Row

#: Column keys that say what a nominal is to the victim, in the order they are looked for.
RELATIONSHIP_KEYS: Final[tuple[str, ...]] = (
    "relationship_to_victim",
    "relationship_to_the_victim",
    "victim_relationship",
    "relation_to_victim",
    "relationship",
)

#: What the person on the row is to the victim -> the spellings extracts use.
TERMS: Final[dict[str, tuple[str, ...]]] = {
    "partner": (
        "partner", "spouse", "husband", "wife", "boyfriend", "girlfriend", "civil partner",
        "cohabitee", "fiance", "fiancee",
    ),
    "ex_partner": (
        "ex-partner", "former partner", "ex-spouse", "ex-husband", "ex-wife", "ex-boyfriend",
        "ex-girlfriend",
    ),
    "child": ("son", "daughter", "child"),
    "stepchild": ("stepson", "stepdaughter", "stepchild"),
    "grandchild": ("grandson", "granddaughter", "grandchild"),
    "sibling": (
        "brother", "sister", "sibling", "half-brother", "half-sister", "half-sibling",
        "stepbrother", "stepsister",
    ),
    "mother": ("mother", "mum", "mom", "birth mother"),
    "father": ("father", "dad", "birth father"),
    "parent": ("parent",),
    "step_parent": ("step-father", "step-mother", "step-parent", "step-dad", "step-mum"),
    "mother_partner": (
        "mother's partner", "partner of mother", "partner of the mother", "mother's boyfriend",
        "mother's girlfriend", "mum's partner", "mum's boyfriend", "boyfriend of mother",
    ),
    "father_partner": (
        "father's partner", "partner of father", "partner of the father", "father's girlfriend",
        "father's boyfriend", "dad's partner", "dad's girlfriend", "girlfriend of father",
    ),
    "grandparent": ("grandmother", "grandfather", "grandparent", "grandma", "grandad", "nan"),
    "carer": ("carer", "guardian", "legal guardian", "special guardian", "foster carer", "kinship carer"),
    "household_member": ("household member", "lodger", "housemate"),
    "family": ("other family", "family", "uncle", "aunt", "cousin", "niece", "nephew", "relative"),
    "other": ("friend", "acquaintance", "stranger", "neighbour", "colleague", "other", "none"),
}  # fmt: skip
EXAMPLES: Final[str] = "e.g. Partner, Daughter, Mother's partner, Step-father"
#: Terms that, said of an adult to a child victim, are already the tie's kind ("parent" by sex).
TO_CHILD: Final[frozenset[str]] = frozenset(
    {"mother", "father", "parent", "step_parent", "mother_partner", "father_partner", "grandparent",
     "carer", "household_member", "sibling"}
)  # fmt: skip
#: When one pair is given two kinds, the closer one is kept.
CLOSENESS: Final[tuple[str, ...]] = (
    "mother", "father", "step_parent", "carer", "mother_partner", "father_partner", "grandparent",
    "sibling", "household_member", "other",
)  # fmt: skip
ADULT_AGE: Final[int] = 18


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


_BY_SPELLING: Final[dict[str, str]] = {_letters(s): term for term, ss in TERMS.items() for s in ss}


@dataclass(frozen=True)
class Party:
    """A person of an occurrence as far as ties need: who, what to the victim, child or not."""

    source_id: str
    role: str
    sex: str | None
    term: str | None
    child: bool
    line_no: int


@dataclass(frozen=True)
class Tie:
    source: str
    target: str
    kind: str
    line_no: int


def relationship_term(row: Row, warnings: list[Warning_]) -> str | None:
    """The row's relationship to the victim as a term of TERMS; an unknown spelling is warned about."""
    key = next((k for k in RELATIONSHIP_KEYS if row.text(k) is not None), None)
    if key is None:
        return None
    value = row.text(key) or ""
    term = _BY_SPELLING.get(_letters(value))
    if term is None:
        warnings.append(
            Warning_(
                row.line_no,
                row.name(key),
                f"{value!r} is not a relationship alarmbell knows (expected one listed in "
                f"docs/formats/police-csv.md, {EXAMPLES}): no family tie recorded",
            )
        )
    return term


def is_child(role: str, dob: str | None, occurred_at: str) -> bool:
    """A child present is a child; anyone else by age on the day (under 18)."""
    if role == "child present":
        return True
    if dob is None:
        return False
    born, day = date.fromisoformat(dob), date.fromisoformat(occurred_at[:10])
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return years < ADULT_AGE


def _parent_kind(sex: str | None) -> str:
    return {"F": "mother", "M": "father"}.get(sex or "", "carer")


def occurrence_ties(parties: list[Party]) -> list[Tie]:
    """The ties one occurrence states, relative to its first victim (or other subject)."""
    anchor = next((p for p in parties if p.role == "victim"), None) or next(
        (p for p in parties if p.role in ("subject", "missing person")), None
    )
    if anchor is None:
        return []
    others = [p for p in parties if p.source_id != anchor.source_id]
    ties = [t for p in others if (t := _tie_to_anchor(anchor, p)) is not None]
    parented = {
        t.target: t.kind for t in ties if t.source == anchor.source_id and t.kind in ("mother", "father")
    }
    for partner in (p for p in others if p.term in ("partner", "ex_partner")):
        for child, kind in parented.items():
            partner_kind = f"{kind}_partner" if partner.term == "partner" else "other"
            ties.append(Tie(partner.source_id, child, partner_kind, partner.line_no))
    return ties


def _tie_to_anchor(anchor: Party, person: Party) -> Tie | None:
    """What the row says of `person` and the anchor, as a tie from the adult to the child."""
    term = person.term
    if term in ("child", "stepchild", "grandchild") and person.child:
        kind = {"child": _parent_kind(anchor.sex), "stepchild": "step_parent"}.get(term, "grandparent")
        return Tie(anchor.source_id, person.source_id, kind, person.line_no)
    if term == "sibling" and (person.child or anchor.child):
        first, second = (anchor, person) if anchor.child or not person.child else (person, anchor)
        return Tie(first.source_id, second.source_id, "sibling", person.line_no)
    if term in TO_CHILD and anchor.child:
        kind = _parent_kind(person.sex) if term == "parent" else term
        return Tie(person.source_id, anchor.source_id, kind, person.line_no)
    if term in ("other", "family") and person.role == "child present":
        return Tie(anchor.source_id, person.source_id, "other", person.line_no)
    return None


def relationship_column(row: Row) -> str:
    """The file's own name for its relationship column, for warnings about ties."""
    return row.name(next((k for k in RELATIONSHIP_KEYS if k in row.names), RELATIONSHIP_KEYS[0]))


def settle(ties: Iterable[Tie], warnings: list[Warning_], *, column: str) -> list[Tie]:
    """One tie per pair, the closest kind; a pair given two kinds by the extract is warned about."""
    by_pair: dict[tuple[str, str], list[Tie]] = {}
    for tie in ties:
        by_pair.setdefault((tie.source, tie.target), []).append(tie)
    settled: list[Tie] = []
    for (source, target), seen in by_pair.items():
        kept = min(seen, key=lambda t: (CLOSENESS.index(t.kind), t.line_no))
        kinds = sorted({t.kind for t in seen} - {kept.kind})
        if kinds:
            lines = ", ".join(str(t.line_no) for t in seen if t.kind != kept.kind)
            warnings.append(
                Warning_(
                    kept.line_no,
                    column,
                    f"{source} is {kept.kind} to {target} here but {' / '.join(kinds)} on line(s) "
                    f"{lines}: {kept.kind} kept",
                )
            )
        settled.append(kept)
    return settled
