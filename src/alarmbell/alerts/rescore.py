"""Re-evaluate every person under the current policy, as a batch (`alarmbell rescore`).

The incremental path (`refresh_alerts`) builds one chronology at a time with a handful of
queries each; for a whole population that is millions of queries. The batch path reads the
same data per share of the population: one query for the share's relations, then two
streaming queries ordered by household group; it builds each group's chronologies in memory
exactly as `build_chronology` does, and runs the same pure engine (`alert_timeline`). Shares
run in worker processes when the store is a file or a server. tests/alerts/test_rescore.py
proves the alerts equal the incremental path's.

Groups: a child's chronology needs the child's own events and those of the household adults,
so people joined by a household relationship are one group (a connected component), and
every group is loaded, built and evaluated together.

Memory: the population is held only as two integer arrays (each person's group); a share holds
at most `SHARE_PEOPLE` people and reads its own relations, records and events, and at most two
shares per worker wait to be sent. So peak memory follows the share, not the population
(docs/scale.md, "How memory is bounded").
"""

from __future__ import annotations

import math
import multiprocessing
import os
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table, and_, select, union
from sqlalchemy.orm import Session, aliased

from alarmbell.alerts.decided import Decided, decided_moments
from alarmbell.alerts.prepass import may_be_alerted, own_shapes, parsed_rows
from alarmbell.alerts.service import StoredAlerts, store_alerts
from alarmbell.chronology import (
    RECORDED_AT,
    assemble_chronology,
    event_columns,
    household_children,
    other_child_member,
    parental_adults,
)
from alarmbell.domain.alerts import RaisedAlert
from alarmbell.domain.chronology import Chronology, HouseholdMember
from alarmbell.domain.timeparse import age_in_years
from alarmbell.domain.vocabulary import HOUSEHOLD_ADULT_KINDS
from alarmbell.identity import PersonView, view_from_rows
from alarmbell.policy import Policy, Reach, Shape, alert_timeline, reach_of
from alarmbell.settings import Settings
from alarmbell.storage.dialect import dialect_of
from alarmbell.storage.evaluation_due import clear_due, due_marks
from alarmbell.storage.tables import (
    EventParty,
    EventRecordRow,
    PersonLink,
    PersonRecordRow,
    RelationshipRecordRow,
)

#: Shares per worker: more shares give a smoother progress bar, each costs three queries.
SHARES_PER_WORKER = 8

#: People in one share at most, whatever the population: what a worker holds at once (the
#: share's relations, records, events and alerts) follows this number. Each share costs three
#: queries and a temporary table, so much smaller shares cost time.
SHARE_PEOPLE = 500

#: Shares sent to the worker processes ahead of their results, per worker.
SHARES_IN_FLIGHT = 2

_TEMP = MetaData()
_GROUPS = Table(
    "rescore_person",
    _TEMP,
    Column("grp", Integer, primary_key=True),
    Column("person_id", Integer, primary_key=True),
    prefixes=["TEMPORARY"],
)

#: Where the events query puts the group and the person, after `event_columns()`.
_EVENT_GROUP, _EVENT_PERSON = 7, 8

#: person id -> [(other person id, how the other is related to this person)], in record order.
Relations = dict[int, list[tuple[int, str]]]


@dataclass(frozen=True, slots=True)
class Share:
    """A part of the population for one task: (group, person) pairs and their relations.

    `relations` None: read from the store with the share's records (`share_chronologies`).
    """

    members: tuple[tuple[int, int], ...]
    relations: Relations | None
    decided: Decided = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RescoreSummary:
    people: int
    children: int
    alerts: tuple[RaisedAlert, ...]
    created: int = 0
    #: The highest alert id before this run's (None if it stored none): see StoredAlerts.
    after_id: int | None = None


# -- groups ------------------------------------------------------------------------------------


