"""Batch and incremental evaluation agree: a property-based proof over random chronologies.

Incremental is the definition: on each arrival (each distinct recorded_at moment) the child is
assessed from scratch with `evaluate`, from what was recorded by then, and an alert is raised
when the level rises. Batch is `alert_timeline`, the one sweep that `alarmbell rescore` runs
over every child (indexing each entry once and skipping moments when nothing known is recent
enough to fire). The on-arrival path (`alert_timeline(since=...)`) must give the same alerts
as the full sweep from that moment on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmbell.domain.alerts import RaisedAlert
from alarmbell.domain.chronology import Chronology, ChronologyEntry
from alarmbell.domain.vocabulary import AlertLevel
from alarmbell.policy import (
    Policy,
    Shape,
    alert_timeline,
    default_policy,
    evaluate,
    is_child_at,
    reach_of,
    shapes_of,
)

POLICY = default_policy()
START = datetime(2015, 1, 1)
AGENCIES = ("police", "health", "education", "children_social_care", "other")

#: Kinds with the attrs that make default indicators fire (or nearly fire).
PALETTE: list[tuple[str, dict[str, object]]] = [
    ("domestic_incident", {"children_present": True}),
    ("domestic_incident", {"dash_risk": "high"}),
    ("domestic_incident", {}),
    ("injury_presentation", {"injury": "bruise", "delay_in_presentation": True}),
    ("injury_observed", {"injury": "bruise", "mobile": False}),
    ("ed_attendance", {"injury": "burn"}),
    ("ed_attendance", {}),
    ("hunger_observed", {}),
    ("growth_measurement", {"weight_centile": 60}),
    ("growth_measurement", {"weight_centile": 20}),
    ("growth_measurement", {"weight_kg": 8.0}),
    ("health_visitor_contact", {"weight_kg": 7.5}),
    ("missed_appointment", {"was_not_brought": True}),
    ("missed_appointment", {"was_not_brought": True, "service": "Paediatric OPD"}),
    ("missed_appointment", {"was_not_brought": True, "service": "immunisation"}),
    ("cp_plan_start", {}),
    ("cp_plan_end", {}),
    ("referral", {"from_agency": "family"}),
    ("referral", {}),
    ("child_seen_alone", {}),
    ("case_closed", {}),
    ("school_concern", {"category": "emotional"}),
    ("attendance_concern", {"absence_pct": 40}),
    ("home_education", {}),
    ("mental_health_contact", {}),
    ("substance_misuse_contact", {}),
    ("assessment", {"factors": ["1B", "3B", "4B"]}),
    ("probation_contact", {"adult_history": ["violence"]}),
    ("family_member_report", {}),
    ("gp_consultation", {}),
    ("referral", {"from_agency": "Maternal grandmother", "concern": "bruising to face and ears"}),
    ("ed_attendance", {"injury": "fracture", "site": "L arm", "bruise_sites": ["left ear", "cheek"]}),
    ("gp_consultation", {"note": "burn on left forearm"}),
    ("nursery_concern", {"category": "injury"}),
    # Conditions that hold on an absent attr (was_not_brought is_not_false, a site beyond the
    # everyday ones), and words that do or do not describe hunger or weight loss.
    ("missed_appointment", {}),
    ("missed_appointment", {"was_not_brought": False}),
    ("injury_observed", {"injury": "bruise"}),
    ("injury_observed", {"injury": "bruise", "site": "knee"}),
    ("school_concern", {"concern": "taking food from other children"}),
    ("health_visitor_contact", {"concern": "no concerns about weight loss"}),
    # An absence's trigger (a concern needing the child seen alone within 30 days) and its answer.
    ("strategy_discussion", {}),
    ("referral", {"outcome": "assessment"}),
    ("home_visit", {"child_seen_alone": True}),
]
#: Narratives (`text`): the policy reads a bruise described in one on health and school records.
NARRATIVES: list[str | None] = [
    None,
    None,
    None,
    "A bruise behind her left ear.",
    "No bruising seen.",
    "Losing weight, hungry at school.",
    "No concerns about weight loss.",
]


@st.composite
def entries(draw: st.DrawFn, index: int) -> ChronologyEntry:
    kind, attrs = draw(st.sampled_from(PALETTE))
    occurred = START + timedelta(days=draw(st.integers(0, 3 * 365)))
    delay = draw(st.sampled_from([0, 0, 0, 1, 5, 30, 200]))
    household = draw(st.booleans()) and kind not in ("cp_plan_start", "cp_plan_end")
    return ChronologyEntry(
        agency=draw(st.sampled_from(AGENCIES)),
        source_id=f"E{index}",
        kind=kind,
        occurred_at=_utc(occurred),
        recorded_at=_utc(occurred + timedelta(days=delay)),
        attrs=dict(attrs),
        text=draw(st.sampled_from(NARRATIVES)),
        involvement=draw(st.sampled_from(["subject", "subject", "other"])),
        relation="mother_partner" if household else None,
        adult_person_id=2 if household else None,
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


@st.composite
def chronologies(draw: st.DrawFn) -> Chronology:
    n = draw(st.integers(0, 40))
    items = [draw(entries(i)) for i in range(n)]
    items.sort(key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    dob = draw(
        st.one_of(
            st.none(),
            st.dates(min_value=date(1998, 1, 1), max_value=date(2018, 12, 31)),
        )
    )
    return Chronology(
        person_id=1,
        display_name="Sam Taylor",
        role=draw(st.sampled_from(["child", "adult"])),
        dob=dob,
        records=(("health", "H1"),),
        entries=tuple(items),
    )


def incremental(
    policy: Policy, chronology: Chronology, decided: tuple[datetime, ...] = ()
) -> list[tuple[object, ...]]:
    """The definition: assess from scratch at every arrival; alert on each rise, and again at
    amber or red when an indicator newly applies or an entry recorded then feeds one. While the
    child's work item is open (from an alert until the first decision after it), an entry that
    only feeds an indicator already applying raises nothing (docs/triage.md, "New evidence")."""
    out: list[tuple[object, ...]] = []
    previous = AlertLevel.GREEN
    applied: set[str] = set()
    opened: datetime | None = None
    for moment in sorted({e.recorded_at for e in chronology.entries}):
        if opened is not None and any(opened <= d <= moment for d in decided):
            opened = None
        if not is_child_at(chronology, moment):
            continue
        assessment = evaluate(policy, chronology, moment)
        arrived = {e.key for e in chronology.entries if e.recorded_at == moment}
        news = tuple(
            f.indicator_id
            for f in assessment.findings
            if f.indicator_id not in applied or arrived & set(f.evidence)
        )
        rise = assessment.level.rank > previous.rank
        newly = any(f.indicator_id not in applied for f in assessment.findings)
        if rise or (assessment.level is not AlertLevel.GREEN and news and (opened is None or newly)):
            summary = (assessment.level, assessment.score, assessment.findings, previous)
            out.append((moment, *summary, () if rise else news))
            opened = opened or moment
        previous = assessment.level
        applied = {f.indicator_id for f in assessment.findings}
    return out


def _summary(alerts: list[RaisedAlert]) -> list[tuple[object, ...]]:
    return [(a.raised_at, a.level, a.score, a.findings, a.previous_level, a.new_evidence) for a in alerts]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronologies())
def test_batch_sweep_equals_incremental_evaluation(chronology: Chronology) -> None:
    batch = alert_timeline(POLICY, chronology)
    assert _summary(batch) == incremental(POLICY, chronology)
    for alert in batch:
        assert alert.rules == tuple(f.indicator_id for f in alert.findings)
        assert set(alert.evidence) == {k for f in alert.findings for k in f.evidence}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronologies(), st.integers(0, 3 * 365 + 200))
def test_on_arrival_path_equals_the_full_sweep_from_then_on(chronology: Chronology, day: int) -> None:
    since = _utc(START + timedelta(days=day))
    full = alert_timeline(POLICY, chronology)
    assert alert_timeline(POLICY, chronology, since=since) == [a for a in full if a.raised_at >= since]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronologies(), st.lists(st.integers(0, 3 * 365 + 200), max_size=3), st.integers(0, 3 * 365 + 200))
def test_decided_items_bound_renotification_the_same_on_every_path(
    chronology: Chronology, days: list[int], since_day: int
) -> None:
    """With the child's item decisions given, the sweep, the on-arrival path and the definition agree."""
    decided = tuple(_utc(START + timedelta(days=d, hours=12)) for d in days)
    full = alert_timeline(POLICY, chronology, decided=decided)
    assert _summary(full) == incremental(POLICY, chronology, decided)
    since = _utc(START + timedelta(days=since_day))
    assert alert_timeline(POLICY, chronology, since=since, decided=decided) == [
        a for a in full if a.raised_at >= since
    ]


