"""Missed opportunities: four rules over the chronology, the knowledge map and the policy's view.

1. No recorded response: a signal (a concern about the child, recorded while alarmbell's policy
   rated the child amber or red from what was recorded by then) with no response about the
   child (referral, strategy discussion, enquiry, assessment, conference, visit...) recorded
   within `RESPONSE_DAYS` working days.
2. Not shared: at each signal and each response, what other agencies held that the acting
   agency had not received (`knowledge.held_elsewhere`), and whether it ever did.
3. Closed while risk indicators were active: a case closure, an assessment or referral ending
   "closed" or "no further action", or a plan ended, while the policy's level at that moment
   (from what was recorded by then) was amber or red.
4. Not seen, or not seen alone: a referral, strategy discussion, section 47 enquiry or
   assessment with no record of the child seen alone within `SEEN_ALONE_DAYS`, or a home visit
   recording the child not seen or not seen alone.
5. alarmbell's own alert not acted on: an amber or red alert with no decision on it (a triage
   decision or an override) within its timescale (triage's alert clock, `decision_clock`: red 1
   working day, amber 3, from the records behind it, or from when alarmbell raised it if they
   arrived after that), with who held it and for how long. Alerts that waited on the same decision (the
   child's one work item, which later alerts update) are one missed opportunity: "7 alerts
   between ... were not acted on", with when the item was decided or that it is undecided.

Signals of one agency less than `EPISODE_GAP` apart form one episode, reported once with
their responses, so a term of school observations reads as one missed opportunity.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Final

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.records import RecordKey
from alarmbell.review.knowledge import Known, Significant, held_elsewhere, knew_by
from alarmbell.review.model import HeldElsewhere, MissedOpportunity, PolicyView, StoredAlert, Timer
from alarmbell.review.phrases import (
    agency_lower,
    agency_name,
    category_phrase,
    day,
    period,
    short_day,
    with_article,
    working_days_phrase,
)
from alarmbell.review.signals import (
    category,
    describe,
    is_response,
    is_signal,
    kind_words,
    kinds_sentence,
    severity,
)
from alarmbell.review.working_days import add_working_days, working_days_between
from alarmbell.triage.config import TriageConfig
from alarmbell.triage.timescales import AlertClock, alert_clock, local_date, past_due

RESPONSE_DAYS: Final = 1
#: Triage's default alert clock (TriageConfig.alert_working_days), for a report built without
#: the deployment's setting (ReviewInputs carries the setting itself).
ALERT_WORKING_DAYS: Final = TriageConfig().alert_working_days
SEEN_ALONE_DAYS: Final = 30
EPISODE_GAP: Final = timedelta(days=120)
EPISODE_SPAN: Final = timedelta(days=365)
URGENT: Final = frozenset({"amber", "red"})
CLOSING_OUTCOMES: Final = frozenset({"closed", "nfa", "no further action"})
_SEEN_ALONE_TRIGGERS: Final = frozenset({"referral", "strategy_discussion", "section_47", "assessment"})
_TEXT_LIMIT: Final = 240
#: Lines of "what happened" shown per missed opportunity; the rest are counted.
MAX_LINES: Final = 12

PolicyAt = Callable[[datetime], PolicyView | None]


@dataclass(frozen=True, slots=True)
class Context:
    entries: tuple[ChronologyEntry, ...]
    significant: tuple[Significant, ...]
    known: Known
    policy_at: PolicyAt
    timers: tuple[Timer, ...]
    until: datetime
    child: str
    alerts: tuple[StoredAlert, ...] = ()
    working_days: Mapping[str, float] = field(default_factory=lambda: ALERT_WORKING_DAYS)


@dataclass(slots=True)
class _Episode:
    agency: str
    signals: list[ChronologyEntry] = field(default_factory=list)
    responses: dict[RecordKey, ChronologyEntry] = field(default_factory=dict)
    unanswered: list[ChronologyEntry] = field(default_factory=list)


def missed_opportunities(ctx: Context) -> tuple[MissedOpportunity, ...]:
    """Every missed opportunity the four rules find, oldest first."""
    episodes = list(_episodes(ctx))
    used = {key for episode in episodes for key in episode.responses}
    found = [item for episode in episodes if (item := _episode_item(ctx, episode)) is not None]
    found += [item for entry in ctx.entries if (item := _closure_item(ctx, entry)) is not None]
    found += _unseen_items(ctx, used)
    found += _alert_items(ctx)
    ordered = sorted(found, key=lambda m: (m.start, m.end, m.title))
    return tuple(_numbered(item, i) for i, item in enumerate(ordered, start=1))


@dataclass(frozen=True, slots=True)
class _Unanswered:
    """An alert with no decision within its timescale: when it was due, and the first decision."""

    alert: StoredAlert
    due: date
    decided: datetime | None


def _alert_items(ctx: Context) -> list[MissedOpportunity]:
    """Rule 5, one missed opportunity per run of alerts that waited on the same (lack of) decision.

    An alert that updated the child's open work item shares that item's decision, so the alerts
    raised while the item stayed undecided are one missed opportunity, not one each; every
    alert is still listed in section 5.
    """
    runs: dict[datetime | None, list[_Unanswered]] = {}
    for alert in ctx.alerts:
        if (late := _unanswered(ctx, alert)) is not None:
            runs.setdefault(late.decided, []).append(late)
    return [_alert_item(ctx, run) if len(run) == 1 else _alert_run(ctx, run) for run in runs.values()]


def decision_clock(alert: StoredAlert, working_days: Mapping[str, float]) -> AlertClock:
    """The alert's decision clock as the triage queue counts it (timescales.alert_clock): from
    the alert's records when they reached alarmbell in time, else from when alarmbell raised it."""
    return alert_clock(
        alert.level,
        raised=alert.raised_at,
        received=alert.received_at or alert.raised_at,
        working_days=working_days,
    )


