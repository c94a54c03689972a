"""The batch rescore's plan on Spark (`alarmbell rescore --engine spark`), for a population past
one machine.

The plan is the local rescore's (`alerts/rescore.py`), step for step, with the event table in
Spark instead of in one process:

1. The driver reads the store once: every linked person's view, the relationships, the
   decisions on alert items, and one row per (person, event naming them).
   From the relationships it works out each person's household (the adults and other children
   `build_chronology` would find) as a member table: child -> member.
2. Spark joins members to events: per child, the child's rows and those of the household
   adults and household children the engine reads.
3. The pre-pass, in Spark SQL where it can be: a group-by per child of the first recorded
   moment over the child's and the adults' rows keeps only people who may be a child then (as
   `rescore._may_be_child`). The shapes test (`policy/reach.py`: kinds, conditions, counts,
   ages, windows) runs in the per-child task with the same code as locally, before the chronology is
   built. A filter on event kinds alone would rule out no one under the default policy: some
   indicators read any event of a baby, or any event of an adult with a history.
4. Per child (each child's context row, then its rows, sorted within partitions by child and
   walked by `mapInPandas`, many children per pandas batch), the task assembles the chronology
   exactly as `group_chronologies` does and runs the same pure engine (`alert_timeline`).
5. The driver collects the alerts and stores them through `store_alerts`, as `rescore` does.

The policy travels to the executors inside the task (pickled with the function), so a cluster
needs no copy of the policy files. tests/alerts/test_spark_rescore.py checks on a local session
that the alerts equal the local rescore's, on the demo store and on random households.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from alarmbell.alerts.decided import Decided, decided_moments
from alarmbell.alerts.prepass import may_be_alerted, own_shapes, parsed_rows
from alarmbell.alerts.rescore import (
    Relations,
    RescoreSummary,
    household_adult_members,
    household_child_ids,
    load_relations,
)
from alarmbell.alerts.service import StoredAlerts, store_alerts
from alarmbell.chronology import assemble_chronology, event_columns, other_child_member
from alarmbell.domain.alerts import RaisedAlert
from alarmbell.domain.chronology import HouseholdMember
from alarmbell.identity import PersonView, view_from_rows
from alarmbell.policy import Policy, alert_timeline, reach_of
from alarmbell.storage.evaluation_due import clear_due, due_marks
from alarmbell.storage.tables import EventParty, EventRecordRow, PersonLink, PersonRecordRow

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
#: `age_in_years(dob, at) < 18` is `(at.date() - dob).days / 365.25 < 18`: fewer than 6,575 days.
ADULT_DAYS = 6575

EVENTS_SCHEMA = (
    "member long, ord long, agency string, source_id string, kind string, occurred_us long, "
    "recorded_us long, payload string, involvement string"
)
MEMBERS_SCHEMA = "child long, member long, for_age boolean"
CHILDREN_SCHEMA = "child long, dob_day long, role string, context binary"
#: One row per child evaluated; `alert` (a pickled `RaisedAlert`) is null when none was raised.
ALERTS_SCHEMA = "person_id long, raised_at_us long, level string, rules array<string>, alert binary"


@dataclass(frozen=True, slots=True)
class ChildContext:
    """What the per-child task needs besides event rows: the person and whom the household holds."""

    person: PersonView
    adults: tuple[HouseholdMember, ...]
    children: tuple[HouseholdMember, ...]
    decided: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class Extract:
    """The store's population as three tables for Spark (columns as in the `*_SCHEMA`s)."""

    people: int
    events: list[tuple[Any, ...]]
    members: list[tuple[Any, ...]]
    children: list[tuple[Any, ...]]


# -- the driver's read of the store ---------------------------------------------------------------


def extract(session: Session) -> Extract:
    """The population, its households and its events, read in one pass each."""
    _, relations = load_relations(session)
    views = _views(session)
    members, children = household_tables(views, relations, decided_moments(session))
    return Extract(len(views), list(_event_rows(session)), members, children)


