"""The person page: who they are, their household, their alerts and their merged chronology."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from alarmbell.alerts import Override, alerts_for, evidence_keys, overrides_for_person
from alarmbell.chronology import build_chronology
from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.domain.injuries import concern_details
from alarmbell.domain.records import RecordKey
from alarmbell.domain.vocabulary import RELATIONSHIP_KINDS
from alarmbell.domain.wording import event_date
from alarmbell.identity import person_ids_for_records, relations, view
from alarmbell.policy import Policy
from alarmbell.presentation import (
    AlertLine,
    Mark,
    TimelineLayout,
    agency_label,
    event_anchor,
    kind_label,
    lane_agencies,
    layout_timeline,
    level_label,
    long_date,
    mark_title,
    relation_label,
    render_svg,
    short_date,
    whole_years,
)
from alarmbell.storage.tables import AlertRow


@dataclass(frozen=True, slots=True)
class SourceRecord:
    agency: str
    agency_label: str
    source_id: str


@dataclass(frozen=True, slots=True)
class PersonSummary:
    person_id: int
    name: str
    first_name: str
    dob: date | None
    dob_label: str
    age: int | None
    age_label: str
    role: str
    agencies: tuple[str, ...]
    agency_labels: tuple[str, ...]
    records: tuple[SourceRecord, ...]
    level: str | None
    level_label: str | None
    #: The child's death, when a record says so (the CIN census's death date).
    died: date | None = None
    #: The viewer sees their own agency's part only: alerts exist that they may not see.
    hidden_alerts: bool = False
    #: The viewer sees their own agency's part only: other agencies hold records too.
    other_agencies_hidden: bool = False
    #: "M" or "F" as the records give it (the family diagram's symbol), None when none says.
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    person_id: int
    name: str
    relation: str
    role: str
    recorded_by: tuple[str, ...]
    #: The viewer may not open this person's own page (shown without a link).
    restricted: bool = False
    #: The first recorded kind of relation (`mother`, `mother_partner`...), which the diagram draws.
    kind: str = ""
    sex: str | None = None
    dob: date | None = None
    #: In the child's household as the chronology counts it: a household adult or child.
    lives_with: bool = False
    #: (agency, kind) of each recorded relationship, so a view cut to one agency keeps its own.
    said_by: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    agency: str
    source_id: str
    occurred_at: datetime | None
    date_label: str
    what: str
    about: str
    href: str | None


@dataclass(frozen=True, slots=True)
class EvidenceGroup:
    agency: str
    agency_label: str
    items: tuple[EvidenceItem, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class FindingEvidence:
    agency_label: str
    item: EvidenceItem


@dataclass(frozen=True, slots=True)
class FindingView:
    """One indicator behind an alert: its weight at the time and the records that fed it."""

    indicator_id: str
    title: str
    weight_label: str
    explanation: str
    evidence: tuple[FindingEvidence, ...]
    #: Why the indicator matters, and the published evidence it rests on (from the policy).
    why: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorNote:
    """What the policy says about an indicator, for the reader of an alert."""

    rationale: str
    source: str


@dataclass(frozen=True, slots=True)
class OverrideView:
    decided_by: str
    decided_label: str
    reason: str
    override_id: int = 0
    pending: bool = False
    countersigned_by: str | None = None


@dataclass(frozen=True, slots=True)
class AlertView:
    alert_id: int
    anchor: str
    level: str
    level_label: str
    raised_at: datetime
    raised_label: str
    rules: tuple[Rule, ...]
    explanation: str
    policy_version: str
    evidence: tuple[EvidenceGroup, ...]
    evidence_count: int
    findings: tuple[FindingView, ...] = ()
    override: OverrideView | None = None
    #: "New evidence on a red child: ..." when this alert re-notified a child already at its level.
    new_evidence: str = ""
    #: The sum of the indicators' weights when raised (the policy's score), for the technical detail.
    score_label: str = ""
    routed_to: str = ""
    #: "Leo Brennan is rated RED on 31 Jan 2011", without the score and version (technical detail).
    headline: str = ""


@dataclass(frozen=True, slots=True)
class ChronologyRow:
    anchor: str
    agency: str
    agency_label: str
    source_id: str
    kind: str
    what: str
    text: str
    occurred_at: datetime
    date_label: str
    recorded_at: datetime
    recorded_label: str
    own: bool
    about: str
    about_person_id: int | None
    involvement: str
    evidence_for: tuple[str, ...]
    #: Body sites and injuries, action taken, who was informed, author (domain/injuries.py).
    details: tuple[str, ...] = ()
    #: The record of the person's own death (the CIN census's death date): a page cut to one
    #: agency dates a death only by that agency's record of it.
    death: bool = False
    #: (person id, "perpetrator" or "victim") for each person the record names so (attrs).
    named: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PersonPage:
    summary: PersonSummary
    household: tuple[HouseholdRow, ...]
    alerts: tuple[AlertView, ...]
    chronology: tuple[ChronologyRow, ...]
    #: The agency whose records alone the viewer sees, or None when they see the whole record.
    restricted_to: str | None = None


def build_person_page(
    session: Session,
    person_id: int,
    *,
    now: datetime,
    rule_titles: Mapping[str, str],
    notes: Mapping[str, IndicatorNote] | None = None,
) -> PersonPage | None:
    """Everything the person page shows, or None if no record is linked to this id."""
    chronology = build_chronology(session, person_id)
    if chronology is None:
        return None
    alert_rows = alerts_for(session, person_id)
    rows = with_named_people(chronology_rows(chronology, alert_rows), chronology, session)
    by_key = {(r.agency, r.source_id): r for r in (*other_children_rows(chronology), *rows)}
    overrides = overrides_for_person(session, person_id)
    alerts = tuple(
        alert_view(a, by_key, rule_titles, overrides.get(a.id), notes or {}) for a in reversed(alert_rows)
    )
    person = view(session, person_id)
    return PersonPage(
        summary=replace(person_summary(chronology, alert_rows, now=now), sex=person.sex if person else None),
        household=household_rows(session, person_id, lives_with=household_ids(chronology)),
        alerts=alerts,
        chronology=rows,
    )


def indicator_notes(policy: Policy) -> dict[str, IndicatorNote]:
    return {
        i.id: IndicatorNote(" ".join(i.rationale.split()), " ".join(i.source.split()))
        for i in policy.indicators
    }


def person_summary(chronology: Chronology, alerts: Sequence[AlertRow], *, now: datetime) -> PersonSummary:
    level = alerts[-1].level if alerts else None
    return PersonSummary(
        person_id=chronology.person_id,
        name=chronology.display_name,
        first_name=first_name(chronology.display_name),
        dob=chronology.dob,
        dob_label=long_date(chronology.dob) if chronology.dob else "Not known",
        age=whole_years(chronology.dob, now.date()) if chronology.dob else None,
        age_label=age_label(chronology, now),
        role=chronology.role.capitalize(),
        agencies=_agencies_of(chronology.records),
        agency_labels=tuple(agency_label(a) for a in _agencies_of(chronology.records)),
        records=tuple(SourceRecord(a, agency_label(a), s) for a, s in chronology.records),
        level=level,
        level_label=level_label(level) if level else None,
        died=died_on(chronology),
    )


def died_on(chronology: Chronology) -> date | None:
    """The date of the person's death, when one of their own records says so."""
    for entry in chronology.entries:
        if records_death(entry):
            return entry.occurred_at.date()
    return None


