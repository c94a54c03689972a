"""Linking source person records into people, incrementally and with provenance.

Existing links are never rewritten: new records join existing people, and a record that
proves two people are one merges them into the older id (the other id is kept, marked
`merged_into`, so every reference to it still resolves).

Order of evidence: human decisions (accepted pairs always link, rejected pairs never do), then
the deterministic rules, then the probabilistic model (Splink), which only scores pairs touching
a new record, never overrides a refusal, and sends uncertain pairs to the review queue.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from alarmbell.identity.clusters import Clusters
from alarmbell.identity.features import RawPerson, build_split_features, shared_text
from alarmbell.identity.merges import merge_people
from alarmbell.identity.model import TrainedModel
from alarmbell.identity.release import release_freed_memory
from alarmbell.identity.rules import EXACT_METHODS, LinkCandidate, exact_key, near_key, near_match
from alarmbell.identity.serial import hold_identity_lock
from alarmbell.storage.dialect import INGEST_CACHE_KIB, dialect_of
from alarmbell.storage.evaluation_due import mark_due
from alarmbell.storage.tables import Person, PersonLink, PersonRecordRow

if TYPE_CHECKING:
    from alarmbell.identity.splink_runner import PairTable

DECIDED_BY = "alarmbell deterministic rules v1"


@dataclass
class LinkSummary:
    records: int = 0
    newly_linked: int = 0
    people_created: int = 0
    people_merged: int = 0
    conflicts: list[str] = field(default_factory=list)
    probabilistic_links: int = 0
    review_queued: int = 0
    #: Pairs the cluster guard refused that found no place within the review budget: kept with
    #: status "unqueued" (`alarmbell identity review list --status unqueued`), not pending.
    guard_unqueued: int = 0
    invalid_identifiers: list[str] = field(default_factory=list)
    model_version: str | None = None

    def unqueued_sentence(self) -> str | None:
        """What a linking command says when guard refusals found no review place, else None."""
        n = self.guard_unqueued
        if not n:
            return None
        matches = "possible match" if n == 1 else "possible matches"
        were = "was" if n == 1 else "were"
        return (
            f"{n} {matches} refused by the cluster guard {were} not queued for review: the queue is "
            "at its budget; see `alarmbell identity review list --status unqueued`"
        )


#: Record rows read from the store at a time: linking streams the records past the feature
#: builders and then the rules' candidates, never holding them all as objects.
READ_ROWS = 5_000


def iter_records(session: Session) -> Iterator[RawPerson]:
    """Every source person record, in id order, read `READ_ROWS` rows at a time."""
    table = PersonRecordRow.__table__
    query = select(
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
        table.c.role_hint,
    ).order_by(table.c.id)
    connection = session.connection()
    # Each page is read once: the store's 64 MB page cache would only fill with pages not read
    # again (55 MB more at 50,000 children), so the read goes through a small one.
    with dialect_of(connection).small_read_cache(connection):
        rows = connection.execute(query.execution_options(yield_per=READ_ROWS))
        yield from (_raw_person(*row) for row in rows)


def load_records(session: Session) -> list[RawPerson]:
    return list(iter_records(session))


def unlinked_records(session: Session) -> int:
    """How many source person records have no active link."""
    active = select(PersonLink.id).where(
        PersonLink.person_record_id == PersonRecordRow.id, PersonLink.ended_at.is_(None)
    )
    query = select(func.count()).select_from(PersonRecordRow).where(~active.exists())
    return int(session.execute(query).scalar_one())


def all_records(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(PersonRecordRow)).scalar_one())


def _raw_person(
    record_id: int,
    agency: str,
    source_id: str,
    *fields: str | None,
) -> RawPerson:
    """A record with its repeated values (names, dates, postcodes) held once (`shared_text`)."""
    given, family, dob, sex, postcode, nhs_number, upn, role_hint = fields
    return RawPerson(
        record_id,
        sys.intern(agency),
        source_id,
        shared_text(given),
        shared_text(family),
        shared_text(dob),
        shared_text(sex),
        shared_text(postcode),
        nhs_number,
        upn,
        shared_text(role_hint),
    )


def candidate(record: RawPerson) -> LinkCandidate:
    return LinkCandidate.build(
        record.record_id,
        record.agency,
        record.source_id,
        given_name=record.given_name,
        family_name=record.family_name,
        dob=record.dob,
        sex=record.sex,
        postcode=record.postcode,
        nhs_number=record.nhs_number,
        upn=record.upn,
    )


def active_links(session: Session) -> dict[int, int]:
    """person_record id -> person id, for links not ended."""
    query = select(PersonLink.person_record_id, PersonLink.person_id).where(PersonLink.ended_at.is_(None))
    return {record_id: person_id for record_id, person_id in session.execute(query)}


def link_people(
    session: Session,
    *,
    decided_by: str = DECIDED_BY,
    probabilistic: bool = True,
    model: TrainedModel | None = None,
    engine: str = "duckdb",
    spark: Any = None,
    unique_id_agencies: Iterable[str] = (),
    today: date | None = None,
) -> LinkSummary:
    """Link every unlinked source person record. The caller owns the transaction.

    Serialised per store (identity.serial): a second call waits for the first to commit, then
    finds its records linked and does nothing, so calls may run in parallel safely.

    `probabilistic=False` runs the deterministic rules alone; `model` defaults to the store's
    active model (see `identity train`), else the one shipped with the package.
    `unique_id_agencies` (setting ALARMBELL_UNIQUE_ID_AGENCIES): agencies whose records are each
    a different person; two records of one of them are never joined, by rule or by model.
    `today`: the day linkage runs (default today), which decides who is a child to the twins
    check (identity/twins.py `CHILD_YEARS`).
    """
    from alarmbell.identity.parties import named_together
    from alarmbell.identity.review import decision_pairs

    hold_identity_lock(session)  # one linker at a time: see identity.serial
    summary = LinkSummary(records=all_records(session))
    if not unlinked_records(session):
        return summary
    linked = active_links(session)
    # The model scores first, from feature tables built as the records stream past, and its
    # engine's memory is given back before the rules hold every record and cluster: scoring
    # reads nothing the rules decide (their clusters only drop pairs already joined, below).
    pairs = None
    if probabilistic:
        model = model or _active_model(session)
        summary.model_version = model.version
        pairs = _score_new_records(session, linked, model, summary, engine, spark)
        release_freed_memory()  # the feature tables and the engine's buffers, before the rules
    candidates = [candidate(r) for r in iter_records(session)]
    anchors = _exact_anchors(candidates)
    accepted, rejected = decision_pairs(session)
    clusters = Clusters(
        candidates,
        cannot_link=rejected,
        unique_agencies=unique_id_agencies,
        named_together=named_together(session),
        today=today,
    )
    plan = _Plan()
    by_id = {c.record_id: c for c in candidates}
    _join_existing_people(clusters, linked)
    _apply_accepted(clusters, accepted, plan.reasons)
    _apply_exact_rules(clusters, candidates, anchors, by_id, plan.reasons, summary)
    del anchors
    _apply_near_rule(clusters, candidates, plan.reasons)
    review: tuple[list[Any], list[Any]] = ([], [])
    if pairs is not None and model is not None:
        review = _apply_probabilistic(clusters, pairs, linked, by_id, plan, model, summary, today=today)
        del pairs
    groups = clusters.groups()
    del clusters, candidates
    release_freed_memory()  # the clusters' tables: only the groups, plans and by_id are written from
    connection = session.connection()
    # The people, links and due marks are written once each: the store's 64 MB page cache would
    # only keep pages not written again (70 MB more at 50,000 children), so ingest's is used.
    with dialect_of(connection).page_cache(connection, INGEST_CACHE_KIB):
        _assign(session, groups, linked, plan, by_id, decided_by, summary)
        if probabilistic and model is not None:
            _queue_for_review(session, review, model, summary)
    return summary


@dataclass
class _Plan:
    """Why each record joins its person, and for model links with what probability and by whom."""

    reasons: dict[int, str] = field(default_factory=dict)
    probability: dict[int, float] = field(default_factory=dict)
    decided_by: dict[int, str] = field(default_factory=dict)


def _active_model(session: Session) -> TrainedModel:
    from alarmbell.identity.modelstore import active_model

    return active_model(session)


def _apply_accepted(clusters: Clusters, accepted: list[tuple[int, int]], reasons: dict[int, str]) -> None:
    for a, b in accepted:
        if a in clusters.parent and b in clusters.parent and clusters.find(a) != clusters.find(b):
            clusters.union(a, b, force=True)
            reasons.setdefault(b, "review_accept: a reviewer decided these records are one person")
            reasons.setdefault(a, "review_accept: a reviewer decided these records are one person")


def _score_new_records(
    session: Session,
    linked: dict[int, int],
    model: TrainedModel,
    summary: LinkSummary,
    engine: str,
    spark: Any,
) -> PairTable:
    """The model's scored pairs touching a new record; the feature tables are freed on return."""
    from alarmbell.identity.probabilistic import score_new

    new, old = build_split_features(iter_records(session), linked)
    summary.invalid_identifiers.extend(new.invalid_identifiers)
    return score_new(new, old, model, engine=engine, spark=spark)  # type: ignore[arg-type]