def load_relations(session: Session) -> tuple[list[int], Relations]:
    """Every linked person, and every relationship between two linked people, in one pass each.

    Mirrors `identity.people.relations`: a relationship recorded from A to B says A is B's
    `kind`; seen from A it is the inverse kind.
    """
    people = sorted(set(session.scalars(select(PersonLink.person_id).where(PersonLink.ended_at.is_(None)))))
    return people, _relations_from(session.execute(_relations_query().order_by(RelationshipRecordRow.id)))


def _relations_query() -> Any:
    """(person the relationship is from, person it is to, kind), both people linked."""
    rel = RelationshipRecordRow
    rec_a, rec_b = aliased(PersonRecordRow), aliased(PersonRecordRow)
    link_a, link_b = aliased(PersonLink), aliased(PersonLink)
    return (
        select(link_a.person_id, link_b.person_id, rel.kind)
        .join(rec_a, and_(rec_a.agency == rel.agency, rec_a.source_id == rel.from_source_id))
        .join(link_a, and_(link_a.person_record_id == rec_a.id, link_a.ended_at.is_(None)))
        .join(rec_b, and_(rec_b.agency == rel.agency, rec_b.source_id == rel.to_source_id))
        .join(link_b, and_(link_b.person_record_id == rec_b.id, link_b.ended_at.is_(None)))
    )


def _relations_from(rows: Any, only: set[int] | None = None) -> Relations:
    """Relations seen from each person (of `only`, if given), in the order of `rows`."""
    relations: Relations = defaultdict(list)
    for source, target, kind in rows:
        if source != target:
            if only is None or target in only:
                relations[target].append((source, kind))
            if only is None or source in only:
                relations[source].append((target, _inverse(kind)))
    return relations


def _share_relations(connection: Connection, members: set[int]) -> Relations:
    """The relations of the share's people (in the temporary table), as `load_relations` gives them.

    Driven from the share's people through the indexes on both ends of a relationship, so
    each share reads its own relationships, not the population's.
    """
    rel, g = RelationshipRecordRow, _GROUPS.c
    ends = []
    for end in (rel.from_source_id, rel.to_source_id):
        rec, link = aliased(PersonRecordRow), aliased(PersonLink)
        ends.append(
            select(rel.id)
            .select_from(_GROUPS)
            .join(link, and_(link.person_id == g.person_id, link.ended_at.is_(None)))
            .join(rec, rec.id == link.person_record_id)
            .join(rel, and_(rel.agency == rec.agency, end == rec.source_id))
        )
    query = _relations_query().where(rel.id.in_(union(*ends))).order_by(rel.id)
    return _relations_from(connection.execute(query), members)


def _inverse(kind: str) -> str:
    return kind if kind in ("sibling", "household_member", "other") else "child_of_" + kind


def household_adults(relations: Relations, person_id: int) -> dict[int, str]:
    """As `identity.people.household_adults`, from relations already in memory."""
    adults: dict[int, str] = {}
    for other, kind in relations.get(person_id, ()):
        if kind in HOUSEHOLD_ADULT_KINDS:
            adults.setdefault(other, kind)
    return adults


