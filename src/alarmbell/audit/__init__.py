"""The tamper-evident audit log: `record_audit` in the caller's transaction, `verify_audit`, `who_viewed`.

Other services call `record_audit(session, actor=..., action=..., subject=..., detail=...)` in
the same session as the change they record (identity decisions, triage decisions, exports).
"""

from __future__ import annotations

from alarmbell.audit.chain import GENESIS, ChainProblem, ChainReport, canonical, entry_hash
from alarmbell.audit.service import (
    Actor,
    Audited,
    Subject,
    Viewing,
    audit_each,
    entries_by,
    entries_for,
    record_audit,
    verify_audit,
    who_viewed,
)

__all__ = [
    "GENESIS",
    "Actor",
    "Audited",
    "ChainProblem",
    "ChainReport",
    "Subject",
    "Viewing",
    "audit_each",
    "canonical",
    "entries_by",
    "entries_for",
    "entry_hash",
    "record_audit",
    "verify_audit",
    "who_viewed",
]
