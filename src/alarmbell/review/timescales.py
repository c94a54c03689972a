"""Response times against the statutory timescales (Working Together to Safeguard Children).

| step | from | timescale |
|---|---|---|
| decision on a referral | the referral | 1 working day |
| assessment | the referral (else a strategy discussion or section 47 enquiry) | 45 working days |
| initial child protection conference | the strategy discussion | 15 working days |

A step is "done" by the first later event that records it. A referral's own `outcome` attr
counts as its decision, made when the referral was recorded. A timer still running at the
report's moment is "open"; one whose due date passed with nothing recorded is "not recorded".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.review.model import Timer
from alarmbell.review.phrases import day, working_days_phrase
from alarmbell.review.signals import kind_words
from alarmbell.review.working_days import add_working_days, working_days_between

DECISION_DAYS: Final = 1
ASSESSMENT_DAYS: Final = 45
CONFERENCE_DAYS: Final = 15
#: How far back an assessment looks for the referral (or enquiry) that started it.
ASSESSMENT_LOOKBACK: Final = timedelta(days=180)

_DECISION_KINDS: Final = frozenset(
    {
        "assessment",
        "strategy_discussion",
        "section_47",
        "family_support",
        "case_closed",
        "home_visit",
        "cp_conference",
    }
)
_ASSESSMENT_STARTS: Final = ("referral", "strategy_discussion", "section_47")


def timers(entries: Sequence[ChronologyEntry], *, until: datetime) -> tuple[Timer, ...]:
    """Every statutory timer the child's own records start, in time order."""
    own = [e for e in entries if e.is_own]
    out: list[Timer] = []
    for entry in own:
        if entry.kind == "referral":
            out.append(_decision(entry, own, until))
        elif entry.kind == "assessment":
            out.append(_assessment(entry, own, until))
        elif entry.kind == "strategy_discussion":
            out.append(_conference(entry, own, until))
    return tuple(sorted(out, key=lambda t: (t.started_at, t.step)))


def _decision(referral: ChronologyEntry, own: list[ChronologyEntry], until: datetime) -> Timer:
    if referral.attrs.get("outcome"):
        return _timer("Decision on a referral", referral, referral, DECISION_DAYS, until)
    after = _first_after(own, referral, _DECISION_KINDS)
    return _timer("Decision on a referral", referral, after, DECISION_DAYS, until)


def _assessment(assessment: ChronologyEntry, own: list[ChronologyEntry], until: datetime) -> Timer:
    start = _latest_before(own, assessment, _ASSESSMENT_STARTS)
    if start is None:
        return _unmeasured(assessment)
    return _timer("Assessment", start, assessment, ASSESSMENT_DAYS, until)


def _conference(strategy: ChronologyEntry, own: list[ChronologyEntry], until: datetime) -> Timer:
    after = _first_after(own, strategy, frozenset({"cp_conference"}))
    timer = _timer("Initial child protection conference", strategy, after, CONFERENCE_DAYS, until)
    if timer.status == "not recorded":
        sentence = (
            timer.sentence.rstrip(".")
            + " (one is due only if the section 47 enquiry substantiates concerns)."
        )
        return replace(timer, sentence=sentence)
    return timer


def _first_after(
    own: list[ChronologyEntry], start: ChronologyEntry, kinds: frozenset[str]
) -> ChronologyEntry | None:
    found = [e for e in own if e.kind in kinds and e.key != start.key and e.occurred_at >= start.occurred_at]
    return min(found, key=lambda e: (e.occurred_at, e.recorded_at), default=None)


def _latest_before(
    own: list[ChronologyEntry], end: ChronologyEntry, kinds: tuple[str, ...]
) -> ChronologyEntry | None:
    """The referral before `end` if any, else the latest strategy discussion or enquiry."""
    for kind in kinds:
        found = [
            e
            for e in own
            if e.kind == kind
            and e.occurred_at <= end.occurred_at
            and end.occurred_at - e.occurred_at <= ASSESSMENT_LOOKBACK
        ]
        if found:
            return max(found, key=lambda e: (e.occurred_at, e.recorded_at))
    return None


def _timer(
    step: str, start: ChronologyEntry, done: ChronologyEntry | None, days: int, until: datetime
) -> Timer:
    due = add_working_days(start.occurred_at.date(), days)
    target = working_days_phrase(days)
    what = f"{kind_words(start.kind)} of {day(start.occurred_at)}"
    if done is None:
        status = "open" if until.date() <= due else "not recorded"
        sentence = f"{step}: none recorded after the {what}; due by {day(due)}" + (
            " (still within the timescale at the report date)." if status == "open" else "."
        )
        return Timer(step, target, start.key, start.occurred_at, due, None, None, None, status, sentence)
    done_at = done.recorded_at if done.key == start.key else done.occurred_at
    taken = working_days_between(start.occurred_at.date(), done_at.date())
    status = "met" if taken <= days else "late"
    verdict = "within the timescale" if status == "met" else f"{working_days_phrase(taken - days)} late"
    sentence = f"{step}: {what}, done {day(done_at)}, after {working_days_phrase(taken)} ({verdict})."
    return Timer(step, target, start.key, start.occurred_at, due, done.key, done_at, taken, status, sentence)


def _unmeasured(assessment: ChronologyEntry) -> Timer:
    sentence = (
        f"Assessment completed {day(assessment.occurred_at)}: no referral, strategy discussion or "
        "section 47 enquiry is recorded before it, so the 45-working-day timescale cannot be measured."
    )
    at = assessment.occurred_at
    return Timer(
        "Assessment", working_days_phrase(ASSESSMENT_DAYS), assessment.key, at, at.date(),
        assessment.key, at, None, "not measurable", sentence,
    )  # fmt: skip