def groups(people: Sequence[int], relations: Relations) -> dict[int, int]:
    """person -> group: union-find over child/household-adult and sibling links (a household).

    Siblings are joined too: a child's chronology reads the other household children's events,
    and two siblings may share no recorded adult.
    """
    parent = {p: p for p in people}

    def find(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for person in people:
        siblings = [other for other, kind in relations.get(person, ()) if kind == "sibling"]
        for other in [*household_adults(relations, person), *siblings]:
            if other in parent:
                a, b = find(person), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {p: find(p) for p in people}


def shares(
    people: Sequence[int], relations: Relations, count: int, decided: Decided | None = None
) -> list[Share]:
    """Split the groups into `count` shares of about equal numbers of people."""
    decided = decided or {}
    grouped: dict[int, list[int]] = defaultdict(list)
    for person, group in groups(people, relations).items():
        grouped[group].append(person)
    buckets: list[list[tuple[int, int]]] = [[] for _ in range(max(count, 1))]
    for i, group in enumerate(sorted(grouped)):
        buckets[i % len(buckets)].extend((group, p) for p in grouped[group])
    out = []
    for members in buckets:
        ids = {p for _, p in members}
        out.append(
            Share(
                tuple(members),
                {p: relations[p] for p in ids if p in relations},
                {p: decided[p] for p in ids if p in decided},
            )
        )
    return [s for s in out if s.members]


@dataclass(frozen=True, slots=True)
class Population:
    """Every linked person (ascending) and their group, as compact arrays: 16 bytes a person."""

    people: array[int]
    group: array[int]

    def shares(self, count: int, decided: Decided | None = None) -> Iterator[Share]:
        """As `shares`, with no share above `SHARE_PEOPLE` people; each built when asked for.

        Groups go round-robin, in group order, to max(count, people / SHARE_PEOPLE) buckets.
        """
        decided = decided or {}
        total = max(count, math.ceil(len(self.people) / SHARE_PEOPLE), 1)
        buckets = [(array("q"), array("q")) for _ in range(total)]
        rank: dict[int, int] = {}
        for person, group in zip(self.people, self.group, strict=True):
            bucket = buckets[rank.setdefault(group, len(rank)) % total]
            bucket[0].append(group)
            bucket[1].append(person)
        del rank
        for groups_of, people_of in buckets:
            if people_of:
                members = tuple(sorted(zip(groups_of, people_of, strict=True)))
                own = {p: decided[p] for p in people_of if p in decided}
                yield Share(members, None, own)


def population_groups(connection: Connection) -> Population:
    """Every linked person's group, as `groups` gives it, without holding the relations.

    The relationships stream past a union-find over person ids (an array, not a dict); a group
    is named by its smallest person id, as in `groups`.
    """
    people = array(
        "q",
        connection.scalars(
            select(PersonLink.person_id)
            .where(PersonLink.ended_at.is_(None))
            .distinct()
            .order_by(PersonLink.person_id)
        ),
    )
    parent = array("q", range(people[-1] + 1 if people else 0))

    def find(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    rows = connection.execute(
        _relations_query(), execution_options={"stream_results": True, "yield_per": 5000}
    )
    for source, target, kind in rows:
        if source != target and _joins_household(kind):
            a, b = find(source), find(target)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return Population(people, array("q", (find(p) for p in people)))


def _joins_household(kind: str) -> bool:
    """Whether `groups` joins the two ends: one is the other's household adult, or siblings."""
    return kind == "sibling" or kind in HOUSEHOLD_ADULT_KINDS or _inverse(kind) in HOUSEHOLD_ADULT_KINDS


# -- one share: its relations, two streaming queries, chronologies in memory -------------------


def evaluate_share(
    connection: Connection, share: Share, policy: Policy, *, prepass: bool = True
) -> RescoreSummary:
    """Alerts for one share of the population: its relations, then two streaming queries by group.

    With `prepass`, people the columnar pre-pass proves alert-free are not built or evaluated.
    """
    alerts: list[RaisedAlert] = []
    people, children = len({person for _, person in share.members}), 0
    for _, chronologies in share_chronologies(connection, share, policy if prepass else None):
        for chronology in chronologies:
            children += 1
            decided = share.decided.get(chronology.person_id, ())
            alerts.extend(alert_timeline(policy, chronology, decided=decided))
    return RescoreSummary(people=people, children=children, alerts=tuple(alerts))


def share_chronologies(
    connection: Connection, share: Share, policy: Policy | None = None
) -> Iterator[tuple[int, Iterator[Chronology]]]:
    """Per group of the share: how many people it holds, and the chronologies of its possible children.

    With `policy`, the pre-pass (`alerts/prepass.py`) leaves out everyone who cannot be
    alerted under it: their chronologies are not built.
    Consume it to the end: the share's temporary table is dropped when the last group is read.
    """
    reach = reach_of(policy) if policy is not None else None
    _GROUPS.create(connection)
    try:
        connection.execute(_GROUPS.insert(), [{"grp": g, "person_id": p} for g, p in share.members])
        # A new temporary table has no statistics: without them SQLite plans the events query
        # from a full scan of event_party (each share then reads every event in the store) and
        # PostgreSQL never analyzes temporary tables itself. Measured, not guessed: the share's
        # events query went from 0.26 s to 0.05 s on 1,000 children, and stops growing with shares.
        connection.exec_driver_sql(f"ANALYZE {_GROUPS.name}")
        relations = share.relations
        if relations is None:
            relations = _share_relations(connection, {person for _, person in share.members})
        records = _stream(connection, _records_query())
        events = _stream(connection, _events_query())
        for _, person_rows, event_rows in _merge_by_group(records, events):
            people = len({row[1] for row in person_rows})
            yield people, group_chronologies(person_rows, event_rows, relations, reach)
    finally:
        _GROUPS.drop(connection)


def _records_query() -> Any:
    g, link, rec = _GROUPS.c, PersonLink, PersonRecordRow
    return (
        select(g.grp, link.person_id, rec.agency, rec.source_id, rec.given_name, rec.family_name)
        .add_columns(rec.dob, rec.sex, rec.role_hint, rec.batch_id)
        .select_from(_GROUPS)
        .join(link, and_(link.person_id == g.person_id, link.ended_at.is_(None)))
        .join(rec, rec.id == link.person_record_id)
        .order_by(g.grp, link.person_id, rec.agency, rec.source_id)
    )


def _events_query() -> Any:
    """The event columns `assemble_chronology` reads, then the group and the person."""
    g, link, rec, party, ev = _GROUPS.c, PersonLink, PersonRecordRow, EventParty, EventRecordRow
    return (
        select(*event_columns(), g.grp, link.person_id)
        .select_from(_GROUPS)
        .join(link, and_(link.person_id == g.person_id, link.ended_at.is_(None)))
        .join(rec, rec.id == link.person_record_id)
        .join(party, and_(party.agency == rec.agency, party.person_source_id == rec.source_id))
        .join(ev, and_(ev.agency == party.agency, ev.source_id == party.event_source_id))
        .where(ev.held.is_(False))
        .order_by(g.grp)
    )


def _stream(connection: Connection, query: Any) -> Iterator[Any]:
    # Per statement: Connection.execution_options() would switch the whole connection to
    # server-side cursors, and PostgreSQL cannot DECLARE a cursor for the DROP that follows.
    result = connection.execute(query, execution_options={"stream_results": True, "yield_per": 5000})
    yield from result


def _merge_by_group(
    records: Iterator[Any], events: Iterator[Any]
) -> Iterator[tuple[int, list[Any], list[Any]]]:
    """Walk both streams (each ordered by group) in step, one group at a time."""
    event_groups = groupby(events, key=lambda row: row[_EVENT_GROUP])
    pending = next(event_groups, None)
    for group, rows in groupby(records, key=lambda row: row[0]):
        group_events: list[Any] = []
        while pending is not None and pending[0] <= group:
            if pending[0] == group:
                group_events = list(pending[1])
            else:
                list(pending[1])
            pending = next(event_groups, None)
        yield group, list(rows), group_events


def group_chronologies(
    person_rows: list[Any],
    event_rows: list[Any],
    relations: Relations,
    reach: Reach | None = None,
) -> Iterator[Chronology]:
    """The chronologies of one group's people who may be children, built as `build_chronology` does.

    A person who cannot be a child at any moment of their chronology (known date of birth 18
    or more years before every entry was recorded; or no date of birth and not recorded as a
    child) gets no alert from `alert_timeline`, so their chronology is not built at all; nor,
    with `reach` (the policy widened to shapes), is that of anyone the pre-pass rules out.
    """
    views: dict[int, PersonView] = {}
    for person_id, rows in groupby(person_rows, key=lambda row: row[1]):
        views[person_id] = view_from_rows(person_id, list(rows))
    by_person: dict[int, list[Any]] = defaultdict(list)
    for row in event_rows if reach is None else parsed_rows(event_rows):
        by_person[row[_EVENT_PERSON]].append(row)
    shapes = _Shapes(by_person, reach) if reach is not None else None
    for person_id in sorted(views):
        own = by_person.get(person_id, [])
        adults = [
            (m, by_person.get(m.person_id, [])) for m in household_adult_members(person_id, views, relations)
        ]
        if not _may_be_child(views[person_id], [own, *(rows for _, rows in adults)]):
            continue
        others = [c for c in household_child_ids(person_id, relations) if c in views]
        related = {m.person_id: m.relation for m, _ in adults}
        if shapes is not None and not shapes.may_be_alerted(views[person_id], related, others):
            continue
        children = [(other_child_member(views[person_id], views[c]), by_person.get(c, [])) for c in others]
        yield assemble_chronology(views[person_id], own, adults, children)


def household_child_ids(person_id: int, relations: Relations) -> list[int]:
    """As `build_chronology` finds them (`chronology.household_children`), from relations in memory."""
    own = relations.get(person_id, [])
    adults = {a: relations.get(a, []) for a in parental_adults(own)}
    return household_children(person_id, own, adults)


class _Shapes:
    """The pre-pass over one group: each person's event shapes, computed when first needed."""

    def __init__(self, rows: dict[int, list[Any]], reach: Reach) -> None:
        self._rows, self._reach = rows, reach
        self._shapes: dict[int, list[Shape]] = {}

    def may_be_alerted(self, person: PersonView, adults: dict[int, str], children: list[int]) -> bool:
        for person_id in (person.person_id, *adults, *children):
            if person_id not in self._shapes:
                self._shapes[person_id] = own_shapes(self._rows.get(person_id, ()), self._reach)
        return may_be_alerted(person, adults, children, self._shapes, self._reach)


def household_adult_members(
    person_id: int, views: dict[int, PersonView], relations: Relations
) -> list[HouseholdMember]:
    """As `build_chronology` finds them: household adults in id order, none recorded as a child."""
    found = []
    for adult_id, relation in sorted(household_adults(relations, person_id).items()):
        adult = views.get(adult_id)
        if adult is not None and adult.role != "child":
            found.append(HouseholdMember(adult_id, relation, adult.display_name, adult.role))
    return found


def _may_be_child(person: PersonView, event_rows: list[Sequence[Any]]) -> bool:
    if person.dob is None:
        return person.role == "child" and any(event_rows)
    recorded = [row[RECORDED_AT] for rows in event_rows for row in rows]
    return bool(recorded) and age_in_years(person.dob, min(recorded)) < 18


# -- the whole population ------------------------------------------------------------------------


def rescore(
    session: Session,
    *,
    policy: Policy,
    settings: Settings | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
    store: bool = True,
    prepass: bool = True,
) -> RescoreSummary:
    """Evaluate every linked person under `policy` and store the alerts not stored before.

    With `settings` for a file or server store and more than one worker, shares run in worker
    processes (each with its own connection); otherwise in this session's connection. The
    caller commits. `total` receives the number of people once known; `progress` each share's.
    `store=False` only computes (benchmarks and what-if runs of a draft policy).
    `prepass=False` builds and evaluates everyone (the reference the pre-pass is tested against).
    """
    marks = due_marks(session.connection())  # everyone is evaluated, so every mark read is done
    connection = session.connection()
    with dialect_of(connection).small_read_cache(connection):
        evaluated, children, alerts = _evaluate_population(
            session, policy, settings, workers, prepass, progress=progress, total=total
        )
    alerts.sort(key=lambda a: (a.person_id, a.raised_at, a.level.rank))
    stored = StoredAlerts(0, None)
    if store:
        stored = store_alerts(session, alerts)
        clear_due(session.connection(), marks)
    return RescoreSummary(
        people=evaluated,
        children=children,
        alerts=tuple(alerts),
        created=stored.created,
        after_id=stored.after_id,
    )


def _evaluate_population(
    session: Session,
    policy: Policy,
    settings: Settings | None,
    workers: int | None,
    prepass: bool,
    *,
    progress: Callable[[int], None] | None,
    total: Callable[[int], None] | None,
) -> tuple[int, int, list[RaisedAlert]]:
    """People evaluated, children among them, and their alerts (in the order shares finish)."""
    population = population_groups(session.connection())
    if total:
        total(len(population.people))
    count = workers or min(os.cpu_count() or 1, 2)
    parallel = count > 1 and settings is not None and not _in_memory(settings)
    decided = decided_moments(session)
    parts = population.shares(count * SHARES_PER_WORKER if parallel else SHARES_PER_WORKER, decided)
    if parallel:
        results = _run_parallel(parts, policy, settings, count, prepass)
    else:
        results = _run_here(session, parts, policy, prepass)
    alerts: list[RaisedAlert] = []
    evaluated = children = 0
    for result in results:
        evaluated += result.people
        children += result.children
        alerts.extend(result.alerts)
        if progress:
            progress(result.people)
    return evaluated, children, alerts


def _in_memory(settings: Settings) -> bool:
    url = settings.database_url
    return url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url


def _run_here(
    session: Session, parts: Iterator[Share], policy: Policy, prepass: bool
) -> Iterator[RescoreSummary]:
    connection = session.connection()
    for part in parts:
        yield evaluate_share(connection, part, policy, prepass=prepass)


def _run_parallel(
    parts: Iterator[Share], policy: Policy, settings: Settings | None, workers: int, prepass: bool
) -> Iterator[RescoreSummary]:
    """Results as shares finish; a share is built only when a worker is about to need it."""
    assert settings is not None
    # Spawned, not forked: the parent may hold database connections and DuckDB's threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(settings, policy, prepass),
    ) as pool:
        running: set[Future[RescoreSummary]] = set()
        for part in parts:
            if len(running) >= workers * SHARES_IN_FLIGHT:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
            running.add(pool.submit(_share_in_worker, part))
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)