def died_in(rows: Sequence[ChronologyRow]) -> date | None:
    """`died_on` from the page's rows: the rows a viewer may see date the death they are shown."""
    return next((row.occurred_at.date() for row in rows if row.death), None)


def records_death(entry: ChronologyEntry) -> bool:
    return entry.relation is None and entry.attrs.get("event") == "death"


def age_label(chronology: Chronology, now: datetime) -> str:
    """Age today, at death, or at the last recorded event when that was years ago (a closed case)."""
    last = chronology.entries[-1].occurred_at.date() if chronology.entries else None
    return age_text(chronology.dob, died_on(chronology), last, now)


def age_text(dob: date | None, died: date | None, last_event: date | None, now: datetime) -> str:
    """`age_label` from its parts: a page cut to one agency's records dates it by their last event."""
    if dob is None:
        return "Not known"
    if died is not None:
        return f"{whole_years(dob, died)} when they died, {long_date(died)}"
    today = whole_years(dob, now.date())
    if last_event is None:
        return f"{today}"
    then = whole_years(dob, last_event)
    if then == today:
        return f"{today}"
    return f"{today} today ({then} at the last recorded event, {long_date(last_event)})"


def household_ids(chronology: Chronology) -> frozenset[int]:
    """The household adults and the other children whose events the chronology reads."""
    return frozenset(m.person_id for m in (*chronology.household, *chronology.other_children))