def _unanswered(ctx: Context, alert: StoredAlert) -> _Unanswered | None:
    """The alert, if it had no decision within its timescale (by the report's moment): judged at
    the moment the decision fell due (5pm on its last working day), as the triage queue judges
    it (timescales.past_due), not by the day, so a decision at 6pm that day is late here too."""
    if alert.level not in URGENT or alert.raised_at > ctx.until:
        return None
    due = decision_clock(alert, ctx.working_days).due
    decided = sorted(
        r.at for r in alert.responses if r.at is not None and (r.decision or r.source == "override")
    )
    first = decided[0] if decided else None
    if not past_due(due, first or ctx.until):
        return None
    return _Unanswered(alert, local_date(due), first)


def _holder(alert: StoredAlert, decided: datetime | None) -> str:
    held = next((r.by for r in alert.responses if r.by), None)
    return f"{held} (acknowledged, not decided)" if held and decided is None else "the MASH"


def _alert_item(ctx: Context, run: list[_Unanswered]) -> MissedOpportunity:
    """One alert not acted on in time."""
    late = run[0]
    alert, due, first = late.alert, late.due, late.decided
    days = int(ctx.working_days[alert.level])
    agencies = _agencies(sorted({agency for agency, _ in alert.evidence}))
    holders = ", ".join(agency_lower(a) for a in agencies) or "the agencies"
    if first is None:
        outcome = (
            f"No decision was recorded up to {day(ctx.until)}, {_overdue(due, ctx.until.date())} past its "
            f"timescale. It was held by {_holder(alert, first)}."
        )
    else:
        outcome = f"Decided on {day(first)}, {_overdue(due, first.date())} after it was due."
    return MissedOpportunity(
        anchor="",
        rules=("alert_not_acted_on",),
        title=f"alarmbell's {alert.level} alert of {day(alert.raised_at)} was not acted on in time",
        start=alert.raised_at,
        end=first or ctx.until,
        agencies=agencies,
        happened=(
            f"On {day(alert.raised_at)} alarmbell raised {with_article(alert.level)} alert about "
            f"{ctx.child} from records held by {holders}.",
            outcome,
        ),
        missing=(
            f"A decision on the alert within {working_days_phrase(days)} (alarmbell's timescale for "
            f"{with_article(alert.level)} alert), with what was done and why.",
        ),
        known_elsewhere=(),
        policy=None,
        evidence=alert.evidence,
    )


