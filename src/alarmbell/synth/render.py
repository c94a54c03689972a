"""One household to exchange-format lines: person, relationship and event records per agency.

Persons an agency holds are those it registered (every child with health, pupils with
education) plus everyone its events name, so no event ever points at a missing record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from alarmbell.synth import trajectory_sources
from alarmbell.synth.events import (
    PERSON_ATTRS,
    Item,
    Ledger,
    adult_health,
    health_background,
    moves_background,
)
from alarmbell.synth.harm import Harm
from alarmbell.synth.households import Household, Person, add_name_history, build_household, iso
from alarmbell.synth.ids import SYNTH_AGENCIES, IdScheme
from alarmbell.synth.noise import Duplicate, duplicate_of, key_postcode, noise_rng, person_record
from alarmbell.synth.police import police_background
from alarmbell.synth.school import education_background, parents_on_file
from alarmbell.synth.signals import signals_background
from alarmbell.synth.social_care import CSC, social_care_background

#: Chance an agency records a relationship between two people it holds.
RELATIONSHIP_KNOWN: Final[dict[str, float]] = {
    "police": 0.6,
    "health": 0.85,
    "education": 0.8,
    CSC: 0.9,
}
#: Health and schools rarely know about a mother's new partner (the "invisible men").
PARTNER_KNOWN_FACTOR: Final[dict[str, float]] = {"health": 0.4, "education": 0.5}


@dataclass(slots=True)
class AgencyLines:
    """Lines for one agency from one household, kept apart so the chunk can order them."""

    persons: list[bytes] = field(default_factory=list)
    relationships: list[bytes] = field(default_factory=list)
    events: list[tuple[int, bytes]] = field(default_factory=list)


@dataclass(slots=True)
class HouseholdOutput:
    agencies: dict[str, AgencyLines]
    truth: list[bytes]
    children: int
    adults: int
    child_days: int
    harm: str | None


def simulate(
    seed: int, index: int, n_children: int, start: int, end: int, trajectories: str = "published"
) -> tuple[Household, Ledger, Harm | None]:
    """Build the household and everything agencies recorded about it.

    `trajectories` names where harm trajectories come from (trajectory_sources.py).
    """
    hh = build_household(seed, index, n_children, start, end)
    led = Ledger(hh.rng)
    harm = trajectory_sources.choose(hh, trajectories)
    if harm is not None:
        trajectory_sources.prepare(hh, harm, trajectories)
    plan_ends: dict[int, int] = {}
    adult_health(hh, led)
    for child in hh.children:
        a, b = hh.child_window(child)
        led.hold("health", child.slot)
        health_background(hh, led, child, a, b)
        moves_background(hh, led, child, a, b)
        education_background(hh, led, child, a, b)
    parents_on_file(hh, led)
    police_background(hh, led)
    social_care_background(hh, led, plan_ends)
    if harm is not None:
        trajectory_sources.emit(hh, led, harm, plan_ends, trajectories)
    signals_background(seed, hh, led)
    add_name_history(hh, random.Random(f"{seed}:identity:{index}"))
    return hh, led, harm


def render_household(
    seed: int,
    scheme: IdScheme,
    index: int,
    n_children: int,
    start: int,
    end: int,
    trajectories: str = "published",
) -> HouseholdOutput:
    hh, led, harm = simulate(seed, index, n_children, start, end, trajectories)
    by_agency: dict[str, list[Item]] = {a: [] for a in SYNTH_AGENCIES}
    for item in led.items:
        if item.day < end:
            by_agency[item.agency].append(item)
    records: dict[int, list[list[str]]] = {}
    out = {a: _agency_lines(seed, hh, led, scheme, a, by_agency[a], records) for a in SYNTH_AGENCIES}
    truth = [_truth_line(hh, p, records[p.slot]) for p in hh.people if p.slot in records]
    if harm is not None:
        truth.append(
            orjson.dumps(
                {
                    "type": "harm",
                    "child": _truth_id(hh, harm.child),
                    "trajectory": harm.trajectory,
                    "harm_date": iso(harm.day),
                    "silent": harm.silent,
                }
            )
            + b"\n"
        )
    child_days = sum(b - a for a, b in map(hh.child_window, hh.children))
    adults = sum(1 for p in hh.people if not p.is_child)
    return HouseholdOutput(
        out, truth, len(hh.children), adults, child_days, harm.trajectory if harm else None
    )


def _truth_id(hh: Household, person: Person) -> str:
    return f"T{hh.index * 16 + person.slot}"


def _truth_line(hh: Household, person: Person, recs: list[list[str]]) -> bytes:
    return (
        orjson.dumps(
            {
                "type": "truth_person",
                "person": _truth_id(hh, person),
                "records": recs,
                "role": "child" if person.is_child else "adult",
                "dob": iso(person.dob),
                "sex": person.sex,
                "given_name": person.given,
                "family_name": person.family,
                "household": f"H{hh.index}",
            }
        )
        + b"\n"
    )


def _contacts(items: list[Item]) -> dict[int, tuple[int, int]]:
    """First and last day each person appears in this agency's events."""
    seen: dict[int, tuple[int, int]] = {}
    for item in items:
        slots = [*item.subjects, *item.others]
        if item.attrs:
            slots.extend(item.attrs[k] for k in PERSON_ATTRS if k in item.attrs)
        for s in slots:
            lo, hi = seen.get(s, (item.day, item.day))
            seen[s] = (min(lo, item.day), max(hi, item.day))
    return seen