def household_rows(
    session: Session, person_id: int, *, lives_with: frozenset[int] = frozenset()
) -> tuple[HouseholdRow, ...]:
    """Related people, one row each, with how they are related and which agencies said so."""
    kinds: dict[int, list[str]] = defaultdict(list)
    agencies: dict[int, set[str]] = defaultdict(set)
    said: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for relation in relations(session, person_id):
        if relation.kind not in kinds[relation.other]:
            kinds[relation.other].append(relation.kind)
        agencies[relation.other].add(relation.agency)
        said[relation.other].append((relation.agency, relation.kind))
    rows: list[tuple[int, HouseholdRow]] = []
    for other, their_kinds in kinds.items():
        person = view(session, other)
        if person is None:
            continue
        label = " or ".join(relation_label(k) for k in their_kinds)
        recorded_by = tuple(agency_label(a) for a in lane_agencies(agencies[other]) if a in agencies[other])
        row = HouseholdRow(
            other,
            person.display_name,
            label,
            person.role.capitalize(),
            recorded_by,
            kind=their_kinds[0],
            sex=person.sex,
            dob=person.dob,
            lives_with=other in lives_with,
            said_by=tuple(said[other]),
        )
        rows.append((_relation_order(their_kinds[0]), row))
    return tuple(row for _, row in sorted(rows, key=lambda item: (item[0], item[1].person_id)))


def chronology_rows(chronology: Chronology, alerts: Sequence[AlertRow]) -> tuple[ChronologyRow, ...]:
    flagged: dict[RecordKey, list[str]] = defaultdict(list)
    for alert in alerts:
        for key in evidence_keys(alert):
            flagged[key].append(f"alert-{alert.id}")
    names = {member.person_id: member.display_name for member in chronology.household}
    first = first_name(chronology.display_name)
    return tuple(_row(e, first, names, tuple(flagged.get(e.key, ()))) for e in chronology.entries)


#: The attrs in which a record names someone as the one who harmed or was harmed.
NAMING_ATTRS = ("perpetrator", "victim")


def with_named_people(
    rows: tuple[ChronologyRow, ...], chronology: Chronology, session: Session
) -> tuple[ChronologyRow, ...]:
    """Rows with the people their records name as perpetrator or victim (the review's incident
    roles), so the household can say "named as perpetrator in 8 domestic incident records"."""
    named = {
        (e.agency, e.source_id): [
            (attr, (e.agency, v)) for attr in NAMING_ATTRS if isinstance(v := e.attrs.get(attr), str)
        ]
        for e in chronology.entries
    }
    people = person_ids_for_records(session, sorted({key for pairs in named.values() for _, key in pairs}))
    return tuple(
        replace(row, named=tuple((people[key], attr) for attr, key in found if key in people))
        if (found := named.get((row.agency, row.source_id)))
        else row
        for row in rows
    )


def other_children_rows(chronology: Chronology) -> tuple[ChronologyRow, ...]:
    """Rows for events that name only another child of the household (a sibling's injury).

    They are not in this child's chronology table, but an alert may cite them as evidence, and a
    practitioner must see what and when, about whom: "Leo (Harry's sibling)". They have no anchor
    in this page (the event is on the other child's page).
    """
    first = first_name(chronology.display_name)
    rows = []
    for entry in chronology.other_child_entries:
        member = chronology.other_child(entry.other_child) if entry.other_child is not None else None
        row = _row(entry, first, {}, ())
        about = (
            f"{first_name(member.display_name)} ({first}'s {relation_label(member.relation)})"
            if member is not None
            else row.about
        )
        rows.append(replace(row, about=about, anchor=""))
    return tuple(rows)


