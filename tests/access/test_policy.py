"""The authorisation rules, without HTTP or a database."""

from __future__ import annotations

import pytest

from alarmbell.access.facts import is_closed
from alarmbell.access.policy import (
    ROLE_ACTIONS,
    Action,
    AgencyResource,
    PersonFacts,
    Principal,
    Role,
    Scope,
    TeamResource,
    decide,
)

HEALTH = Principal("user", 1, "hv", Role.PRACTITIONER, "health", "health-visiting")
MASH_HV = Principal("user", 2, "hv-mash", Role.PRACTITIONER, "health", "mash")
ANALYST = Principal("user", 3, "analyst", Role.MASH_ANALYST, "children_social_care", "mash")
REVIEWER = Principal("user", 4, "reviewer", Role.REVIEWER)
ADMIN = Principal("user", 5, "admin", Role.ADMIN)
MANAGER = Principal("user", 6, "manager", Role.TEAM_MANAGER, "health", "health-visiting")
TOKEN = Principal("token", 7, "token:ab12", agency="police")

HEALTH_CHILD = PersonFacts(10, agencies=frozenset({"health", "police"}), routed_teams=frozenset({"mash"}))
POLICE_ONLY = PersonFacts(11, agencies=frozenset({"police"}))
CLOSED = PersonFacts(12, agencies=frozenset({"children_social_care"}), closed=True)


def test_anonymous_gets_only_public_pages() -> None:
    for action in Action:
        assert decide(None, action).allowed is (action is Action.PUBLIC), action


def test_practitioner_sees_own_agency_part_unless_routed_to_their_team() -> None:
    own = decide(HEALTH, Action.VIEW_PERSON, HEALTH_CHILD)
    assert own.allowed and own.scope is Scope.OWN_AGENCY
    routed = decide(MASH_HV, Action.VIEW_PERSON, HEALTH_CHILD)
    assert routed.allowed and routed.scope is Scope.FULL
    assert not decide(HEALTH, Action.VIEW_PERSON, POLICE_ONLY).allowed
    assert not decide(HEALTH, Action.OVERRIDE_ALERT, HEALTH_CHILD).allowed
    assert decide(MASH_HV, Action.OVERRIDE_ALERT, HEALTH_CHILD).allowed


def test_break_glass_opens_the_full_record_and_says_so() -> None:
    glass = PersonFacts(11, agencies=frozenset({"police"}), break_glass=True)
    decision = decide(HEALTH, Action.VIEW_PERSON, glass)
    assert decision.allowed and decision.via_break_glass and decision.scope is Scope.FULL
    assert not decide(HEALTH, Action.OVERRIDE_ALERT, glass).allowed
    assert decide(HEALTH, Action.BREAK_GLASS, POLICE_ONLY).allowed
    # An id naming nobody is decided alike: the answer must not tell who is in the store.
    assert decide(HEALTH, Action.BREAK_GLASS, PersonFacts(99)) == decide(
        HEALTH, Action.BREAK_GLASS, POLICE_ONLY
    )
    assert not decide(ADMIN, Action.BREAK_GLASS, POLICE_ONLY).allowed


def test_analyst_sees_everyone_reviewer_only_closed_or_granted() -> None:
    assert decide(ANALYST, Action.VIEW_PERSON, POLICE_ONLY).scope is Scope.FULL
    assert decide(REVIEWER, Action.VIEW_PERSON, CLOSED).allowed
    assert not decide(REVIEWER, Action.VIEW_PERSON, HEALTH_CHILD).allowed
    granted = PersonFacts(10, agencies=frozenset({"health"}), review_grant=True)
    assert decide(REVIEWER, Action.VIEW_PERSON, granted).allowed
    assert not decide(REVIEWER, Action.LIST_ALERTS).allowed


def test_admin_manages_but_does_not_read_records() -> None:
    assert decide(ADMIN, Action.MANAGE_USERS).allowed and decide(ADMIN, Action.VIEW_AUDIT).allowed
    assert not decide(ADMIN, Action.VIEW_PERSON, HEALTH_CHILD).allowed
    assert not decide(ADMIN, Action.SEARCH_PEOPLE).allowed
    assert decide(ADMIN, Action.SAR_EXPORT, HEALTH_CHILD).allowed
    for role in (Role.PRACTITIONER, Role.MASH_ANALYST, Role.REVIEWER):
        assert Action.MANAGE_USERS not in ROLE_ACTIONS[role]


