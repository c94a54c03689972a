"""Who may see what: users, sessions, API tokens, grants, and the pure policy (access.policy)."""

from __future__ import annotations

from alarmbell.access.decisions import person_decision, person_decisions
from alarmbell.access.facts import facts_for_people
from alarmbell.access.grants import (
    GrantError,
    break_glass_uses,
    checked_reason,
    grant_break_glass,
    grant_review,
    review_grants_of,
)
from alarmbell.access.policy import (
    ROLE_LABELS,
    Action,
    AgencyResource,
    Decision,
    PersonFacts,
    Principal,
    Resource,
    Role,
    Scope,
    TeamResource,
    decide,
)
from alarmbell.access.ratelimit import RateLimiter
from alarmbell.access.search_scope import findable, findable_people
from alarmbell.access.sessions import (
    end_session,
    end_user_sessions,
    load_session,
    renew_session,
    start_session,
)
from alarmbell.access.tokens import any_tokens, create_token, list_tokens, revoke_token, token_principal
from alarmbell.access.users import (
    UserError,
    authenticate,
    create_user,
    find_user,
    list_users,
    principal_for,
    set_active,
)

__all__ = [
    "ROLE_LABELS",
    "Action",
    "AgencyResource",
    "Decision",
    "GrantError",
    "PersonFacts",
    "Principal",
    "RateLimiter",
    "Resource",
    "Role",
    "Scope",
    "TeamResource",
    "UserError",
    "any_tokens",
    "authenticate",
    "break_glass_uses",
    "checked_reason",
    "create_token",
    "create_user",
    "decide",
    "end_session",
    "end_user_sessions",
    "facts_for_people",
    "find_user",
    "findable",
    "findable_people",
    "grant_break_glass",
    "grant_review",
    "list_tokens",
    "list_users",
    "load_session",
    "person_decision",
    "person_decisions",
    "principal_for",
    "renew_session",
    "review_grants_of",
    "revoke_token",
    "set_active",
    "start_session",
    "token_principal",
]