# -- the rescore pre-pass (policy/reach.py): "may not alert" must be a proof ------------------

REACH = reach_of(POLICY)


@st.composite
def sparse_chronologies(draw: st.DrawFn) -> Chronology:
    """A child with few entries and growth centiles or weights of any value, within a year of each
    other: children near the pre-pass's borders (a trend that falls by a little more or less)."""
    chronology = draw(chronologies())
    kept = list(chronology.entries[: draw(st.integers(0, 4))])
    for i in range(draw(st.integers(0, 4))):
        day = _utc(START + timedelta(days=draw(st.integers(0, 300))))
        value = draw(st.one_of(st.integers(0, 100), st.floats(0, 100), st.booleans(), st.none()))
        attr = draw(st.sampled_from(["weight_centile", "weight_kg"]))
        kept.append(
            replace(
                draw(entries(100 + i)),
                kind="growth_measurement",
                attrs={attr: value},
                occurred_at=day,
                recorded_at=day,
                involvement="subject",
                relation=None,
                adult_person_id=None,
            )
        )
    kept.sort(key=lambda e: (e.occurred_at, e.recorded_at, e.agency, e.source_id))
    return replace(chronology, role="child", dob=date(2012, 6, 1), entries=tuple(kept))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronologies())
def test_a_child_the_prepass_rules_out_gets_no_alert(chronology: Chronology) -> None:
    """The widened policy never rules out a child the engine alerts (the pre-pass skips those)."""
    if not REACH.may_alert(
        shapes_of(REACH, (*chronology.entries, *chronology.other_child_entries)), chronology.dob
    ):
        assert alert_timeline(POLICY, chronology) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sparse_chronologies())