def _views(session: Session) -> dict[int, PersonView]:
    link, rec = PersonLink, PersonRecordRow
    query = (
        select(link.person_id, rec.agency, rec.source_id, rec.given_name, rec.family_name)
        .add_columns(rec.dob, rec.sex, rec.role_hint, rec.batch_id)
        .join(rec, rec.id == link.person_record_id)
        .where(link.ended_at.is_(None))
        .order_by(link.person_id, rec.agency, rec.source_id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(query):
        grouped[row[0]].append(row)
    return {person: view_from_rows(person, rows) for person, rows in grouped.items()}


def household_tables(
    views: dict[int, PersonView], relations: Relations, decided: Decided
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Member rows (child, member, whether their events count for the age test) and child
    rows (child, dob as days since 1970, role, pickled `ChildContext`), for every linked person.

    The households are found by the same functions the local rescore uses, so the members are
    exactly the people whose events `group_chronologies` reads for that child.
    """
    members: list[tuple[Any, ...]] = []
    children: list[tuple[Any, ...]] = []
    for person_id in sorted(views):
        view = views[person_id]
        adults = tuple(household_adult_members(person_id, views, relations))
        others = tuple(
            other_child_member(view, views[c])
            for c in household_child_ids(person_id, relations)
            if c in views
        )
        for_age = {person_id: True} | {adult.person_id: True for adult in adults}
        for other in others:
            for_age.setdefault(other.person_id, False)
        members.extend((person_id, member, counts) for member, counts in for_age.items())
        context = ChildContext(view, adults, others, decided.get(person_id, ()))
        dob_day = None if view.dob is None else (view.dob - EPOCH.date()).days
        children.append((person_id, dob_day, view.role, pickle.dumps(context)))
    return members, children


def _event_rows(session: Session) -> Iterator[tuple[Any, ...]]:
    """(person, order, *event_columns()) with moments as microseconds since 1970 (UTC)."""
    link, rec, party, ev = PersonLink, PersonRecordRow, EventParty, EventRecordRow
    query = (
        select(link.person_id, *event_columns())
        .join(rec, rec.id == link.person_record_id)
        .join(party, and_(party.agency == rec.agency, party.person_source_id == rec.source_id))
        .join(ev, and_(ev.agency == party.agency, ev.source_id == party.event_source_id))
        .where(link.ended_at.is_(None), ev.held.is_(False))
    )
    result = session.execute(query, execution_options={"stream_results": True, "yield_per": 5000})
    for order, (person, agency, source_id, kind, occurred, recorded, payload, involvement) in enumerate(
        result
    ):
        yield (
            person,
            order,
            agency,
            source_id,
            kind,
            _micros(occurred),
            _micros(recorded),
            payload,
            involvement,
        )


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _moment(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(micros))


# -- the plan ---------------------------------------------------------------------------------------


def alerts_frame(spark: Any, data: Extract, policy: Policy) -> Any:
    """The Spark DataFrame of alerts (`ALERTS_SCHEMA`): lazy, so a cluster may write it anywhere."""
    events = _frame(spark, data.events, EVENTS_SCHEMA)
    members = _frame(spark, data.members, MEMBERS_SCHEMA)
    children = _frame(spark, data.children, CHILDREN_SCHEMA)
    return plan(events, members, children, policy)


def _frame(spark: Any, rows: list[tuple[Any, ...]], schema: str) -> Any:
    """Rows to a DataFrame through Arrow: column by column, not row by row through pickle."""
    import pyarrow as pa

    fields = [field.split() for field in schema.split(", ")]
    types = {"long": pa.int64(), "string": pa.string(), "boolean": pa.bool_(), "binary": pa.binary()}
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    table = pa.table(
        {
            name: pa.array(column, type=types[kind])
            for (name, kind), column in zip(fields, columns, strict=True)
        }
    )
    return spark.createDataFrame(table)


def plan(events: Any, members: Any, children: Any, policy: Policy) -> Any:
    """Per child: join, filter in Spark SQL, then the engine over each partition's children."""
    from pyspark.sql import functions as F

    rows = members.join(events, "member")
    first = rows.where("for_age").groupBy("child").agg(F.min("recorded_us").alias("first_us"))
    age_days = F.floor(F.col("first_us") / DAY_US) - F.col("dob_day")
    unknown_age = F.col("dob_day").isNull() & (F.col("role") == "child")
    possible = children.join(first, "child").where(unknown_age | (age_days < ADULT_DAYS))
    kept = rows.join(possible.select("child"), "child", "left_semi").select(
        *_TASK_COLUMNS[:-1], F.lit(None).cast("binary").alias("context")
    )
    blank = {"member": -1, "ord": -1, "occurred_us": 0, "recorded_us": 0}
    contexts = possible.select(
        "child",
        *(
            (F.lit(blank[name]).cast("long") if name in blank else F.lit("")).alias(name)
            for name in _TASK_COLUMNS[1:-1]
        ),
        "context",
    )
    # One child's context row, then its rows in the order the driver read them: each task
    # walks its partition child by child, many children per pandas batch.
    ordered = (
        kept.unionByName(contexts)
        .repartition("child")
        .sortWithinPartitions("child", F.col("context").isNull(), "ord")
    )
    return ordered.mapInPandas(_evaluator(policy), ALERTS_SCHEMA)


#: The task's input columns: the child, then one event row as the driver read it, or its context.
_TASK_COLUMNS = (
    "child",
    "member",
    "ord",
    "agency",
    "source_id",
    "kind",
    "occurred_us",
    "recorded_us",
    "payload",
    "involvement",
    "context",
)
_ALERT_COLUMNS = ["person_id", "raised_at_us", "level", "rules", "alert"]


def _evaluator(policy: Policy) -> Any:
    """The task over one partition; it closes over the policy, which Spark ships to the executors."""

    def evaluate(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd

        child: ChildContext | None = None
        rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for batch in batches:
            out: list[tuple[Any, ...]] = []
            columns = [batch[name].tolist() for name in _TASK_COLUMNS[1:]]
            for member, _, agency, source_id, kind, occurred, recorded, payload, involvement, context in zip(
                *columns, strict=True
            ):
                if context is not None:
                    if child is not None:
                        out.extend(_child_rows(policy, child, rows))
                    child, rows = pickle.loads(context), defaultdict(list)
                    continue
                rows[member].append(
                    (agency, source_id, kind, _moment(occurred), _moment(recorded), payload, involvement)
                )
            yield pd.DataFrame(out, columns=_ALERT_COLUMNS)
        if child is not None:
            yield pd.DataFrame(_child_rows(policy, child, rows), columns=_ALERT_COLUMNS)

    return evaluate


def _child_rows(
    policy: Policy, child: ChildContext, rows: dict[int, list[tuple[Any, ...]]]
) -> list[tuple[Any, ...]]:
    """The child's alert rows; one empty row when evaluated without an alert; none when ruled out."""
    alerts = evaluate_child(policy, child, rows)
    if alerts is None:
        return []
    person = child.person.person_id
    return [_alert_row(person, a) for a in alerts] or [(person, None, None, [], None)]


def evaluate_child(
    policy: Policy, child: ChildContext, rows: dict[int, list[tuple[Any, ...]]]
) -> list[RaisedAlert] | None:
    """The child's alerts, as `group_chronologies` and `evaluate_share` give them; None when the
    pre-pass rules the child out (the chronology is then not built)."""
    reach = reach_of(policy)
    parsed = {member: parsed_rows(found) for member, found in rows.items()}
    shapes = {member: own_shapes(found, reach) for member, found in parsed.items()}
    adults = {m.person_id: m.relation for m in child.adults}
    others = [m.person_id for m in child.children]
    if not may_be_alerted(child.person, adults, others, shapes, reach):
        return None
    chronology = assemble_chronology(
        child.person,
        parsed.get(child.person.person_id, []),
        [(m, parsed.get(m.person_id, [])) for m in child.adults],
        [(m, parsed.get(m.person_id, [])) for m in child.children],
    )
    return alert_timeline(policy, chronology, decided=child.decided)


def _alert_row(person_id: int, alert: RaisedAlert) -> tuple[Any, ...]:
    return (person_id, _micros(alert.raised_at), alert.level.value, list(alert.rules), pickle.dumps(alert))


def local_session(cores: int = 2) -> Any:
    """A local session (`identity.local_spark_session`) whose Python workers run this interpreter.

    The per-child task imports alarmbell; Spark would otherwise start `python3` from PATH,
    which need not have it (a cluster installs alarmbell on its executors instead).
    """
    from alarmbell.identity import local_spark_session

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return local_spark_session(app_name="alarmbell-rescore", cores=cores)


# -- the whole population ---------------------------------------------------------------------------


def rescore_on_spark(
    session: Session, *, policy: Policy, spark: Any | None = None, store: bool = True
) -> RescoreSummary:
    """`rescore` with the per-child work on Spark: the same alerts, stored the same way.

    Without `spark`, a local session is started (`identity.local_spark_session`) and stopped
    after. The caller commits.
    """
    marks = due_marks(session.connection())
    data = extract(session)
    own = spark is None
    if spark is None:
        spark = local_session()
    try:
        collected = alerts_frame(spark, data, policy).collect()
    finally:
        if own:
            spark.stop()
    alerts = [pickle.loads(row["alert"]) for row in collected if row["alert"] is not None]
    alerts.sort(key=lambda a: (a.person_id, a.raised_at, a.level.rank))
    children = len({row["person_id"] for row in collected})
    stored = StoredAlerts(0, None)
    if store:
        stored = store_alerts(session, alerts)
        clear_due(session.connection(), marks)
    return RescoreSummary(
        people=data.people,
        children=children,
        alerts=tuple(alerts),
        created=stored.created,
        after_id=stored.after_id,
    )


__all__ = [
    "ChildContext",
    "Extract",
    "alerts_frame",
    "evaluate_child",
    "extract",
    "household_tables",
    "local_session",
    "plan",
    "rescore_on_spark",
]
