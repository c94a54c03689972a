"""The review report, built from domain objects alone: no database, no web (a test checks).

`build_review` takes what `review.service` gathered (the chronology as known at the report's
moment, the family, the stored alerts and what was done with them) and the early-warning
policy, and computes everything else: who knew what and when, the statutory timers, the
policy's view at the moments that matter, and the missed opportunities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final

from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.domain.records import RecordKey
from alarmbell.domain.vocabulary import AGENCIES
from alarmbell.policy import Evaluator, Policy
from alarmbell.review.knowledge import Known, Significant, significant_events, who_knew
from alarmbell.review.missed import URGENT, Context, decision_clock, missed_opportunities
from alarmbell.review.model import (
    AlertAccount,
    AlertResponse,
    FamilyMember,
    FamilyView,
    Knowledge,
    KnowledgeMatrix,
    KnowledgeRow,
    PolicyView,
    ReviewInputs,
    ReviewReport,
    StoredAlert,
)
from alarmbell.review.phrases import agency_lower, day, month, working_days_phrase
from alarmbell.review.signals import describe, is_response, kind_words
from alarmbell.review.timescales import timers
from alarmbell.review.working_days import working_days_between
from alarmbell.triage.timescales import local_date

CORE_AGENCIES: Final = ("police", "health", "education", "children_social_care")
#: An adult sharing the child's postcode counts as living in the household if an agency
#: recorded an event naming them within this period before the report's moment.
HOUSEHOLD_RECENCY: Final = timedelta(days=365)
RELATION_WORDS: Final[dict[str, str]] = {
    "mother_partner": "mother's partner",
    "father_partner": "father's partner",
    "step_parent": "step-parent",
    "household_member": "household member",
}


def build_review(inputs: ReviewInputs, *, policy: Policy) -> ReviewReport:
    """The whole report. Everything in it follows from `inputs` as known at `inputs.as_of`."""
    chronology = inputs.chronology
    until = inputs.as_of or inputs.generated_at
    policy_at = policy_views(policy, chronology)
    significant = tuple(significant_events(chronology.entries))
    known = who_knew(chronology.entries)
    report_timers = timers(chronology.entries, until=until)
    first = _first_name(chronology.display_name)
    titles = {indicator.id: indicator.title for indicator in policy.indicators}
    context = Context(
        chronology.entries,
        significant,
        known,
        policy_at,
        report_timers,
        until,
        first,
        alerts=inputs.alerts,
        working_days=inputs.alert_working_days,
    )
    return ReviewReport(
        person_id=chronology.person_id,
        name=chronology.display_name,
        dob=chronology.dob,
        sex=inputs.child_sex,
        as_of=inputs.as_of,
        generated_at=inputs.generated_at,
        chronology=chronology,
        family=family_views(inputs, reference=_reference(inputs)),
        policy_now=policy_at(_reference(inputs)) if chronology.entries else None,
        alerts=tuple(
            alert_account(a, chronology.entries, titles, first, inputs.alert_working_days)
            for a in inputs.alerts
        ),
        timers=report_timers,
        matrix=knowledge_matrix(chronology, significant, known),
        missed=missed_opportunities(context),
        rule_titles=titles,
    )


def policy_views(policy: Policy, chronology: Chronology) -> Callable[[datetime], PolicyView | None]:
    """The policy's assessment at any moment, from what was recorded by then (cached per moment;
    one `Evaluator` shares the indexing between moments)."""
    cache: dict[datetime, PolicyView] = {}
    evaluate_at = Evaluator(policy, chronology)

    def at(moment: datetime) -> PolicyView | None:
        if moment not in cache:
            assessment = evaluate_at(moment)
            cache[moment] = PolicyView(
                at=moment,
                level=assessment.level.value,
                score=assessment.score,
                findings=tuple((f.title, f.explanation) for f in assessment.findings),
                routes=assessment.routes,
                policy_version=assessment.policy_version,
            )
        return cache[moment]

    return at


def _reference(inputs: ReviewInputs) -> datetime:
    """The report's "now" for household membership: `as_of`, else the last recorded event."""
    if inputs.as_of is not None:
        return inputs.as_of
    entries = inputs.chronology.entries
    return max((e.recorded_at for e in entries), default=inputs.generated_at)


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


# -- knowledge matrix ----------------------------------------------------------------------------


def matrix_agencies(agencies: Sequence[str]) -> tuple[str, ...]:
    """The four core agencies always, then any others present, in the vocabulary's order."""
    present = set(agencies) | set(CORE_AGENCIES)
    return tuple([a for a in AGENCIES if a in present] + sorted(present - set(AGENCIES)))


def knowledge_matrix(
    chronology: Chronology, significant: Sequence[Significant], known: Known
) -> KnowledgeMatrix:
    agencies = matrix_agencies([a for k in known.values() for a in k])
    names = {m.person_id: m.display_name for m in chronology.household}
    first = _first_name(chronology.display_name)
    rows = tuple(_matrix_row(s, known.get(s.entry.key, {}), agencies, first, names) for s in significant)
    return KnowledgeMatrix(agencies=agencies, rows=rows)


def _matrix_row(
    item: Significant,
    known: dict[str, tuple[datetime, str]],
    agencies: tuple[str, ...],
    first: str,
    names: dict[int, str],
) -> KnowledgeRow:
    entry = item.entry
    cells = tuple(Knowledge(a, *known[a]) if a in known else Knowledge(a, None, "") for a in agencies)
    return KnowledgeRow(
        key=entry.key,
        occurred_at=entry.occurred_at,
        recorded_at=entry.recorded_at,
        agency=entry.agency,
        kind=entry.kind,
        category=item.category,
        about=about(entry, first, names),
        summary=_summary(entry, first),
        known=cells,
    )


