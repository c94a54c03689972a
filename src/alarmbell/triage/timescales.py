"""Statutory and MASH timescales, counted in England and Wales working days where the law does.

Pure: dates in, dates out. Working days are Monday to Friday less the England and Wales bank
holidays (the `holidays` package's GB/ENG calendar: Wales shares it), so a referral made on the
Thursday before Easter waits over a four-day weekend without its clock running out.

Sources (Working Together to Safeguard Children 2018 and 2023; docs/triage.md):
- decision on a referral: within 1 working day of receipt;
- assessment: at most 45 working days from the referral;
- initial child protection conference: within 15 working days of the strategy discussion;
- first review conference within 3 months of the initial one, later reviews at most 6 months apart;
- MASH Red / Amber / Green contacts: about 4 / 24 / 72 hours (local practice; configurable);
- a decision on alarmbell's own alerts: red within 1 working day, amber within 3 (local; configurable);
- a team manager's countersignature of a proposed closing: 1 working day from the proposal (the
  closing is not a decision until countersigned, and a referral decision is due within 1 working
  day; configurable);
- a decision on work someone has taken on: 1 working day from taking it on, or the item's own
  clock if that is later (a referral decision is due within 1 working day; configurable).

A working-day deadline falls due at the end of the working day (17:00 in England), because a duty
"within N working days" is met by anything done on that day. A "within N months" deadline that
lands on a weekend or bank holiday moves back to the working day before: the meeting must be held
within the period, and nobody convenes a conference on Christmas Day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from alarmbell.domain.working_days import (
    ENGLAND,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    previous_working_day,
    working_days_between,
)

__all__ = [
    "ENGLAND",
    "add_working_days",
    "bank_holiday_name",
    "is_working_day",
    "previous_working_day",
    "working_days_between",
]
#: When a working day's deadline falls due, local time.
END_OF_WORKING_DAY = time(17, 0)


@dataclass(frozen=True, slots=True)
class Timescale:
    """A named clock: `label` is what a practitioner reads on the queue."""

    id: str
    label: str
    basis: str


TIMESCALES: dict[str, Timescale] = {
    t.id: t
    for t in (
        Timescale("mash_red", "MASH red", "hours (configurable)"),
        Timescale("mash_amber", "MASH amber", "hours (configurable)"),
        Timescale("mash_green", "MASH green", "hours (configurable)"),
        Timescale("alert_red", "Red alert: MASH decision in 1 working day", "local (configurable)"),
        Timescale("alert_amber", "Amber alert: decision in 3 working days", "local (configurable)"),
        Timescale("referral_decision", "Referral decision: 1 working day", "Working Together 2023"),
        Timescale("assessment", "Assessment: 45 working days from referral", "Working Together 2023"),
        Timescale(
            "initial_conference",
            "Initial conference: 15 working days from the strategy discussion",
            "Working Together 2023",
        ),
        Timescale("first_review", "First review conference: 3 months", "Working Together 2023"),
        Timescale("later_review", "Review conference: 6 months", "Working Together 2023"),
        Timescale("task", "Task: due time set by hand", "local"),
    )
}


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clipped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def local_date(moment: datetime) -> date:
    """The date in England at `moment` (an 11pm referral in British Summer Time is that day's)."""
    return moment.astimezone(ENGLAND).date()


def end_of_working_day(day: date) -> datetime:
    """17:00 in England on `day`, as a UTC datetime."""
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=ENGLAND).astimezone(UTC)


def mash_due(level: str, start: datetime, hours: Mapping[str, float]) -> datetime:
    """MASH red/amber/green response: elapsed hours, nights, weekends and bank holidays included."""
    return start + timedelta(hours=hours[level])


def alert_decision_due(level: str, raised: datetime, working_days: Mapping[str, float]) -> datetime:
    """A decision on an alert is due by the end of the Nth working day after it was raised."""
    return end_of_working_day(add_working_days(local_date(raised), int(working_days[level])))


def countersignature_due(proposed: datetime, working_days: int) -> datetime:
    """A proposed closing must be countersigned by the end of the Nth working day after it was
    proposed: until then the alert stands with nobody acting on it."""
    return end_of_working_day(add_working_days(local_date(proposed), working_days))