def _apply_probabilistic(
    clusters: Clusters,
    pairs: PairTable,
    linked: dict[int, int],
    by_id: dict[int, LinkCandidate],
    plan: _Plan,
    model: TrainedModel,
    summary: LinkSummary,
    *,
    today: date | None = None,
) -> tuple[list[Any], list[Any]]:
    """Link the upper band of the scored pairs best-first; return the review list and the cluster
    guard's refusals that found no place in it (`Applied.unqueued`)."""
    from alarmbell.identity.probabilistic import apply_edges, classify_pairs

    edges = classify_pairs(pairs, model, clusters, today)
    applied = apply_edges(clusters, edges, model=model, records=summary.records, today=today)
    for edge in applied.linked:
        a, b = edge.key
        band = applied.bands.upper if applied.bands else model.bands.upper
        text = (
            f"splink: match probability {edge.pair.probability:.4f} "
            f"(weight {edge.pair.match_weight:.1f} bits), model {model.version}, "
            f"auto-link band learnt for this run: at least {band:.4f}; with"
        )
        for member, other in ((a, b), (b, a)):
            if member not in plan.reasons and member not in linked:
                plan.reasons[member] = f"{text} {_describe(by_id[other])}"
                plan.probability[member] = edge.pair.probability
                plan.decided_by[member] = model.decided_by
        summary.probabilistic_links += 1
    for edge, refused in applied.kept_apart:
        a, b = edge.key
        summary.conflicts.append(
            f"{_describe(by_id[a])} and {_describe(by_id[b])}: match probability "
            f"{edge.pair.probability:.4f}, but {refused}: kept apart"
        )
    return applied.review, applied.unqueued


