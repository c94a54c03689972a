"""Who may see what: users, sessions, API tokens, grants, and the pure policy (access.policy)."""

from __future__ import annotations