def _alert_run(ctx: Context, run: list[_Unanswered]) -> MissedOpportunity:
    """Several alerts that waited on one decision (or are all still undecided): one item."""
    alerts = [late.alert for late in run]
    head, last, first = alerts[0], alerts[-1], run[0].decided
    agencies = _agencies(sorted({agency for a in alerts for agency, _ in a.evidence}))
    holders = ", ".join(agency_lower(a) for a in agencies) or "the agencies"
    levels = " and ".join(
        f"{n} {level}" for level in ("red", "amber") if (n := sum(a.level == level for a in alerts))
    )
    if first is None:
        outcome = (
            f"The item is still undecided: no decision was recorded up to {day(ctx.until)}, "
            f"{_overdue(run[0].due, ctx.until.date())} past the first alert's timescale. It was held by "
            f"{_holder(last, first)}."
        )
    else:
        outcome = (
            f"The item was not decided until {day(first)}, {_overdue(run[0].due, first.date())} after the "
            "first alert was due."
        )
    days = int(ctx.working_days[head.level])
    return MissedOpportunity(
        anchor="",
        rules=("alert_not_acted_on",),
        title=(
            f"{len(alerts)} alarmbell alerts between {day(head.raised_at)} and {day(last.raised_at)} "
            "were not acted on in time"
        ),
        start=head.raised_at,
        end=first or ctx.until,
        agencies=agencies,
        happened=(
            f"alarmbell raised {len(alerts)} alerts about {ctx.child} ({levels}) from records held by "
            f"{holders}; the first was raised on {day(head.raised_at)}, the last on {day(last.raised_at)} "
            f"({_dates(alerts)}). Each is listed in section 5.",
            outcome,
        ),
        missing=(
            f"A decision within {working_days_phrase(days)} of the first alert (alarmbell's timescale for "
            f"{with_article(head.level)} alert), with what was done and why; each later alert was new "
            "evidence for that decision.",
        ),
        known_elsewhere=(),
        policy=None,
        evidence=tuple(dict.fromkeys(key for a in alerts for key in a.evidence)),
    )


def _dates(alerts: list[StoredAlert]) -> str:
    """`9 Apr 2007 amber, 10 May 2008 red, ...`: at most `MAX_LINES`, the rest counted."""
    shown = [f"{short_day(a.raised_at)} {a.level}" for a in alerts[:MAX_LINES]]
    more = len(alerts) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _overdue(due: date, end: date) -> str:
    """How long past due, in working days while that is short, then in months or years."""
    days = (end - due).days
    if days >= 730:
        return f"{days // 365} years"
    if days >= 60:
        return f"{days // 30} months"
    late = working_days_between(due, end)
    # Decided on the evening it fell due (after 5pm): late, but by less than a working day.
    return working_days_phrase(late) if late else "less than a working day"


def _numbered(item: MissedOpportunity, number: int) -> MissedOpportunity:
    return replace(item, anchor=f"missed-{number}")


# -- rule 1: episodes of signals and their responses ---------------------------------------------


def _episodes(ctx: Context) -> Iterator[_Episode]:
    """Signals grouped per agency, kept when the policy rated the child amber or red at either end.

    The level is assessed at an episode's first and last signal (each from what was recorded by
    then), not at every signal: a policy assessment reads the whole chronology, and two per
    episode keep a long chronology's report within its time budget.
    """
    responses = sorted((e for e in ctx.entries if is_response(e)), key=lambda e: e.occurred_at)
    days = [r.occurred_at.date() for r in responses]
    by_agency: dict[str, list[ChronologyEntry]] = {}
    for signal in (e for e in ctx.entries if is_signal(e)):
        by_agency.setdefault(signal.agency, []).append(signal)
    for agency, signals in sorted(by_agency.items()):
        for group in _split(signals):
            if _urgent(ctx, group):
                yield _answered(_Episode(agency, group), responses, days)


def _urgent(ctx: Context, group: list[ChronologyEntry]) -> bool:
    moments = {group[0].recorded_at, max(e.recorded_at for e in group)}
    return any((view := ctx.policy_at(m)) is not None and view.level in URGENT for m in moments)


def _split(signals: list[ChronologyEntry]) -> Iterator[list[ChronologyEntry]]:
    """Runs of signals less than `EPISODE_GAP` apart, none longer than `EPISODE_SPAN`."""
    group: list[ChronologyEntry] = []
    for signal in sorted(signals, key=lambda e: (e.occurred_at, e.source_id)):
        gap = group and signal.occurred_at - group[-1].occurred_at > EPISODE_GAP
        if group and (gap or signal.occurred_at - group[0].occurred_at > EPISODE_SPAN):
            yield group
            group = []
        group.append(signal)
    if group:
        yield group


def _answered(episode: _Episode, responses: list[ChronologyEntry], days: list[date]) -> _Episode:
    """Match each signal to the responses that began on its day or within the timescale after."""
    for signal in episode.signals:
        due = add_working_days(signal.recorded_at.date(), RESPONSE_DAYS)
        timely = responses[bisect_left(days, signal.occurred_at.date()) : bisect_right(days, due)]
        episode.responses.update((r.key, r) for r in timely)
        if not timely:
            episode.unanswered.append(signal)
    return episode