def _holdings(hh: Household, led: Ledger, agency: str, items: list[Item]) -> dict[int, tuple[int, int]]:
    """Who the agency holds, with the span over which it knew them."""
    spans = _contacts(items)
    held = set(led.holds.get(agency, ()))
    if agency == CSC and items:
        held.add(hh.mother.slot)
        held.update(m.slot for m in hh.men if hh.rng.random() < 0.5)
    for slot in held - spans.keys():
        person = hh.people[_index(hh, slot)]
        spans[slot] = (max(hh.start, person.dob, person.joined), hh.end - 1)
    return spans


def _index(hh: Household, slot: int) -> int:
    for i, p in enumerate(hh.people):
        if p.slot == slot:
            return i
    raise KeyError(slot)


def _agency_lines(
    seed: int,
    hh: Household,
    led: Ledger,
    scheme: IdScheme,
    agency: str,
    items: list[Item],
    records: dict[int, list[list[str]]],
) -> AgencyLines:
    lines = AgencyLines()
    spans = _holdings(hh, led, agency, items)
    if not spans:
        return lines
    ids = {slot: scheme.person_id(agency, hh.index, slot) for slot in spans}
    duplicates: dict[int, Duplicate] = {}
    for person in hh.people:
        if person.slot in spans:
            held = _person_lines(seed, hh, scheme, agency, person, spans[person.slot], ids[person.slot])
            lines.persons.extend(held.lines)
            records.setdefault(person.slot, []).extend(held.records)
            if held.duplicate is not None:
                duplicates[person.slot] = held.duplicate
    lines.relationships = _relationships(hh, scheme, agency, ids)
    items.sort(key=lambda it: it.day)
    for n, item in enumerate(items):
        on_day = _ids_on(ids, duplicates, item.day)
        lines.events.append((item.day, _event_line(scheme, hh, agency, n, item, on_day)))
    return lines


@dataclass(slots=True)
class _Held:
    lines: list[bytes]
    records: list[list[str]]
    duplicate: Duplicate | None


def _person_lines(
    seed: int, hh: Household, scheme: IdScheme, agency: str, person: Person, span: tuple[int, int], sid: str
) -> _Held:
    """The agency's record of one person and, when it holds them twice, the second record."""
    first, last = span
    rng = noise_rng(seed, hh.index, agency, person.slot)

    def record(source_id: str, opened: int, original: dict[str, Any] | None = None) -> dict[str, Any]:
        return person_record(
            agency=agency,
            source_id=source_id,
            hh=hh,
            person=person,
            scheme=scheme,
            first=opened,
            last=last,
            rng=rng,
            original=original,
        )

    records = [record(sid, first)]
    dup = duplicate_of(rng, agency=agency, scheme=scheme, hh=hh, person=person, first=first, last=last)
    if dup is not None:
        records.append(record(dup.source_id, dup.opened, records[0]))
    for rec in records:
        key_postcode(rng, rec)
    return _Held(
        [orjson.dumps(rec) + b"\n" for rec in records], [[agency, rec["source_id"]] for rec in records], dup
    )


def _ids_on(ids: dict[int, str], duplicates: dict[int, Duplicate], day: int) -> dict[int, str]:
    """Which record each person's events are filed under on `day`."""
    if not duplicates:
        return ids
    return {s: d.source_id if (d := duplicates.get(s)) and day >= d.opened else i for s, i in ids.items()}


def _event_line(
    scheme: IdScheme, hh: Household, agency: str, n: int, item: Item, ids: dict[int, str]
) -> bytes:
    rec: dict[str, Any] = {
        "type": "event",
        "agency": agency,
        "source_id": scheme.event_id(agency, hh.index, n),
        "kind": item.kind,
        "occurred_at": iso(item.day),
    }
    if item.recorded != item.day:
        rec["recorded_at"] = iso(item.recorded)
    rec["subjects"] = [ids[s] for s in item.subjects]
    if item.others:
        rec["others"] = [ids[s] for s in item.others]
    if item.attrs:
        attrs = item.attrs
        if any(k in attrs for k in PERSON_ATTRS):
            attrs = {k: ids[v] if k in PERSON_ATTRS else v for k, v in attrs.items()}
        rec["attrs"] = attrs
    if item.text:
        rec["text"] = item.text
    return orjson.dumps(rec) + b"\n"


def _relationships(hh: Household, scheme: IdScheme, agency: str, ids: dict[int, str]) -> list[bytes]:
    rng, known = hh.rng, RELATIONSHIP_KNOWN[agency]
    partner_factor = PARTNER_KNOWN_FACTOR.get(agency, 1.0)
    pairs: list[tuple[int, int, str]] = []
    children = [c for c in hh.children if c.slot in ids]
    for i, child in enumerate(children):
        for adult in hh.people:
            if adult.is_child or adult.slot not in ids:
                continue
            if adult.kind == "partner" and (adult.left is not None and adult.left <= child.dob):
                continue
            kind = {"mother": "mother", "father": "father"}.get(adult.kind, "mother_partner")
            chance = known * (partner_factor if kind == "mother_partner" else 1.0)
            if rng.random() < chance:
                pairs.append((adult.slot, child.slot, kind))
        for older in children[:i]:
            if rng.random() < known:
                pairs.append((child.slot, older.slot, "sibling"))
    return [
        orjson.dumps(
            {
                "type": "relationship",
                "agency": agency,
                "source_id": scheme.relationship_id(agency, hh.index, n),
                "from": ids[a],
                "to": ids[b],
                "kind": kind,
            }
        )
        + b"\n"
        for n, (a, b, kind) in enumerate(pairs)
    ]
