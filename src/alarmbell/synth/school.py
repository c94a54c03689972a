"""Education: nursery and school records, school starts, and the absence distribution.

Absence is drawn per pupil per academic year so the share of persistently absent pupils
(10%+ of sessions) matches the national figure; schools record an `attendance_concern` for
those pupils, mostly for illness (the benign majority).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from alarmbell.synth.events import Ledger, dates, multiplier
from alarmbell.synth.households import Household, Person
from alarmbell.synth.rates import rate

NURSERY_AGE_DAYS: Final[int] = 1096  # 3 years: education holds a record (and UPN) from here
SESSIONS_PER_YEAR: Final[int] = 380


def first_september_after(day: int, years: int) -> int:
    """1 September on or after the day a person turns `years` (school entry rules)."""
    d = date.fromordinal(day)
    birthday_year = d.year + years
    sept = date(birthday_year, 9, 1)
    if (d.month, d.day) > (9, 1):
        sept = date(birthday_year + 1, 9, 1)
    return sept.toordinal()


def pupil_years(hh: Household, child: Person) -> list[int]:
    """Calendar years Y whose academic year (Sep Y-1 to Jul Y) the child spends in years 1-11.

    Eligible when aged 5-15 on 31 August Y-1, the definition the calibration tests share.
    """
    years = []
    first = date.fromordinal(hh.start).year
    last = date.fromordinal(hh.end - 1).year
    for y in range(first, last + 1):
        age = age_on(child.dob, date(y - 1, 8, 31).toordinal())
        if 5 <= age <= 15:
            years.append(y)
    return years


def age_on(dob: int, day: int) -> int:
    """Whole years of age on `day`."""
    b, d = date.fromordinal(dob), date.fromordinal(day)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def absence_pct(hh: Household) -> float:
    """One pupil-year of absence: severe, persistent or ordinary, scaled by adversity."""
    rng, m = hh.rng, multiplier(hh, "absence")
    u = rng.random()
    if u < rate("severe_absence") * m:
        return round(rng.uniform(50.0, 90.0), 1)
    if u < rate("persistent_absence") * m:
        return round(min(49.9, 10.0 + rng.expovariate(1 / 7.0)), 1)
    return round(rng.triangular(0.0, 9.9, 3.0), 1)


def attendance_attrs(pct: float, reason: str) -> dict[str, Any]:
    return {
        "absence_pct": pct,
        "sessions_missed": int(pct * SESSIONS_PER_YEAR / 100),
        "reason": reason,
    }


def education_background(hh: Household, led: Ledger, child: Person, a: int, b: int) -> None:
    """School start, yearly absence and occasional benign concerns for one child."""
    rng = hh.rng
    entry = max(a, child.dob + NURSERY_AGE_DAYS)
    if entry >= b:
        return
    led.hold("education", child.slot)
    start = first_september_after(child.dob, 4)
    if a <= start < b:
        led.add("education", "school_start", start + rng.randint(0, 5), (child.slot,))
    for y in pupil_years(hh, child):
        pct = absence_pct(hh)
        if pct >= 10.0:
            day = date(y, 3, 1).toordinal() + rng.randrange(140)
            reason = rng.choice(("illness", "illness", "illness", "unauthorised", "holiday"))
            if pct >= 50.0:
                reason = rng.choice(("illness", "unauthorised", "anxiety"))
            led.add(
                "education",
                "attendance_concern",
                day,
                (child.slot,),
                (),
                attendance_attrs(pct, reason),
            )
    school_from = max(entry, child.dob + 1461)
    for day in dates(rng, rate("behaviour_concern") * multiplier(hh, "absence"), school_from, b):
        led.add("education", "behaviour_concern", day, (child.slot,))
    for day in dates(rng, rate("school_concern"), school_from, b):
        category = rng.choice(("appearance", "emotional", "behaviour", "other"))
        led.add("education", "school_concern", day, (child.slot,), (), {"category": category})
    for day in dates(rng, 0.02, school_from, b):
        led.add(
            "education",
            "injury_observed",
            day,
            (child.slot,),
            (),
            {
                "injury": "bruise",
                "site": "knee",
                "explanation_given": "fell in playground",
                "mobile": True,
            },
        )


def parents_on_file(hh: Household, led: Ledger) -> None:
    """Schools hold the mother as a contact, sometimes the father, rarely a new partner.

    Called once per household, after its children, and only if a school holds a child.
    """
    if "education" not in led.holds:
        return
    rng = hh.rng
    if rng.random() < 0.92:
        led.hold("education", hh.mother.slot)
    for man in hh.men:
        if rng.random() < (0.5 if man.kind == "father" else 0.15):
            led.hold("education", man.slot)