def test_a_child_near_the_prepass_borders_is_ruled_out_only_when_no_alert(chronology: Chronology) -> None:
    if not REACH.may_alert(
        shapes_of(REACH, (*chronology.entries, *chronology.other_child_entries)), chronology.dob
    ):
        assert alert_timeline(POLICY, chronology) == []


#: The default policy with every indicator heavy enough to alert alone, however decayed (a
#: hundred times amber, and stories as heavy): each indicator's own bound (its window, its
#: pattern's days) is then tested against the engine, not hidden behind the need for a second
#: indicator on the same day.
EACH_ALONE = replace(
    POLICY,
    indicators=tuple(replace(i, weight=100 * POLICY.amber) for i in POLICY.indicators),
    stories={k: replace(story, max_weight=100 * POLICY.amber) for k, story in POLICY.stories.items()},
)


@st.composite
def few_entry_chronologies(draw: st.DrawFn) -> Chronology:
    """A child of 0 to 13 with a handful of entries: under EACH_ALONE most longer records alert."""
    chronology = draw(chronologies())
    kept = chronology.entries[: draw(st.integers(0, 5))]
    dob = date(2002, 1, 1) + timedelta(days=draw(st.integers(0, 13 * 365)))
    return replace(chronology, role="child", dob=dob, entries=kept)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(few_entry_chronologies())
def test_a_child_the_prepass_rules_out_gets_no_alert_when_any_indicator_alerts_alone(
    chronology: Chronology,
) -> None:
    reach = reach_of(EACH_ALONE)
    if not reach.may_alert(
        shapes_of(reach, (*chronology.entries, *chronology.other_child_entries)), chronology.dob
    ):
        assert alert_timeline(EACH_ALONE, chronology) == []


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


#: Values the policy's conditions compare with, and others: each attr a condition reads is
#: drawn absent or with one of these (the policy's own strings, so `equals` and `in` can hold).
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 120),
    st.floats(0, 100),
    st.sampled_from(
        sorted({str(v) for a in REACH.atoms for v in _as_list(a.condition.value) if isinstance(v, str)})
    ),
    st.sampled_from(["bruising to face and ears", "no concerns about weight loss", "forearm", "3B, 4C"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted({k for a in REACH.atoms for k in a.kinds or ()} | {"gp_consultation"})),
    st.dictionaries(
        st.sampled_from(sorted({n for a in REACH.atoms for n in (a.attr, a.attr + "s")})),
        st.one_of(_VALUES, st.lists(_VALUES, max_size=3)),
        max_size=6,
    ),
    st.sampled_from(NARRATIVES),
)
def test_the_prepass_atoms_are_exactly_the_conditions_that_hold(
    kind: str, attrs: dict[str, object], text: str | None
) -> None:
    """Each event's atoms are the policy's conditions that hold on it, as the engine tests them
    (text read under the narrative's name): none looser, none missed (a condition that holds
    without its attr, `is_not_false`, included)."""
    read = {**attrs, "text": text} if text is not None else attrs
    expected = {
        i
        for i, atom in enumerate(REACH.atoms)
        if (atom.kinds is None or kind in atom.kinds) and atom.condition.holds(read)
    }
    assert REACH.atoms_holding(kind, attrs, text) == expected


def test_the_prepass_rules_out_routine_records_and_keeps_a_signal() -> None:
    """Not vacuous: routine contacts are ruled out; values decide (a concern about behaviour is
    not a concern about hunger, was_not_brought false is not true); a signal is kept."""
    routine: list[tuple[str, dict[str, object]]] = [
        ("gp_consultation", {}),
        ("school_concern", {"category": "behaviour"}),
    ]
    routine += [("missed_appointment", {"was_not_brought": False})] * 3
    shapes = [
        Shape(kind, True, "subject", "health", REACH.atoms_holding(kind, attrs)) for kind, attrs in routine
    ]
    assert not REACH.may_alert(shapes, date(2015, 1, 1))
    hungry = ("school_concern", {"category": "hunger"})
    signal = Shape(hungry[0], True, "subject", "education", REACH.atoms_holding(*hungry))
    assert REACH.may_alert([*shapes, signal], date(2015, 1, 1))
