"""Every code of the vocabulary becomes words (issue 14, item 2): no snake_case reaches a reader."""

from __future__ import annotations

from datetime import date

import pytest

from alarmbell.access.policy import Role
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS, RELATIONSHIP_KINDS, SEXES
from alarmbell.domain.wording import (
    CODE,
    agency_in_sentence,
    agency_label,
    counted_kind,
    kind_in_sentence,
    kind_label,
    long_date,
    relation_label,
    role_label,
    sex_label,
    short_date,
    team_label,
    teams_sentence,
)


def _words(text: str) -> bool:
    return bool(text) and "_" not in text and not CODE.search(text)


@pytest.mark.parametrize("kind", sorted(EVENT_KINDS))
def test_every_event_kind_reads_as_words(kind: str) -> None:
    for text in (kind_label(kind), kind_in_sentence(kind), counted_kind(kind, 1), counted_kind(kind, 3)):
        assert _words(text), (kind, text)
    assert kind_label(kind)[0].isupper()


@pytest.mark.parametrize("agency", AGENCIES)
def test_every_agency_reads_as_words(agency: str) -> None:
    assert _words(agency_label(agency)) and agency_label(agency)[0].isupper()
    assert _words(agency_in_sentence(agency))


@pytest.mark.parametrize("relation", RELATIONSHIP_KINDS)
def test_every_relation_reads_as_words(relation: str) -> None:
    assert _words(relation_label(relation)), relation
    assert _words(relation_label(f"child_of_{relation}"))


def test_roles_teams_and_sexes_read_as_words() -> None:
    for role in Role:
        assert _words(role_label(role.value)), role
    for team in ("mash", "police-cpu", "health-visiting", "csc-assessment", "some_new_team"):
        assert _words(team_label(team)), team
    assert team_label("Police child protection unit") == "Police child protection unit"
    assert teams_sentence(["mash"]) == "the MASH"
    assert [sex_label(s) for s in SEXES] == ["Male", "Female", "Indeterminate", "Not known"]


def test_initialisms_and_plurals_read_as_a_practitioner_writes_them() -> None:
    assert kind_label("gp_consultation") == "GP consultation"
    assert counted_kind("gp_consultation", 2) == "2 GP consultations"
    assert counted_kind("school_concern", 2) == "2 school concerns"
    assert counted_kind("injury_observed", 3) == "3 injury observed records"
    assert counted_kind("ed_attendance", 1) == "1 ED attendance"
    assert agency_label("children_social_care") == "Children's social care"
    assert agency_in_sentence("children_social_care") == "children's social care"
    assert relation_label("mother_partner") == "mother's partner"
    assert short_date(date(2007, 4, 9)) == "9 Apr 2007" and long_date(date(2007, 4, 9)) == "9 April 2007"


def test_a_date_is_shown_as_precisely_as_it_is_known_and_no_more() -> None:
    from alarmbell.domain.wording import DATE_PRECISIONS, event_date

    end_of_january = date(2012, 1, 31)
    shown = {p: event_date(end_of_january, p) for p in DATE_PRECISIONS}
    assert shown == {
        "day": "31 Jan 2012",
        "month": "Jan 2012",
        "year": "c. 2012",
        "period": "by 31 Jan 2012",
        "illustrative": "about Jan 2012",
    }
    assert event_date(end_of_january, None) == "31 Jan 2012"