#: What a worker process keeps from share to share: its engine, the policy and whether to run
#: the pre-pass. Sent once when the worker starts, not with every share: a policy unpickled per
#: share was a new object each time, so the engine's compiled policy and the pre-pass's widened
#: one (both cached per policy object) were built again for every share, with an engine too;
#: two workers then spent twice the CPU seconds of one process (docs/scale.md).
_WORKER: dict[str, Any] = {}


def _start_worker(settings: Settings, policy: Policy, prepass: bool) -> None:
    from alarmbell.storage.db import make_engine

    _WORKER.update(engine=make_engine(settings, upgrade=False), policy=policy, prepass=prepass)


def _share_in_worker(share: Share) -> RescoreSummary:
    engine = _WORKER["engine"]
    with engine.connect() as connection, dialect_of(connection).small_read_cache(connection):
        result = evaluate_share(connection, share, _WORKER["policy"], prepass=_WORKER["prepass"])
        # Committed, not rolled back: the share wrote only its temporary table, created and
        # dropped, and on SQLite a rollback brings the dropped table back (the CREATE ran
        # outside the transaction, the DROP inside), so the next share on this pooled
        # connection could not create it again.
        connection.commit()
    return result


__all__ = [
    "Population",
    "RescoreSummary",
    "evaluate_share",
    "group_chronologies",
    "household_adult_members",
    "household_child_ids",
    "load_relations",
    "population_groups",
    "rescore",
    "share_chronologies",
    "shares",
]
