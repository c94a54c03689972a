"""The knowledge rule (review.knowledge), on hand-built entries: recorded, told, pooled, not pooled."""

from __future__ import annotations

from datetime import UTC, datetime

from alarmbell.review.knowledge import held_elsewhere, significant_events, who_knew
from alarmbell.review.signals import agencies_named, category, is_signal

from .conftest import entry


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_an_agency_knows_what_it_recorded_from_when_it_recorded_it() -> None:
    fracture = entry(
        "health",
        "H1",
        "injury_presentation",
        "2011-01-31",
        recorded="2011-02-02",
        attrs={"injury": "fracture"},
    )
    known = who_knew([fracture])
    assert known[fracture.key] == {"health": (at("2011-02-02"), "recorded it")}


def test_a_strategy_discussion_pools_the_recent_matter_among_its_participants() -> None:
    incident = entry("police", "P1", "domestic_incident", "2011-01-28", relation="mother")
    old = entry("police", "P0", "domestic_incident", "2010-06-01", relation="mother")
    fracture = entry("health", "H1", "injury_presentation", "2011-01-31", attrs={"injury": "fracture"})
    meeting = entry(
        "children_social_care", "C1", "strategy_discussion", "2011-01-31",
        attrs={"participants": "hospital social worker, police child protection officer"},
    )  # fmt: skip
    known = who_knew([old, incident, fracture, meeting])
    assert set(known[fracture.key]) == {"health", "police", "children_social_care"}
    assert set(known[incident.key]) == {"health", "police", "children_social_care"}
    assert known[incident.key]["health"][1].startswith("shared at strategy discussion")
    assert set(known[old.key]) == {"police"}, "history older than the matter window is not assumed shared"


def test_a_phone_call_named_in_an_action_tells_that_agency_of_the_record_only() -> None:
    call = entry(
        "education", "E1", "school_concern", "2012-01-31", attrs={"action": "deputy head telephoned Leo's GP"}
    )
    bruise = entry("education", "E2", "injury_observed", "2012-01-31", attrs={"injury": "bruise"})
    known = who_knew([call, bruise])
    assert set(known[call.key]) == {"education", "health"}
    assert set(known[bruise.key]) == {"education"}


def test_held_elsewhere_names_the_holder_and_counts_what_the_other_lacked() -> None:
    incidents = [
        entry("police", f"P{i}", "domestic_incident", f"2010-0{i}-01", relation="mother") for i in range(1, 4)
    ]
    hunger = entry("education", "E1", "hunger_observed", "2011-11-30")
    events = significant_events([*incidents, hunger])
    gaps = held_elsewhere(
        events, who_knew([*incidents, hunger]), lacking="education", at=at("2011-12-01"), child="Leo"
    )
    assert [(g.holder, g.category, g.count) for g in gaps] == [("police", "domestic abuse", 3)]
    assert gaps[0].sentence == (
        "Police held 3 domestic abuse incidents in the household from 1 January 2010 to 1 March 2010."
    )


def test_signals_are_concerns_about_the_child_and_domestic_abuse_only_with_the_child_there() -> None:
    assert is_signal(entry("education", "E1", "hunger_observed", "2011-11-30"))
    assert is_signal(
        entry(
            "police",
            "P1",
            "domestic_incident",
            "2011-01-01",
            attrs={"children_present": True},
            involvement="other",
        )
    )
    assert not is_signal(
        entry(
            "police",
            "P2",
            "domestic_incident",
            "2011-01-01",
            attrs={"children_present": False},
            involvement="other",
        )
    )
    assert not is_signal(entry("police", "P3", "domestic_incident", "2011-01-01", relation="mother"))
    assert category(entry("health", "H1", "growth_measurement", "2011-01-01")) is None
    assert (
        category(entry("health", "H2", "paediatric_assessment", "2012-02-29", attrs={"weight_loss": True}))
        == "hunger or weight loss"
    )


def test_agencies_are_read_from_codes_and_from_plain_words() -> None:
    assert agencies_named("police") == {"police"}
    assert agencies_named(["health", "education"]) == {"health", "education"}
    assert agencies_named("hospital social worker") == {"health", "children_social_care"}
    assert agencies_named("education welfare officer") == {"education"}
    assert agencies_named(None) == set()