def _queue_for_review(
    session: Session, review: tuple[list[Any], list[Any]], model: TrainedModel, summary: LinkSummary
) -> None:
    from alarmbell.identity.review import UNQUEUED, close_resolved, enqueue

    queued, unqueued = review
    summary.review_queued = enqueue(session, queued, model)
    summary.guard_unqueued = enqueue(session, unqueued, model, status=UNQUEUED)
    close_resolved(session)


def _join_existing_people(clusters: Clusters, linked: dict[int, int]) -> None:
    first_of: dict[int, int] = {}
    for record_id, person_id in linked.items():
        if person_id in first_of:
            clusters.union(first_of[person_id], record_id, force=True)
        else:
            first_of[person_id] = record_id
    for record_id in first_of.values():
        clusters.anchor(record_id)


def _describe(c: LinkCandidate) -> str:
    return f"{c.agency} {c.source_id}"


def _apply_exact_rules(
    clusters: Clusters,
    candidates: list[LinkCandidate],
    anchors: dict[str, np.ndarray],
    by_id: dict[int, LinkCandidate],
    reasons: dict[int, str],
    summary: LinkSummary,
) -> None:
    """Join each record to the first record sharing one of its exact keys (`_exact_anchors`)."""
    labels = {
        "nhs_number": "same NHS number",
        "upn": "same UPN",
        "name_dob": "same name and date of birth",
        "name_dob_swapped": "same names, given and family the other way round, and date of birth",
    }
    for index, candidate in enumerate(candidates):
        for method in EXACT_METHODS:
            anchor = int(anchors[method][index])
            if anchor == _NO_KEY or anchor == candidate.record_id:
                continue
            refused = clusters.why_not(anchor, candidate.record_id)
            if refused is None and clusters.union(anchor, candidate.record_id):
                reasons.setdefault(
                    candidate.record_id, f"{method}: {labels[method]} as {_describe(by_id[anchor])}"
                )
                reasons.setdefault(anchor, f"{method}: {labels[method]} as {_describe(candidate)}")
            else:
                held = (
                    "hold different NHS numbers or UPNs"
                    if refused and refused.startswith("different valid")
                    else refused
                )
                outcome = (
                    "kept apart" if "declares its ids unique" in (held or "") else "left apart for review"
                )
                summary.conflicts.append(
                    f"{_describe(candidate)} and {_describe(by_id[anchor])} share a {labels[method]} "
                    f"but {held}: {outcome}"
                )