def _row(
    entry: ChronologyEntry, first: str, names: Mapping[int, str], flags: tuple[str, ...]
) -> ChronologyRow:
    return ChronologyRow(
        anchor=event_anchor(entry.agency, entry.source_id),
        agency=entry.agency,
        agency_label=agency_label(entry.agency),
        source_id=entry.source_id,
        kind=entry.kind,
        what=kind_label(entry.kind),
        text=entry.text or "",
        occurred_at=entry.occurred_at,
        date_label=event_date(entry.occurred_at, entry.date_precision),
        recorded_at=entry.recorded_at,
        recorded_label=short_date(entry.recorded_at),
        own=entry.is_own,
        about=_about(entry, first, names),
        about_person_id=entry.adult_person_id,
        involvement=entry.involvement,
        evidence_for=flags,
        details=concern_details(entry.attrs, entry.author),
        death=records_death(entry),
    )


def _about(entry: ChronologyEntry, first: str, names: Mapping[int, str]) -> str:
    if entry.relation is None:
        return first
    relation = f"{first}'s {relation_label(entry.relation)}"
    name = names.get(entry.adult_person_id) if entry.adult_person_id is not None else None
    return f"{relation} ({name})" if name else relation


def alert_view(
    alert: AlertRow,
    rows: Mapping[RecordKey, ChronologyRow],
    rule_titles: Mapping[str, str],
    override: Override | None = None,
    notes: Mapping[str, IndicatorNote] | None = None,
) -> AlertView:
    evidence = evidence_groups(evidence_keys(alert), rows)
    findings = finding_views(alert.findings or [], rows, notes or {})
    return AlertView(
        alert_id=alert.id,
        anchor=f"alert-{alert.id}",
        level=alert.level,
        level_label=level_label(alert.level),
        raised_at=alert.raised_at,
        raised_label=long_date(alert.raised_at),
        rules=tuple(Rule(str(r), rule_titles.get(str(r), kind_label(str(r)))) for r in alert.rules),
        explanation=alert.explanation,
        policy_version=alert.policy_version,
        evidence=evidence,
        evidence_count=sum(len(group.items) for group in evidence),
        findings=findings,
        override=None if override is None else _override_view(override),
        new_evidence=new_evidence_of(alert.explanation),
        score_label=f"{sum(_weight(f) for f in alert.findings or []):.4g}" if alert.findings else "",
        routed_to=routed_to_of(alert.explanation),
        headline=headline_of(alert.explanation),
    )


#: The re-notification opening that policy.explain writes before the level sentence.
_NEW_EVIDENCE = re.compile(r"^(New evidence on an? \w+ child: .*?\.)(?= \S.* is rated )")
_ROUTED = re.compile(r"For review by: (.*?)\.(?: |$)")
_HEADLINE = re.compile(r"(?:^|\. )([^.]*? is rated [A-Z]+ on \d{1,2} \w{3} \d{4})")


def headline_of(explanation: str) -> str:
    found = _HEADLINE.search(explanation)
    return found.group(1) if found else ""


def new_evidence_of(explanation: str) -> str:
    found = _NEW_EVIDENCE.match(explanation)
    return found.group(1) if found else ""


def routed_to_of(explanation: str) -> str:
    found = _ROUTED.search(explanation)
    return found.group(1) if found else ""


def _weight(finding: Any) -> float:
    return float(finding.get("weight", 0)) if isinstance(finding, Mapping) else 0.0


def finding_views(
    findings: Sequence[Any],
    rows: Mapping[RecordKey, ChronologyRow],
    notes: Mapping[str, IndicatorNote] | None = None,
) -> tuple[FindingView, ...]:
    """The stored per-finding detail (alerts raised before revision 0003 have none)."""
    views = []
    for f in sorted(findings, key=lambda found: -_weight(found)):
        keys = [(str(a), str(s)) for a, s in f.get("evidence", [])]
        items = [_evidence_item(a, s, rows.get((a, s))) for a, s in keys]
        items.sort(key=lambda i: (i.occurred_at is None, i.occurred_at, i.agency, i.source_id))
        note = (notes or {}).get(str(f.get("indicator", "")))
        views.append(
            FindingView(
                why=note.rationale if note else "",
                source=note.source if note else "",
                indicator_id=str(f.get("indicator", "")),
                title=str(f.get("title", "")),
                weight_label=f"{float(f.get('weight', 0)):g} of {float(f.get('base_weight', 0)):g}",
                explanation=str(f.get("explanation", "")),
                evidence=tuple(FindingEvidence(agency_label(i.agency), i) for i in items),
            )
        )
    return tuple(views)


