"""The service navigation and each role's start page, derived from the access policy.

A link is drawn only when the policy allows its action to the signed-in user, so navigation
cannot offer a page that answers 403: the menu and the guard read the same rule (`decide`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from alarmbell.access import Action, Principal, Role, decide


@dataclass(frozen=True, slots=True)
class NavLink:
    href: str
    label: str
    action: Action
    #: Needs the user to belong to an agency (a page about "your agency").
    needs_agency: bool = False
    #: Shown only to these roles (others may open it, but it is not their daily page).
    roles: frozenset[Role] | None = None


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    active: bool


#: In menu order. Each link's action is the one its route declares.
NAV_LINKS: Final[tuple[NavLink, ...]] = (
    NavLink("/mine", "Your agency", Action.LIST_ALERTS, needs_agency=True),
    NavLink("/triage", "Work queue", Action.VIEW_TRIAGE),
    NavLink("/triage/analytics", "Workload", Action.VIEW_TRIAGE),
    NavLink("/alerts", "People with alerts", Action.LIST_ALERTS),
    NavLink("/people", "Find a person", Action.SEARCH_PEOPLE),
    NavLink("/triage/reported", "What you reported", Action.VIEW_REPORTED),
    NavLink("/identity/review", "Identity review", Action.VIEW_IDENTITY_REVIEW),
    NavLink("/reviews", "Reviews", Action.LIST_REVIEWS),
    NavLink("/triage/unanswered", "Unanswered alarms", Action.VIEW_UNANSWERED),
    NavLink("/access/break-glass", "Break-glass", Action.VIEW_BREAK_GLASS_LOG),
    NavLink("/admin/users", "Users", Action.MANAGE_USERS),
    NavLink("/admin/audit", "Audit log", Action.VIEW_AUDIT),
)

#: Where each role starts: a page it can use, never a refusal.
LANDING: Final[dict[Role, str]] = {
    Role.PRACTITIONER: "/mine",
    Role.MASH_ANALYST: "/triage",
    Role.TEAM_MANAGER: "/triage/analytics",
    Role.REVIEWER: "/reviews",
    Role.ADMIN: "/admin/users",
}


def may_follow(principal: Principal | None, link: NavLink) -> bool:
    if link.needs_agency and (principal is None or not principal.agency):
        return False
    if link.roles is not None and (principal is None or principal.role not in link.roles):
        return False
    return decide(principal, link.action).allowed


def nav_items(principal: Principal | None, path: str) -> tuple[NavItem, ...]:
    """The links this user may follow; the one whose address best matches `path` is active."""
    links = [link for link in NAV_LINKS if principal is not None and may_follow(principal, link)]
    matching = [link for link in links if path == link.href or path.startswith(link.href + "/")]
    if path.startswith("/people/") and not matching:
        matching = [link for link in links if link.href == "/people"]
    best = max(matching, key=lambda link: len(link.href), default=None)
    return tuple(NavItem(link.href, link.label, link is best) for link in links)


def landing_page(principal: Principal | None) -> str:
    """The start page for this user: their role's, or the first page they may open at all."""
    if principal is None or principal.role is None:
        return "/login"
    start = LANDING.get(principal.role)
    candidates = [link for link in NAV_LINKS if link.href == start] + list(NAV_LINKS)
    for link in candidates:
        if may_follow(principal, link):
            return link.href
    return "/people"


def may_record_concern(principal: Principal | None) -> bool:
    """Whether "Record a concern" belongs on every page for this user."""
    return (
        principal is not None
        and principal.kind == "user"
        and decide(principal, Action.RECORD_CONCERN).allowed
    )
