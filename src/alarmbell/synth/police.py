"""Police: domestic incidents (mostly one-offs), missing teenagers, and adults' violence history."""

from __future__ import annotations

from typing import Any, Final

from alarmbell.synth.events import Ledger, dates, multiplier, pick
from alarmbell.synth.households import Household, Person
from alarmbell.synth.rates import rate

_DASH: Final = (("standard", 0.70), ("medium", 0.22), ("high", 0.08))
_VIOLENCE: Final = (("verbal", 0.4), ("physical", 0.35), ("threats", 0.2), ("unknown", 0.05))


def perpetrator_on(hh: Household, day: int) -> Person | None:
    """The man present, or an ex-partner who left within two years (post-separation abuse)."""
    man = hh.man_present(day)
    if man is not None:
        return man
    recent = [m for m in hh.men if m.left is not None and day - 730 <= m.left <= day]
    return recent[-1] if recent else None


def domestic_incident(
    hh: Household, led: Ledger, day: int, perp: Person, *, present: float, dash: Any = _DASH
) -> None:
    """One police log: the mother as victim, children present named as subjects too."""
    rng = hh.rng
    children = [c.slot for c in hh.children if c.dob <= day and c.age_days(day) < 6574]
    with_children = bool(children) and rng.random() < present
    subjects = (hh.mother.slot, *(children if with_children else ()))
    attrs: dict[str, Any] = {
        "dash_risk": pick(rng, dash),
        "violence": pick(rng, _VIOLENCE),
        "alcohol": rng.random() < 0.3,
        "drugs": rng.random() < 0.1,
        "children_present": with_children,
        "victim": hh.mother.slot,
        "perpetrator": perp.slot,
    }
    if perp.history:
        attrs["adult_history"] = list(perp.history)
    led.add("police", "domestic_incident", day, subjects, (perp.slot,), attrs)


def police_background(hh: Household, led: Ledger) -> None:
    rng = hh.rng
    per_year = rate("domestic_incident") * multiplier(hh, "police")
    for day in dates(rng, per_year, hh.start, hh.end):
        perp = perpetrator_on(hh, day)
        if perp is not None:
            domestic_incident(hh, led, day, perp, present=rate("da_children_present"))
    for child in hh.children:
        a, b = max(hh.start, child.dob + 4748), min(hh.end, child.dob + 6574)
        for day in dates(rng, rate("missing_teen") * multiplier(hh, "police"), a, b):
            led.add(
                "police",
                "missing_person",
                day,
                (child.slot,),
                (),
                {"found_within_hours": rng.randint(2, 30)},
            )
    for man in hh.men:
        if man.history:
            violence_history(hh, led, man)


def violence_history(hh: Household, led: Ledger, man: Person) -> None:
    """An old conviction for violence, usually before the window: what police already know."""
    rng = hh.rng
    day = man.joined - rng.randint(200, 2500)
    offence = rng.choice(("actual bodily harm", "common assault", "assault on a partner"))
    led.add(
        "police",
        "arrest",
        day,
        (man.slot,),
        (),
        {"offence": offence, "adult_history": list(man.history)},
    )
