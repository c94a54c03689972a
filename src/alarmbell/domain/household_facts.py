"""Derived household facts: "a new adult joined the child's household", with that adult's history.

Both chronology builders (one person at a time, and the bulk rescore) call `new_adult_facts`
with the same inputs, so a child's chronology, and therefore its alerts, are the same whichever
path built it. The rule: a parent is there from the start; any other household adult (a
mother's partner, a carer, a lodger) joins at the earliest recorded event naming both that adult
and the child or one of the child's parents, else at the adult's first recorded event.

The fact carries what agencies knew about the adult by that moment (`adult_history`): violent
offending, offences against children, sexual offending, domestic abuse. Men in the household
who are unknown to, or unseen by, the agencies around the child recur in serious case reviews
(Child Safeguarding Practice Review Panel, "The myth of invisible men", 2021); their history
usually sits with the police or probation, not with the child's agencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

from alarmbell.domain.chronology import ChronologyEntry, HouseholdMember
from alarmbell.domain.records import RecordKey

KIND: Final = "new_adult_in_household"
PARENTS: Final = frozenset({"mother", "father"})

VIOLENCE: Final = "violent offending"
AGAINST_CHILD: Final = "offence against a child"
SEXUAL: Final = "sexual offending"
DOMESTIC_ABUSE: Final = "domestic abuse"

_VIOLENT_WORDS: Final = (
    "assault",
    "bodily harm",
    "abh",
    "gbh",
    "wounding",
    "battery",
    "violen",
    "strangul",
    "threats to kill",
    "affray",
    "robbery",
    "weapon",
    "knife",
    "manslaughter",
    "murder",
)
_CHILD_WORDS: Final = ("child", "cruelty", "neglect", "infant", "baby", "minor")
_SEXUAL_WORDS: Final = ("sexual", "rape", "indecen", "grooming")


def offence_history(entry: ChronologyEntry) -> set[str]:
    """What one of the adult's own records says about them (empty when nothing of note)."""
    found: set[str] = set()
    if entry.kind == "assault_report" and entry.involvement == "subject":
        found.add(VIOLENCE)
    if entry.kind == "domestic_incident" and entry.involvement == "subject":
        found.add(DOMESTIC_ABUSE)
    offence = entry.attrs.get("offence")
    if isinstance(offence, str):
        text = offence.lower()
        if any(word in text for word in _VIOLENT_WORDS):
            found.add(VIOLENCE)
        if any(word in text for word in _CHILD_WORDS):
            found.add(AGAINST_CHILD)
        if any(word in text for word in _SEXUAL_WORDS):
            found.add(SEXUAL)
    known = entry.attrs.get("adult_history")
    if isinstance(known, list):
        for item in known:
            text = str(item).lower()
            if "sexual" in text:
                found.add(SEXUAL)
            elif "child" in text:
                found.add(AGAINST_CHILD)
            elif "domestic" in text:
                found.add(DOMESTIC_ABUSE)
            elif "violen" in text:
                found.add(VIOLENCE)
    return found


def new_adult_facts(
    person_id: int,
    child_keys: Iterable[RecordKey],
    household: Sequence[HouseholdMember],
    adult_entries: Mapping[int, Sequence[ChronologyEntry]],
) -> list[ChronologyEntry]:
    """One derived entry per non-parent household adult with any recorded event, in time order.

    `adult_entries` holds every event naming each adult, including those that also name the
    child (which the chronology itself keeps only as the child's own entries).
    """
    anchor = set(child_keys)
    for member in household:
        if member.relation in PARENTS:
            anchor.update(e.key for e in adult_entries.get(member.person_id, ()))
    out = []
    for member in household:
        entries = adult_entries.get(member.person_id, ())
        if member.relation in PARENTS or not entries:
            continue
        shared = [e for e in entries if e.key in anchor]
        first = min(shared or entries, key=lambda e: (e.recorded_at, e.agency, e.source_id))
        out.append(_fact(person_id, member, first, entries, bool(shared)))
    return sorted(out, key=lambda e: (e.occurred_at, e.source_id))


def _fact(
    person_id: int,
    member: HouseholdMember,
    first: ChronologyEntry,
    entries: Sequence[ChronologyEntry],
    shared: bool,
) -> ChronologyEntry:
    joined: datetime = first.recorded_at
    history: set[str] = set()
    for entry in entries:
        if entry.recorded_at <= joined:
            history |= offence_history(entry)
    label = member.relation.replace("_", " ")
    evidence = "recorded with the child or a parent" if shared else "first record of this adult"
    known = f"; known to agencies for {', '.join(sorted(history))}" if history else ""
    return ChronologyEntry(
        agency=first.agency,
        source_id=f"derived:{KIND}:{person_id}:{member.person_id}",
        kind=KIND,
        occurred_at=joined,
        recorded_at=joined,
        attrs={
            "adult_person_id": member.person_id,
            "relation": member.relation,
            "evidence": evidence,
            "adult_history": sorted(history),
        },
        text=f"{member.display_name} ({label}) first appears in the child's household ({evidence}){known}",
        involvement="subject",
        relation=member.relation,
        adult_person_id=member.person_id,
    )
