"""Who may do what: role x action x resource -> allow or deny, with the reason. Pure.

The web layer and the services ask `decide`; nothing else holds an authorisation rule, so the
rules can be read in one place and tested without HTTP or a database. docs/security.md
describes the model in prose; tests/access/test_policy.py pins it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    MASH_ANALYST = "mash_analyst"
    TEAM_MANAGER = "team_manager"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_LABELS: Final[dict[Role, str]] = {
    Role.PRACTITIONER: "Agency practitioner",
    Role.MASH_ANALYST: "MASH analyst",
    Role.TEAM_MANAGER: "Team manager",
    Role.REVIEWER: "Reviewer",
    Role.ADMIN: "Administrator",
}


class Action(StrEnum):
    """Every permission a route or service can ask for. Routes declare exactly one."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    LIST_ALERTS = "alerts.list"
    SEARCH_PEOPLE = "people.search"
    VIEW_PERSON = "person.view"
    BREAK_GLASS = "person.break_glass"
    RECORD_CONCERN = "intake.record"
    OVERRIDE_ALERT = "alert.override"
    COUNTERSIGN_OVERRIDE = "alert.countersign"
    VIEW_IDENTITY_REVIEW = "identity.review"
    DECIDE_IDENTITY = "identity.decide"
    VIEW_TRIAGE = "triage.view"
    DECIDE_TRIAGE = "triage.decide"
    COUNTERSIGN_TRIAGE = "triage.countersign"
    VIEW_REVIEW = "review.view"
    LIST_REVIEWS = "reviews.list"
    VIEW_UNANSWERED = "reports.unanswered"
    #: What happened to what the user (their agency) reported: for those who report.
    VIEW_REPORTED = "triage.reported"
    EXPORT_REVIEW = "review.export"
    SAR_EXPORT = "person.sar_export"
    VIEW_BREAK_GLASS_LOG = "access.break_glass_log"
    MANAGE_USERS = "users.manage"
    VIEW_AUDIT = "audit.view"
    API_INGEST = "api.ingest"


#: What each role may ask for at all; person-level rules below narrow it further.
ROLE_ACTIONS: Final[dict[Role, frozenset[Action]]] = {
    Role.PRACTITIONER: frozenset(
        {
            Action.LIST_ALERTS,
            Action.SEARCH_PEOPLE,
            Action.VIEW_PERSON,
            Action.BREAK_GLASS,
            Action.RECORD_CONCERN,
            Action.VIEW_REPORTED,
            Action.OVERRIDE_ALERT,
        }
    ),
    Role.MASH_ANALYST: frozenset(
        {
            Action.LIST_ALERTS,
            Action.SEARCH_PEOPLE,
            Action.VIEW_PERSON,
            Action.RECORD_CONCERN,
            Action.VIEW_REPORTED,
            Action.OVERRIDE_ALERT,
            Action.VIEW_IDENTITY_REVIEW,
            Action.DECIDE_IDENTITY,
            Action.VIEW_TRIAGE,
            Action.DECIDE_TRIAGE,
            Action.VIEW_UNANSWERED,
        }
    ),
    Role.TEAM_MANAGER: frozenset(
        {
            Action.LIST_ALERTS,
            Action.SEARCH_PEOPLE,
            Action.VIEW_PERSON,
            Action.BREAK_GLASS,
            Action.RECORD_CONCERN,
            Action.VIEW_REPORTED,
            Action.OVERRIDE_ALERT,
            Action.COUNTERSIGN_OVERRIDE,
            Action.VIEW_TRIAGE,
            Action.DECIDE_TRIAGE,
            Action.COUNTERSIGN_TRIAGE,
            Action.VIEW_REVIEW,
            Action.VIEW_BREAK_GLASS_LOG,
            Action.VIEW_UNANSWERED,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Action.SEARCH_PEOPLE,
            Action.VIEW_PERSON,
            Action.VIEW_REVIEW,
            Action.LIST_REVIEWS,
            Action.EXPORT_REVIEW,
            Action.VIEW_UNANSWERED,
        }
    ),
    Role.ADMIN: frozenset(
        {Action.MANAGE_USERS, Action.VIEW_AUDIT, Action.VIEW_BREAK_GLASS_LOG, Action.SAR_EXPORT}
    ),
}