def test_tokens_only_ingest_and_users_never_do() -> None:
    assert decide(TOKEN, Action.API_INGEST).allowed
    assert not decide(TOKEN, Action.VIEW_PERSON, POLICE_ONLY).allowed
    assert not decide(TOKEN, Action.SIGNED_IN).allowed
    assert not decide(ANALYST, Action.API_INGEST).allowed


def test_recording_a_concern_only_as_your_own_agency() -> None:
    assert decide(HEALTH, Action.RECORD_CONCERN, AgencyResource("health")).allowed
    assert not decide(HEALTH, Action.RECORD_CONCERN, AgencyResource("police")).allowed
    assert decide(ANALYST, Action.RECORD_CONCERN, AgencyResource("police")).allowed


def test_managers_see_break_glass_log() -> None:
    assert decide(MANAGER, Action.VIEW_BREAK_GLASS_LOG).allowed
    assert not decide(HEALTH, Action.VIEW_BREAK_GLASS_LOG).allowed


@pytest.mark.parametrize(
    ("latest", "closed"),
    [
        ({}, False),
        ({"case_closed": 5}, True),
        ({"referral": 1, "case_closed": 5}, True),
        ({"referral": 6, "case_closed": 5}, False),
    ],
)
def test_closed_means_case_closed_after_the_last_case_activity(latest: dict[str, int], closed: bool) -> None:
    from datetime import UTC, datetime

    stamped = {k: datetime(2020, 1, v, tzinfo=UTC) for k, v in latest.items()}
    assert is_closed(stamped) is closed


def test_the_review_needs_the_whole_record() -> None:
    own_only = decide(MANAGER, Action.VIEW_REVIEW, HEALTH_CHILD)
    assert not own_only.allowed and "every agency" in own_only.reason
    routed_manager = Principal("user", 8, "m", Role.TEAM_MANAGER, "health", "mash")
    assert decide(routed_manager, Action.VIEW_REVIEW, HEALTH_CHILD).scope is Scope.FULL
    glass = PersonFacts(10, agencies=frozenset({"health", "police"}), break_glass=True)
    assert decide(MANAGER, Action.VIEW_REVIEW, glass).via_break_glass
    assert not decide(MANAGER, Action.EXPORT_REVIEW, glass).allowed


def test_a_concern_about_a_known_person_needs_their_page() -> None:
    assert decide(HEALTH, Action.RECORD_CONCERN).allowed
    assert decide(HEALTH, Action.RECORD_CONCERN, HEALTH_CHILD).scope is Scope.OWN_AGENCY
    refused = decide(HEALTH, Action.RECORD_CONCERN, POLICE_ONLY)
    assert not refused.allowed and "new child" in refused.reason
    assert decide(ANALYST, Action.RECORD_CONCERN, POLICE_ONLY).allowed
    assert not decide(REVIEWER, Action.RECORD_CONCERN, CLOSED).allowed


def test_triage_work_belongs_to_a_team() -> None:
    assert decide(ANALYST, Action.VIEW_TRIAGE, TeamResource("Police child protection unit")).allowed
    assert decide(MANAGER, Action.DECIDE_TRIAGE, TeamResource("Health-Visiting")).allowed
    assert not decide(MANAGER, Action.VIEW_TRIAGE, TeamResource("mash")).allowed
    assert not decide(HEALTH, Action.VIEW_TRIAGE, TeamResource("health-visiting")).allowed


def test_countersigning_an_override_needs_the_alert_in_full_through_routing() -> None:
    """An own-agency view hides alerts, and break-glass never decides one (docs/security.md)."""
    routed_manager = Principal("user", 8, "m", Role.TEAM_MANAGER, "health", "mash")
    glass = PersonFacts(10, agencies=frozenset({"health", "police"}), break_glass=True)
    assert decide(routed_manager, Action.COUNTERSIGN_OVERRIDE, HEALTH_CHILD).allowed
    assert not decide(MANAGER, Action.COUNTERSIGN_OVERRIDE, HEALTH_CHILD).allowed
    assert not decide(MANAGER, Action.COUNTERSIGN_OVERRIDE, glass).allowed
    assert not decide(MANAGER, Action.OVERRIDE_ALERT, glass).allowed
