"""Linking source person records into people, incrementally and with provenance.

Existing links are never rewritten: new records join existing people, and a record that
proves two people are one merges them into the older id (the other id is kept, marked
`merged_into`, so every reference to it still resolves).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alarmbell.identity.rules import LinkCandidate, conflict, exact_keys, near_key, near_match
from alarmbell.storage.tables import Person, PersonLink, PersonRecordRow

DECIDED_BY = "alarmbell deterministic rules v1"


@dataclass
class LinkSummary:
    records: int = 0
    newly_linked: int = 0
    people_created: int = 0
    people_merged: int = 0
    conflicts: list[str] = field(default_factory=list)


class _Clusters:
    """Union-find over record ids that refuses unions joining different NHS numbers or UPNs."""

    def __init__(self, candidates: Iterable[LinkCandidate]) -> None:
        self.parent: dict[int, int] = {}
        self.nhs: dict[int, frozenset[str]] = {}
        self.upn: dict[int, frozenset[str]] = {}
        for c in candidates:
            self.parent[c.record_id] = c.record_id
            self.nhs[c.record_id] = frozenset({c.nhs}) if c.nhs else frozenset()
            self.upn[c.record_id] = frozenset({c.upn}) if c.upn else frozenset()

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and (conflict(self.nhs[ra], self.nhs[rb]) or conflict(self.upn[ra], self.upn[rb])):
            return False
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        self.parent[drop] = keep
        self.nhs[keep] |= self.nhs.pop(drop)
        self.upn[keep] |= self.upn.pop(drop)
        return True

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for item in self.parent:
            out[self.find(item)].append(item)
        return out


def load_candidates(session: Session) -> list[LinkCandidate]:
    table = PersonRecordRow.__table__
    rows = session.execute(
        select(
            table.c.id,
            table.c.agency,
            table.c.source_id,
            table.c.given_name,
            table.c.family_name,
            table.c.dob,
            table.c.sex,
            table.c.postcode,
            table.c.nhs_number,
            table.c.upn,
        ).order_by(table.c.id)
    )
    return [
        LinkCandidate.build(
            r.id,
            r.agency,
            r.source_id,
            given_name=r.given_name,
            family_name=r.family_name,
            dob=r.dob,
            sex=r.sex,
            postcode=r.postcode,
            nhs_number=r.nhs_number,
            upn=r.upn,
        )
        for r in rows
    ]


def active_links(session: Session) -> dict[int, int]:
    """person_record id -> person id, for links not ended."""
    query = select(PersonLink.person_record_id, PersonLink.person_id).where(PersonLink.ended_at.is_(None))
    return {record_id: person_id for record_id, person_id in session.execute(query)}


def link_people(session: Session, *, decided_by: str = DECIDED_BY) -> LinkSummary:
    """Link every unlinked source person record. The caller owns the transaction."""
    candidates = load_candidates(session)
    linked = active_links(session)
    summary = LinkSummary(records=len(candidates))
    if all(c.record_id in linked for c in candidates):
        return summary
    clusters = _Clusters(candidates)
    reasons: dict[int, str] = {}
    by_id = {c.record_id: c for c in candidates}
    _join_existing_people(clusters, linked)
    _apply_exact_rules(clusters, candidates, by_id, reasons, summary)
    _apply_near_rule(clusters, candidates, reasons)
    _assign(session, clusters.groups(), linked, reasons, by_id, decided_by, summary)
    return summary


def _join_existing_people(clusters: _Clusters, linked: dict[int, int]) -> None:
    first_of: dict[int, int] = {}
    for record_id, person_id in linked.items():
        if person_id in first_of:
            clusters.union(first_of[person_id], record_id, force=True)
        else:
            first_of[person_id] = record_id


def _describe(c: LinkCandidate) -> str:
    return f"{c.agency} {c.source_id}"


def _apply_exact_rules(
    clusters: _Clusters,
    candidates: list[LinkCandidate],
    by_id: dict[int, LinkCandidate],
    reasons: dict[int, str],
    summary: LinkSummary,
) -> None:
    first: dict[tuple[str, str], int] = {}
    labels = {
        "nhs_number": "same NHS number",
        "upn": "same UPN",
        "name_dob": "same name and date of birth",
    }
    for candidate in candidates:
        for method, key in exact_keys(candidate):
            anchor = first.setdefault((method, key), candidate.record_id)
            if anchor == candidate.record_id:
                continue
            if clusters.union(anchor, candidate.record_id):
                reasons.setdefault(
                    candidate.record_id, f"{method}: {labels[method]} as {_describe(by_id[anchor])}"
                )
                reasons.setdefault(anchor, f"{method}: {labels[method]} as {_describe(candidate)}")
            else:
                summary.conflicts.append(
                    f"{_describe(candidate)} and {_describe(by_id[anchor])} share a {labels[method]} "
                    "but hold different NHS numbers or UPNs: left apart for review"
                )


def _apply_near_rule(clusters: _Clusters, candidates: list[LinkCandidate], reasons: dict[int, str]) -> None:
    blocks: dict[str, list[LinkCandidate]] = defaultdict(list)
    for candidate in candidates:
        key = near_key(candidate)
        if key:
            blocks[key].append(candidate)
    for block in blocks.values():
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                if clusters.find(a.record_id) != clusters.find(b.record_id) and near_match(a, b):
                    if clusters.union(a.record_id, b.record_id):
                        text = (
                            "near_name_dob: same given name, date of birth and postcode, family name "
                            "one keystroke from"
                        )
                        reasons.setdefault(b.record_id, f"{text} {_describe(a)}")
                        reasons.setdefault(a.record_id, f"{text} {_describe(b)}")


def _assign(
    session: Session,
    groups: dict[int, list[int]],
    linked: dict[int, int],
    reasons: dict[int, str],
    by_id: dict[int, LinkCandidate],
    decided_by: str,
    summary: LinkSummary,
) -> None:
    now = datetime.now(UTC)
    for members in groups.values():
        people = sorted({linked[m] for m in members if m in linked})
        if people:
            survivor = people[0]
            for other in people[1:]:
                _merge(session, other, survivor, now=now, decided_by=decided_by)
                summary.people_merged += 1
        else:
            person = Person(created_at=now)
            session.add(person)
            session.flush()
            survivor = person.id
            summary.people_created += 1
        for member in members:
            if member in linked and linked[member] == survivor:
                continue
            if member in linked:
                continue  # moved by _merge
            reason = reasons.get(member, "new_person: no other record matched")
            method = reason.split(":", 1)[0]
            session.add(
                PersonLink(
                    person_record_id=member,
                    person_id=survivor,
                    method=method,
                    evidence=reason,
                    probability=None,
                    decided_by=decided_by,
                    created_at=now,
                )
            )
            summary.newly_linked += 1
    session.flush()


def _merge(session: Session, source: int, target: int, *, now: datetime, decided_by: str) -> None:
    """Move every active link of person `source` to `target`, keeping the old links as history."""
    links = session.scalars(
        select(PersonLink).where(PersonLink.person_id == source, PersonLink.ended_at.is_(None))
    ).all()
    for link in links:
        link.ended_at = now
        link.ended_reason = f"person {source} merged into person {target}"
        session.add(
            PersonLink(
                person_record_id=link.person_record_id,
                person_id=target,
                method="merge",
                evidence=f"merged: a new record matched both person {source} and person {target}",
                probability=link.probability,
                decided_by=decided_by,
                created_at=now,
            )
        )
    session.execute(update(Person).where(Person.id == source).values(merged_into=target))