#: Actions about one person's record: with a PersonFacts resource they pass the person rules.
PERSON_ACTIONS: Final[frozenset[Action]] = frozenset(
    {
        Action.VIEW_PERSON,
        Action.OVERRIDE_ALERT,
        Action.COUNTERSIGN_OVERRIDE,
        Action.BREAK_GLASS,
        Action.VIEW_REVIEW,
        Action.EXPORT_REVIEW,
        Action.SAR_EXPORT,
        Action.RECORD_CONCERN,
    }
)


#: Decisions about an alert: only for someone who sees it in full through routing (never an
#: own-agency view, which hides alerts, and never break-glass).
ALERT_DECISIONS: Final[frozenset[Action]] = frozenset({Action.OVERRIDE_ALERT, Action.COUNTERSIGN_OVERRIDE})


class Scope(StrEnum):
    """How much of a person's record a decision opens: everything, or one agency's part."""

    FULL = "full"
    OWN_AGENCY = "own_agency"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a signed-in user, or an agency system holding an API token."""

    kind: str
    id: int
    name: str
    role: Role | None = None
    agency: str | None = None
    team: str | None = None

    @property
    def is_user(self) -> bool:
        return self.kind == "user" and self.role is not None


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the rules need to know about one person, as seen by one principal.

    `closed`: the person's latest children's-social-care case event is `case_closed`
    (docs/security.md, "Closed cases"). `break_glass` and `review_grant` are the principal's
    own unexpired grants for this person.
    """

    person_id: int
    agencies: frozenset[str] = frozenset()
    routed_teams: frozenset[str] = frozenset()
    closed: bool = False
    break_glass: bool = False
    review_grant: bool = False


@dataclass(frozen=True, slots=True)
class AgencyResource:
    """Something done on behalf of one agency (recording a concern as that agency)."""

    agency: str


@dataclass(frozen=True, slots=True)
class TeamResource:
    """One team's triage work (its queue, or an item in it): titles name children and offences."""

    team: str


Resource = PersonFacts | AgencyResource | TeamResource | None


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str
    scope: Scope = Scope.FULL
    via_break_glass: bool = False


def allow(reason: str, scope: Scope = Scope.FULL, *, via_break_glass: bool = False) -> Decision:
    return Decision(True, reason, scope, via_break_glass)


def deny(reason: str) -> Decision:
    return Decision(False, reason)


def decide(principal: Principal | None, action: Action, resource: Resource = None) -> Decision:
    """The one authorisation rule. Anything not allowed here is denied."""
    if action is Action.PUBLIC:
        return allow("public page")
    if principal is None:
        return deny("sign in first")
    if principal.kind == "token":
        return _token(principal, action)
    if principal.role is None:
        return deny("unknown kind of principal")
    if action is Action.SIGNED_IN:
        return allow("any signed-in user")
    if action not in ROLE_ACTIONS.get(principal.role, frozenset()):
        return deny(f"{ROLE_LABELS[principal.role]}s may not do {action.value}")
    if isinstance(resource, PersonFacts) and action in PERSON_ACTIONS:
        return _person(principal, principal.role, action, resource)
    if isinstance(resource, AgencyResource):
        return _agency(principal, resource)
    if isinstance(resource, TeamResource):
        return _team(principal, resource)
    return allow(f"{ROLE_LABELS[principal.role]}s may do {action.value}")


def _token(principal: Principal, action: Action) -> Decision:
    if action is Action.API_INGEST and principal.agency:
        return allow(f"API token for {principal.agency} ingest")
    return deny("API tokens may only send records for their agency")