_NO_KEY = -1


def _exact_anchors(candidates: list[LinkCandidate]) -> dict[str, np.ndarray]:
    """Per exact rule, each candidate's anchor: the first candidate with its key (`_NO_KEY` if none).

    One rule's keys at a time, and before the clusters are built: a population's keys of every
    rule in one dict (about 680,000 at 50,000 children) were the largest thing the rules held.
    """
    anchors: dict[str, np.ndarray] = {}
    for method in EXACT_METHODS:
        first: dict[object, int] = {}
        column = np.full(len(candidates), _NO_KEY, dtype=np.int64)
        for index, candidate in enumerate(candidates):
            key = exact_key(candidate, method)
            if key is not None:
                column[index] = first.setdefault(key, candidate.record_id)
        anchors[method] = column
    return anchors


def _apply_near_rule(clusters: Clusters, candidates: list[LinkCandidate], reasons: dict[int, str]) -> None:
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


#: Groups given their person and links at a time: one slice's Person objects and link rows are
#: all that is held (a whole population's, 194,000 records at 50,000 children, peaked near 300 MB).
ASSIGN_SLICE = 5_000


def _assign(
    session: Session,
    groups: dict[int, list[int]],
    linked: dict[int, int],
    plan: _Plan,
    by_id: dict[int, LinkCandidate],
    decided_by: str,
    summary: LinkSummary,
) -> None:
    """Give each group its person (new, or the oldest it already holds) and link its new records.

    A slice of `ASSIGN_SLICE` groups at a time, in group order, so person and link ids come out
    exactly as when the whole population was written at once.
    """
    now = datetime.now(UTC)
    joined: list[tuple[str, str]] = []
    items = list(groups.items())
    for start in range(0, len(items), ASSIGN_SLICE):
        _assign_slice(session, items[start : start + ASSIGN_SLICE], linked, plan, decided_by, now, summary)
    for members in groups.values():
        joined.extend((by_id[m].agency, by_id[m].source_id) for m in members if m not in linked)
    mark_due(session.connection(), joined)  # merges mark the records they move (merges.py)