def _episode_item(ctx: Context, episode: _Episode) -> MissedOpportunity | None:
    responses = sorted(episode.responses.values(), key=lambda e: (e.occurred_at, e.kind))
    missing = _unanswered_sentences(ctx, episode) + [
        s for r in responses for s in _response_sentences(ctx, r)
    ]
    missing = list(_capped(missing))
    gaps = _gaps(ctx, episode.agency, episode.signals[-1].recorded_at)
    for responder, moment in _responders(responses, episode.agency):
        gaps += _gaps(ctx, responder, moment)
    if not missing and not gaps:
        return None
    lead = max(episode.signals, key=lambda e: (severity(e), e.occurred_at))
    rules = ("no_response",) * bool(episode.unanswered) + ("not_shared",) * bool(gaps)
    return MissedOpportunity(
        anchor="",
        rules=rules + _response_rules(missing),
        title=_title(ctx, episode, lead),
        start=episode.signals[0].occurred_at,
        end=episode.signals[-1].occurred_at,
        agencies=_agencies([episode.agency, *(r.agency for r in responses), *(g.holder for g in gaps)]),
        happened=_capped([_happened(e) for e in [*episode.signals, *responses]]),
        missing=tuple(missing),
        known_elsewhere=tuple(gaps),
        policy=_worst(ctx, episode.signals),
        evidence=tuple(e.key for e in [*episode.signals, *responses]),
    )


def _worst(ctx: Context, signals: list[ChronologyEntry]) -> PolicyView | None:
    """The policy's higher view of the two moments the episode was assessed at."""
    views = [
        v for m in (signals[0].recorded_at, max(e.recorded_at for e in signals)) if (v := ctx.policy_at(m))
    ]
    rank = {"green": 0, "amber": 1, "red": 2}
    return max(views, key=lambda v: (rank.get(v.level, 0), v.score), default=None)


def _responders(responses: list[ChronologyEntry], agency: str) -> list[tuple[str, datetime]]:
    """Each responding agency other than the signal's, at its last response."""
    latest: dict[str, datetime] = {}
    for response in responses:
        if response.agency != agency:
            latest[response.agency] = max(
                latest.get(response.agency, response.recorded_at), response.recorded_at
            )
    return sorted(latest.items())


def _response_rules(missing: list[str]) -> tuple[str, ...]:
    rules = []
    if any("seen alone" in m or "not seen" in m for m in missing):
        rules.append("not_seen")
    if any("closed" in m or "no further action" in m for m in missing):
        rules.append("closed_while_at_risk")
    return tuple(rules)


def _title(ctx: Context, episode: _Episode, lead: ChronologyEntry) -> str:
    """The lead concern for a short episode; a count for a run of one kind or a long episode."""
    signals, agency = episode.signals, agency_lower(episode.agency)
    when = period(signals[0].occurred_at, signals[-1].occurred_at)
    kinds = {category(e) or "" for e in signals}
    if len(signals) > 1 and len(kinds) == 1:
        return (
            f"{_capital(category_phrase(kinds.pop(), len(signals), ctx.child))} recorded by {agency}, {when}"
        )
    if len(signals) > 3:
        return f"{len(signals)} concerns recorded by {agency} ({kinds_sentence(signals)}), {when}"
    head = f"{_capital(describe(lead))}, recorded by {agency}, {period(lead.occurred_at, lead.occurred_at)}"
    others = len(signals) - 1
    if others:
        head += f", with {others} other {'concern' if others == 1 else 'concerns'} ({when})"
    return head


def _unanswered_sentences(ctx: Context, episode: _Episode) -> list[str]:
    if not episode.unanswered:
        return []
    late = _later_response(ctx, episode.unanswered[0], single=len(episode.signals) == 1)
    what = (
        "referral to children's social care, strategy discussion, enquiry, assessment, conference "
        f"or visit about {ctx.child}"
    )
    if len(episode.signals) == 1:
        signal = episode.signals[0]
        due = add_working_days(signal.recorded_at.date(), RESPONSE_DAYS)
        within = working_days_phrase(RESPONSE_DAYS)
        head = f"No response was recorded within {within} (by {day(due)}): no {what}."
    else:
        count = len(episode.unanswered)
        of = "None" if count == len(episode.signals) else f"{count}"
        head = (
            f"{of} of the {len(episode.signals)} concerns was followed within "
            f"{working_days_phrase(RESPONSE_DAYS)} by a {what}."
        )
    return [head + " " + late]