def about(entry: ChronologyEntry, first: str, names: dict[int, str]) -> str:
    if entry.relation is None:
        return first
    relation = RELATION_WORDS.get(entry.relation, entry.relation.replace("_", " "))
    name = names.get(entry.adult_person_id) if entry.adult_person_id is not None else None
    return f"{first}'s {relation}" + (f" ({name})" if name else "")


def _summary(entry: ChronologyEntry, first: str) -> str:
    text = describe(entry)
    text = text[:1].upper() + text[1:]
    if entry.kind in ("domestic_incident", "assault_report"):
        if entry.is_own and (entry.involvement == "subject" or entry.attrs.get("children_present") is True):
            return f"{text} ({first} present or named)"
    return text


# -- alerts --------------------------------------------------------------------------------------


def alert_account(
    alert: StoredAlert,
    entries: Sequence[ChronologyEntry],
    titles: Mapping[str, str],
    first: str,
    working_days: Mapping[str, float],
) -> AlertAccount:
    return AlertAccount(
        alert=alert,
        rule_titles=tuple(titles.get(r, r.replace("_", " ")) for r in alert.rules),
        response=_response_sentence(alert),
        next_action=_next_action(alert, entries, first),
        clock=_clock_sentence(alert, working_days),
    )


def _clock_sentence(alert: StoredAlert, working_days: Mapping[str, float]) -> str:
    """When a decision was due, counted as the triage queue counts it, so the report and the
    queue give one alert one deadline; a clock that started late says why."""
    if alert.level not in URGENT:
        return ""
    clock = decision_clock(alert, working_days)
    due = f"Decision due by 5pm on {day(local_date(clock.due))}"
    if not clock.arrived_late:
        return f"{due} ({working_days_phrase(int(working_days[alert.level]))} from the alert)."
    return (
        f"{due}: its records reached alarmbell on {day(clock.start)}, after a decision would already have "
        "been due, so its clock started then."
    )


def _response_sentence(alert: StoredAlert) -> str:
    if not alert.responses:
        return "No acknowledgement recorded."
    return " ".join(_one_response(r) for r in alert.responses)


def _one_response(response: AlertResponse) -> str:
    verb = (
        "Overridden"
        if response.source == "override"
        else "Override proposed (awaiting a team manager's countersignature)"
        if response.source == "override_pending"
        else "Decided"
        if response.decision
        else "Acknowledged"
    )
    who = response.by or "someone unnamed"
    when = f" on {day(response.at)}" if response.at else ""
    decision = f": {response.decision}" if response.decision and response.source != "override" else ""
    why = f" Rationale: {response.rationale}" if response.rationale else ""
    return f"{verb} by {who}{when}{decision}.{why}".rstrip() + ("" if why.endswith(".") or not why else ".")


def _next_action(alert: StoredAlert, entries: Sequence[ChronologyEntry], first: str) -> str:
    raised = alert.raised_at.date()
    later = [e for e in entries if is_response(e) and e.occurred_at.date() >= raised]
    if not later:
        return f"No safeguarding action about {first} was recorded afterwards, up to the report date."
    nxt = min(later, key=lambda e: (e.occurred_at, e.kind))
    gap = working_days_between(raised, nxt.occurred_at.date())
    when = (
        "the same day"
        if gap == 0 and nxt.occurred_at.date() == raised
        else working_days_phrase(gap) + " later"
    )
    return (
        f"Next recorded safeguarding action: {kind_words(nxt.kind)} by {agency_lower(nxt.agency)} "
        f"on {day(nxt.occurred_at)} ({when})."
    )


# -- family --------------------------------------------------------------------------------------


def family_views(inputs: ReviewInputs, *, reference: datetime) -> tuple[FamilyView, ...]:
    """Family members born by the reference moment, with household membership and roles."""
    roles = _incident_roles(inputs)
    child_postcodes = set(inputs.child_postcodes)
    out = []
    for member in inputs.family:
        if member.dob is not None and member.dob > reference.date():
            continue
        home = _in_household(member, child_postcodes, reference)
        out.append(FamilyView(member, home, _notes(member, roles.get(member.person_id, Counter()))))
    return tuple(out)


def _in_household(member: FamilyMember, postcodes: set[str], reference: datetime) -> bool:
    if not postcodes & set(member.postcodes):
        return False
    if member.role == "child":
        return True
    last = member.last_recorded
    return last is not None and reference - last <= HOUSEHOLD_RECENCY


def _incident_roles(inputs: ReviewInputs) -> dict[int, Counter[str]]:
    """How often each family member is named as perpetrator or victim in the chronology's incidents."""
    roles: dict[int, Counter[str]] = {}
    for entry in inputs.chronology.entries:
        for attr in ("perpetrator", "victim"):
            person = _person_of(inputs.record_people, entry.agency, entry.attrs.get(attr))
            if person is not None:
                roles.setdefault(person, Counter())[attr] += 1
    return roles


def _person_of(people: Mapping[RecordKey, int], agency: str, source_id: object) -> int | None:
    return people.get((agency, source_id)) if isinstance(source_id, str) else None


def _notes(member: FamilyMember, roles: Counter[str]) -> tuple[str, ...]:
    notes = []
    if roles["perpetrator"]:
        notes.append(f"named as perpetrator in {roles['perpetrator']} recorded incidents")
    if roles["victim"]:
        notes.append(f"named as victim in {roles['victim']} recorded incidents")
    if member.role != "child":
        last = member.last_recorded
        notes.append(f"last in a record: {month(last)}" if last else "named in no recorded event")
    if member.dob is not None and member.role == "child":
        notes.append(f"born {day(member.dob)}")
    return tuple(notes)