def _assign_slice(
    session: Session,
    groups: list[tuple[int, list[int]]],
    linked: dict[int, int],
    plan: _Plan,
    decided_by: str,
    now: datetime,
    summary: LinkSummary,
) -> None:
    # New people are inserted in one flush (one multi-row INSERT ... RETURNING), not one each:
    # a population-sized replay creates tens of thousands at once.
    new_people = {
        root: Person(created_at=now) for root, members in groups if not any(m in linked for m in members)
    }
    session.add_all(new_people.values())
    session.flush()
    summary.people_created += len(new_people)
    # Links are rows for one executemany, not ORM objects: building and flushing tens of
    # thousands of those was most of a population replay's linking time.
    links: list[dict[str, Any]] = []
    for root, members in groups:
        if root in new_people:
            survivor = new_people[root].id
        else:
            people = sorted({linked[m] for m in members if m in linked})
            survivor = people[0]
            _insert_links(session, links)  # first, so link ids keep the order of the decisions
            for other in people[1:]:
                _merge(session, other, survivor, now=now, decided_by=decided_by)
                summary.people_merged += 1
        for member in members:
            if member in linked:
                continue  # already linked to the survivor, or moved there by _merge
            links.append(_link_row(member, survivor, plan, decided_by, now))
            summary.newly_linked += 1
    _insert_links(session, links)


def _link_row(member: int, person: int, plan: _Plan, decided_by: str, now: datetime) -> dict[str, Any]:
    reason = plan.reasons.get(member, "new_person: no other record matched")
    return {
        "person_record_id": member,
        "person_id": person,
        "method": reason.split(":", 1)[0],
        "evidence": reason,
        "probability": plan.probability.get(member),
        "decided_by": plan.decided_by.get(member, decided_by),
        "created_at": now,
        "ended_at": None,
        "ended_reason": None,
    }


def _insert_links(session: Session, links: list[dict[str, Any]]) -> None:
    """Insert the pending link rows (and empty the list)."""
    if links:
        session.execute(insert(PersonLink), links)
        links.clear()


def _merge(session: Session, source: int, target: int, *, now: datetime, decided_by: str) -> None:
    """Move every active link of person `source` to `target`, keeping the old links as history."""
    evidence = f"merged: a new record matched both person {source} and person {target}"
    merge_people(session, source, target, decided_by=decided_by, evidence=evidence, now=now)


def cluster_population(
    records: list[RawPerson],
    model: TrainedModel | None,
    *,
    edges: list[Any] | None = None,
    unique_agencies: Iterable[str] = (),
    calibrate: bool = True,
    today: date | None = None,
) -> tuple[dict[int, list[int]], Any]:
    """The same steps as `link_people` on records held in memory, with nothing stored.

    For benchmarks and threshold choice: what is measured is what runs. Returns the groups
    (root -> record ids) and the probabilistic step's result (links made, pairs for review).
    `calibrate=False` keeps the model's bands as given (choosing the shipped bands on a grid).
    """
    from alarmbell.identity.features import build_features
    from alarmbell.identity.probabilistic import apply_edges, score_all

    clusters = rule_clusters(records, unique_agencies, today=today)
    applied = None
    if model is not None:
        if edges is None:
            edges = score_all(build_features(records), model, clusters=clusters, today=today)
        applied = apply_edges(
            clusters, edges, model=model if calibrate else None, records=len(records), today=today
        )
    return clusters.groups(), applied


def rule_clusters(
    records: list[RawPerson], unique_agencies: Iterable[str], *, today: date | None = None
) -> Clusters:
    """The clusters the deterministic rules make, as `link_people` makes them.

    A function of its own so that the candidates and the rules' words (what a store keeps with
    each link) are freed before the model runs: at a million records they are hundreds of MB.
    """
    candidates = [candidate(r) for r in records]
    anchors = _exact_anchors(candidates)
    clusters = Clusters(candidates, unique_agencies=unique_agencies, today=today)
    reasons: dict[int, str] = {}
    by_id = {c.record_id: c for c in candidates}
    _apply_exact_rules(clusters, candidates, anchors, by_id, reasons, LinkSummary())
    _apply_near_rule(clusters, candidates, reasons)
    return clusters