def _later_response(ctx: Context, signal: ChronologyEntry, *, single: bool) -> str:
    later = [e for e in ctx.entries if is_response(e) and e.occurred_at > signal.occurred_at]
    if not later:
        return "No response was recorded afterwards, up to the report date."
    first = min(later, key=lambda e: e.occurred_at)
    gap = working_days_between(signal.recorded_at.date(), first.occurred_at.date())
    return (
        f"The next response was {with_article(kind_words(first.kind))} by {agency_lower(first.agency)} on "
        f"{day(first.occurred_at)}, {working_days_phrase(gap)} after "
        + ("it." if single else "the first of them.")
    )


# -- rule 2: information held elsewhere ----------------------------------------------------------


def _gaps(ctx: Context, lacking: str, at: datetime) -> list[HeldElsewhere]:
    found = held_elsewhere(ctx.significant, ctx.known, lacking=lacking, at=at, child=ctx.child)
    return [_with_outcome(ctx, gap) for gap in found]


def _with_outcome(ctx: Context, gap: HeldElsewhere) -> HeldElsewhere:
    """Say whether the lacking agency ever received any of it, up to the report's moment."""
    later = sum(knew_by(ctx.known, key, gap.lacking, ctx.until) for key in gap.keys)
    if later == 0:
        what = "it" if gap.count == 1 else "any of it"
        tail = f" {agency_name(gap.lacking)} never received {what}, up to the report date."
    else:
        tail = f" {agency_name(gap.lacking)} received {later} of {gap.count} later."
    head = f"When {agency_lower(gap.lacking)} acted on {day(gap.at)}: "
    return replace(gap, sentence=head + gap.sentence + tail)


# -- rules 3 and 4: closures, and children not seen alone -----------------------------------------


def _response_sentences(ctx: Context, response: ChronologyEntry) -> list[str]:
    out = [_closing_sentence(ctx, response), _unseen_sentence(ctx, response)]
    out += [
        t.sentence for t in ctx.timers if t.start_key == response.key and t.status in ("late", "not recorded")
    ]
    return [s for s in out if s]


def _closing_sentence(ctx: Context, entry: ChronologyEntry) -> str:
    closing = entry.kind in ("case_closed", "cp_plan_end") or str(entry.attrs.get("outcome", "")).lower() in (
        CLOSING_OUTCOMES
    )
    view = ctx.policy_at(entry.recorded_at) if closing else None
    if view is None or view.level not in URGENT:
        return ""
    titles = "; ".join(title for title, _ in view.findings[:4])
    ended = "closed the case" if entry.kind == "case_closed" else f"ended the {kind_words(entry.kind)}"
    if entry.kind not in ("case_closed", "cp_plan_end"):
        ended = f"closed the {kind_words(entry.kind)} (outcome {entry.attrs.get('outcome')})"
    return (
        f"{agency_name(entry.agency)} {ended} on {day(entry.occurred_at)} while alarmbell's policy, "
        f"using only what was recorded by then, rated {ctx.child} {view.level}: {titles}."
    )


def _unseen_sentence(ctx: Context, entry: ChronologyEntry) -> str:
    if entry.kind == "home_visit":
        if entry.attrs.get("child_seen") is False:
            return (
                f"{agency_name(entry.agency)} visited on {day(entry.occurred_at)} without seeing {ctx.child}."
            )
        if entry.attrs.get("child_seen_alone") is False:
            visit = f"{agency_name(entry.agency)} visited on {day(entry.occurred_at)}"
            return f"{visit}; {ctx.child} was not seen alone."
        return ""
    if entry.kind not in _SEEN_ALONE_TRIGGERS or _seen_alone_after(ctx.entries, entry):
        return ""
    what = kind_words(entry.kind)
    return (
        f"No record shows {ctx.child} seen alone within {SEEN_ALONE_DAYS} days of the {what} "
        f"on {day(entry.occurred_at)}."
    )


def _seen_alone_after(entries: Sequence[ChronologyEntry], start: ChronologyEntry) -> bool:
    end = start.occurred_at + timedelta(days=SEEN_ALONE_DAYS)
    if start.attrs.get("child_seen_alone") is True:
        return True
    for entry in entries:
        if entry.is_own and start.occurred_at <= entry.occurred_at <= end:
            if entry.kind == "child_seen_alone" or entry.attrs.get("child_seen_alone") is True:
                return True
    return False