def taken_on_escalation_times(taken_on: datetime, due: datetime, working_days: int) -> dict[str, datetime]:
    """When work taken on and not decided goes to the team manager, then the head of service.

    Taking an item on stopped its escalation for ever, so an analyst who took on a red alert and
    never decided it held the child's alarm with nobody told. The holder has N working days from
    taking it on (never less than the item's own clock, so an assessment keeps its 45), then the
    team manager is told; N working days later, the head of service.
    """
    manager = max(due, end_of_working_day(add_working_days(local_date(taken_on), working_days)))
    head = end_of_working_day(add_working_days(local_date(manager), working_days))
    return {"team_manager": manager, "head_of_service": head}


@dataclass(frozen=True, slots=True)
class AlertClock:
    """The clock of a decision on one alert: when it started, when the decision is due, and
    whether the alert's records reached alarmbell after a clock from their own date had run out."""

    start: datetime
    due: datetime
    arrived_late: bool


def alert_clock(
    level: str, *, raised: datetime, received: datetime, working_days: Mapping[str, float]
) -> AlertClock:
    """The one clock of a decision on an alert, for the triage queue and the review report alike.

    Working Together 2023 runs a referral decision's clock from its receipt (one working day), so
    the MASH's clock for an alert runs from when alarmbell had it to act on: from `raised` (the
    moment of the records behind it) when they reached alarmbell (`received`) in time; else from
    `received`, since nobody could have decided on it before it existed (a late record, or history
    loaded when a partnership goes live). docs/triage.md, "Every alert is owned work at once".
    """
    due = alert_decision_due(level, raised, working_days)
    if due > received:
        return AlertClock(raised, due, arrived_late=False)
    return AlertClock(received, alert_decision_due(level, received, working_days), arrived_late=True)


def past_due(due: datetime, moment: datetime) -> bool:
    """Whether a decision made at `moment` (or none made by then) is late: after `due`, to the
    minute. The one test of lateness, for the triage queue, the unanswered-alarms report and the
    review report alike, so a decision at 6pm on its due day (due at 5pm) is late in each, not
    late in one and in time "on the day" in another."""
    return moment > due


def referral_decision_due(received: datetime) -> datetime:
    return end_of_working_day(add_working_days(local_date(received), 1))


def assessment_due(referral: datetime) -> datetime:
    return end_of_working_day(add_working_days(local_date(referral), 45))


def initial_conference_due(strategy_discussion: datetime) -> datetime:
    return end_of_working_day(add_working_days(local_date(strategy_discussion), 15))


def review_conference_due(previous_conference: datetime, *, first: bool) -> datetime:
    """3 months after the initial conference, then 6 months after each review."""
    months = 3 if first else 6
    return end_of_working_day(previous_working_day(add_months(local_date(previous_conference), months)))


def escalation_times(
    opened: datetime,
    due: datetime,
    fraction: Mapping[str, float],
    max_hours: Mapping[str, float],
) -> dict[str, datetime]:
    """When an unacknowledged item goes to the team manager and then the head of service.

    A fraction of the item's own timescale, so a red alert escalates within hours and an
    assessment within a day or so, but never later than the cap: an item nobody has picked up
    is a problem whatever its deadline.
    """
    window = max(due - opened, timedelta(minutes=1))
    times = {}
    for step in ("team_manager", "head_of_service"):
        delay = min(window * fraction[step], timedelta(hours=max_hours[step]))
        times[step] = opened + delay
    if times["head_of_service"] <= times["team_manager"]:
        times["head_of_service"] = times["team_manager"] + timedelta(minutes=1)
    return times


def clock_words(opened: datetime, due: datetime, now: datetime, timescale: str) -> str:
    """Where an item's clock stands, as a practitioner says it: "Working day 2 of 3".

    Working-day timescales count working days after the day the item opened (the opening day
    is day 0, "opened today"); clocks in hours say the hours left. Past due says by how much.
    """
    working = timescale.startswith("alert_") or timescale in (
        "referral_decision",
        "assessment",
        "initial_conference",
    )
    if now > due:
        if working:
            late = working_days_between(local_date(due), local_date(now))
            return "Past due today" if late == 0 else f"{late} working day{'s' if late != 1 else ''} past due"
        hours = (now - due).total_seconds() / 3600
        return f"{hours:.0f} hours past due" if hours >= 1 else "Just past due"
    if working:
        total = working_days_between(local_date(opened), local_date(due))
        done = working_days_between(local_date(opened), local_date(now))
        if done == 0:
            return f"Opened today: {total} working day{'s' if total != 1 else ''} allowed"
        return f"Working day {done} of {total}"
    hours = (due - now).total_seconds() / 3600
    return f"{hours:.0f} hours left" if hours >= 1 else "Due within the hour"