def _override_view(override: Override) -> OverrideView:
    return OverrideView(
        override.decided_by,
        long_date(override.decided_at),
        override.reason,
        override_id=override.id,
        pending=override.pending,
        countersigned_by=override.countersigned_by,
    )


def evidence_groups(
    keys: Sequence[RecordKey], rows: Mapping[RecordKey, ChronologyRow]
) -> tuple[EvidenceGroup, ...]:
    """Evidence by agency (lane order), oldest first within each; unknown records kept, unlinked."""
    items: dict[str, list[EvidenceItem]] = defaultdict(list)
    for agency, source_id in keys:
        items[agency].append(_evidence_item(agency, source_id, rows.get((agency, source_id))))
    groups = []
    for agency in lane_agencies(items):
        if agency in items:
            ordered = sorted(items[agency], key=lambda i: (i.occurred_at is None, i.occurred_at, i.source_id))
            groups.append(EvidenceGroup(agency, agency_label(agency), tuple(ordered)))
    return tuple(groups)


def _evidence_item(agency: str, source_id: str, row: ChronologyRow | None) -> EvidenceItem:
    if row is None:
        return EvidenceItem(agency, source_id, None, "Date not known", f"Record {source_id}", "", None)
    return EvidenceItem(
        agency,
        source_id,
        row.occurred_at,
        row.date_label,
        row.what,
        row.about,
        f"#{row.anchor}" if row.anchor else None,
    )


def timeline_svg(page: PersonPage, layout: TimelineLayout | None = None) -> str:
    """The page's chronology drawn as an SVG (escaped text; safe to embed): `layout`, or the
    default one (outliers left out)."""
    return render_svg(
        layout or timeline_layout(page),
        title=f"Timeline of events for {page.summary.name}, by agency",
        description=_timeline_description(page),
        own_label=f"{page.summary.first_name}'s own events",
    )


def timeline_layout(page: PersonPage, *, include_outliers: bool = False) -> TimelineLayout:
    """The timeline bounded by a child's birth, with far-off outliers left out unless asked for."""
    marks = [
        Mark(
            when=row.occurred_at,
            agency=row.agency,
            own=row.own,
            title=mark_title(row.occurred_at, row.agency, row.what, row.about, row.text, row.date_label),
            href=f"#{row.anchor}",
        )
        for row in page.chronology
    ]
    summary = page.summary
    lines = [
        AlertLine(a.raised_at, a.level, alert_label(a, summary.dob), f"#{a.anchor}") for a in page.alerts
    ]
    child = summary.role.lower() == "child"
    born = datetime.combine(summary.dob, time(), tzinfo=UTC) if child and summary.dob else None
    died = datetime.combine(summary.died, time(), tzinfo=UTC) if summary.died else None
    return layout_timeline(
        marks,
        lines,
        born=born,
        died=died,
        clip_outliers=not include_outliers,
        present_only=page.restricted_to is not None,
    )


def alert_label(alert: AlertView, dob: date | None) -> str:
    """`Red 31 Jan 2011`; an alert before the child's birth says so (a pre-birth concern is real)."""
    label = f"{alert.level_label} {short_date(alert.raised_at)}"
    return f"{label}, before birth" if dob is not None and alert.raised_at.date() < dob else label


def _timeline_description(page: PersonPage) -> str:
    rows = page.chronology
    if not rows:
        return "No events recorded."
    span = f"from {short_date(rows[0].occurred_at)} to {short_date(rows[-1].occurred_at)}"
    return (
        f"{len(rows)} events {span}, one lane per agency, and {len(page.alerts)} alerts. "
        "Every event is also listed in the chronology table below."
    )


def first_name(display_name: str) -> str:
    return display_name.split()[0] if display_name.strip() else display_name


def _agencies_of(records: Sequence[RecordKey]) -> tuple[str, ...]:
    present = {agency for agency, _ in records}
    return tuple(a for a in lane_agencies(present) if a in present)


def _relation_order(kind: str) -> int:
    base = kind.removeprefix("child_of_")
    return RELATIONSHIP_KINDS.index(base) if base in RELATIONSHIP_KINDS else len(RELATIONSHIP_KINDS)