def _agency(principal: Principal, resource: AgencyResource) -> Decision:
    if principal.role is Role.MASH_ANALYST:
        return allow("MASH analysts record for any agency")
    if principal.agency == resource.agency:
        return allow("own agency")
    return deny(f"you may only record as your own agency ({principal.agency or 'none'})")


def _team(principal: Principal, resource: TeamResource) -> Decision:
    if principal.role is Role.MASH_ANALYST:
        return allow("MASH analysts triage every team's queue")
    if principal.team and principal.team.lower() == resource.team.lower():
        return allow("your own team's queue")
    return deny(f"team managers triage their own team's queue ({principal.team or 'no team'})")


def _person(principal: Principal, role: Role, action: Action, facts: PersonFacts) -> Decision:
    if action is Action.SAR_EXPORT:
        return allow("administrators answer subject access requests")
    if action is Action.BREAK_GLASS:
        # Decided alike for an id that names nobody, so the form never tells who is in the
        # store; the route grants access only to someone who exists (web/pages/break_glass.py).
        return allow("break-glass: reason required, time-limited, shown to managers")
    if action is Action.RECORD_CONCERN:
        return _concern_about(principal, role, facts)
    if action in (Action.VIEW_REVIEW, Action.EXPORT_REVIEW) or role is Role.REVIEWER:
        return _review(role, action, facts, principal)
    seen = view_scope(principal, role, facts)
    if action in ALERT_DECISIONS and seen.allowed and (seen.scope is not Scope.FULL or seen.via_break_glass):
        # Countersigning is the step that makes a red's override count: the same decision as
        # overriding, about an alert an own-agency viewer is not even shown.
        return deny("deciding about an alert needs the full multi-agency record, through routing")
    return seen


def _concern_about(principal: Principal, role: Role, facts: PersonFacts) -> Decision:
    """A concern about someone already known: only someone whose page the user may open.

    The form shows the person's name and date of birth, and the record it adds may copy their
    identifiers, so it is a read of the person as much as a write. Someone the user may not
    open is added as a new child (identity linkage joins them up) or opened by break-glass.
    """
    seen = view_scope(principal, role, facts)
    if seen.allowed:
        return allow(
            f"may record about this person: {seen.reason}", seen.scope, via_break_glass=seen.via_break_glass
        )
    return deny(f"{seen.reason}; add them as a new child, or use break-glass")


def view_scope(principal: Principal, role: Role, facts: PersonFacts) -> Decision:
    """How much of this person's record the principal may read (practitioners and managers)."""
    if role is Role.MASH_ANALYST:
        return allow("MASH analysts see everything needed for triage")
    if principal.team and principal.team in facts.routed_teams:
        return allow(f"an alert for this person is routed to team {principal.team}")
    if principal.agency and principal.agency in facts.agencies:
        if facts.break_glass:
            return allow("break-glass access (own agency plus all others)", via_break_glass=True)
        return allow(f"{principal.agency} holds records about this person", Scope.OWN_AGENCY)
    if facts.break_glass:
        return allow("break-glass access", via_break_glass=True)
    return deny("this person is outside your agency and no alert for them is routed to your team")


def _review(role: Role, action: Action, facts: PersonFacts, principal: Principal) -> Decision:
    if role is Role.REVIEWER:
        if facts.review_grant:
            return allow("review grant for this person")
        if facts.closed:
            return allow("reviewers read closed cases")
        return deny("reviewers read closed cases only, or cases granted for a named review")
    if action is Action.EXPORT_REVIEW:
        return deny("only reviewers export reviews")
    seen = view_scope(principal, role, facts)
    if seen.allowed and seen.scope is not Scope.FULL:
        # The review is "who knew what": it joins every agency's records, so it has no
        # own-agency version. Routing or break-glass opens it; holding records does not.
        return deny("the review joins every agency's records, and you see only your own agency's here")
    return seen