def _closure_item(ctx: Context, entry: ChronologyEntry) -> MissedOpportunity | None:
    if not entry.is_own or entry.kind not in ("case_closed", "cp_plan_end"):
        return None
    sentence = _closing_sentence(ctx, entry)
    if not sentence:
        return None
    gaps = _gaps(ctx, entry.agency, entry.recorded_at)
    what = "Case closed" if entry.kind == "case_closed" else "Child protection plan ended"
    return _single(ctx, entry, f"{what} while risk indicators were active, {day(entry.occurred_at)}",
                   ("closed_while_at_risk",), [sentence], gaps)  # fmt: skip


def _unseen_items(ctx: Context, used: set[RecordKey]) -> list[MissedOpportunity]:
    """Rule 4 outside any episode: per agency, runs of steps with no record of the child seen alone."""
    by_agency: dict[str, list[ChronologyEntry]] = {}
    for entry in ctx.entries:
        if entry.is_own and entry.key not in used and _unseen_sentence(ctx, entry):
            by_agency.setdefault(entry.agency, []).append(entry)
    return [_unseen_item(ctx, group) for _, entries in sorted(by_agency.items()) for group in _split(entries)]


def _unseen_item(ctx: Context, entries: list[ChronologyEntry]) -> MissedOpportunity:
    last = entries[-1]
    sentences = [_unseen_sentence(ctx, e) for e in entries]
    gaps = _gaps(ctx, last.agency, last.recorded_at)
    agency = agency_lower(last.agency)
    if len(entries) == 1 and last.kind == "home_visit":
        title = f"{ctx.child} not seen, or not seen alone, at a home visit, {day(last.occurred_at)}"
    elif len(entries) == 1:
        what = kind_words(last.kind)
        title = f"{ctx.child} not recorded as seen alone after the {what} by {agency}, {month_of(last)}"
    else:
        when = period(entries[0].occurred_at, last.occurred_at)
        title = f"{ctx.child} not recorded as seen alone after {len(entries)} steps by {agency}, {when}"
    return MissedOpportunity(
        anchor="",
        rules=("not_seen",) + ("not_shared",) * bool(gaps),
        title=title,
        start=entries[0].occurred_at,
        end=last.occurred_at,
        agencies=_agencies([last.agency, *(g.holder for g in gaps)]),
        happened=_capped([_happened(e) for e in entries]),
        missing=_capped(sentences),
        known_elsewhere=tuple(gaps),
        policy=ctx.policy_at(last.recorded_at),
        evidence=tuple(e.key for e in entries),
    )


def month_of(entry: ChronologyEntry) -> str:
    return period(entry.occurred_at, entry.occurred_at)


def _single(
    ctx: Context, entry: ChronologyEntry, title: str, rules: tuple[str, ...], missing: list[str],
    gaps: list[HeldElsewhere],
) -> MissedOpportunity:  # fmt: skip
    rules = rules + ("not_shared",) * bool(gaps)
    return MissedOpportunity(
        anchor="",
        rules=rules,
        title=title,
        start=entry.occurred_at,
        end=entry.occurred_at,
        agencies=_agencies([entry.agency, *(g.holder for g in gaps)]),
        happened=(_happened(entry),),
        missing=tuple(missing),
        known_elsewhere=tuple(gaps),
        policy=ctx.policy_at(entry.recorded_at),
        evidence=(entry.key,),
    )


# -- shared helpers ------------------------------------------------------------------------------


def _happened(entry: ChronologyEntry) -> str:
    text = (entry.text or "").strip()
    if len(text) > _TEXT_LIMIT:
        text = text[: _TEXT_LIMIT - 1].rstrip() + "…"
    head = f"{short_day(entry.occurred_at)}, {agency_lower(entry.agency)}: {describe(entry)}"
    return f"{head}. {text}" if text else head + "."


def _capped(lines: list[str]) -> tuple[str, ...]:
    """At most `MAX_LINES` lines; the rest are counted (the chronology lists every event)."""
    if len(lines) <= MAX_LINES:
        return tuple(lines)
    more = len(lines) - MAX_LINES + 1
    return (*lines[: MAX_LINES - 1], f"… and {more} more, listed in the chronology (section 7).")


def _agencies(agencies: list[str]) -> tuple[str, ...]:
    order = ("police", "health", "education", "children_social_care")
    unique = set(agencies)
    return tuple(sorted(unique, key=lambda a: (order.index(a) if a in order else len(order), a)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
