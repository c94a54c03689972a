"""Alerts: running the early-warning policy over people in the store and keeping what it said.

Rescoring on Spark (and the batch rescoring it shares, with its process pool) is imported when
first used (PEP 562): a review report or a person page only reads the alerts kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alarmbell.alerts.overrides import (
    Override,
    OverrideError,
    all_overrides,
    countersign,
    override_alert,
    overrides_for_person,
)
from alarmbell.alerts.pending import refresh_due_alerts
from alarmbell.alerts.service import AlertedPerson, alerted_people, alerts_for, evidence_keys
from alarmbell.domain.lazy import lazy_facade

if TYPE_CHECKING:
    from alarmbell.alerts.spark_rescore import local_session, rescore_on_spark

# Names imported on first use, by the module that holds them.
# Type checkers read the imports above instead, and so report a name that is not among them.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_facade(__name__, {".spark_rescore": ("local_session", "rescore_on_spark")})

__all__ = [
    "AlertedPerson",
    "Override",
    "OverrideError",
    "alerted_people",
    "alerts_for",
    "all_overrides",
    "countersign",
    "evidence_keys",
    "local_session",
    "override_alert",
    "overrides_for_person",
    "refresh_due_alerts",
    "rescore_on_spark",
]
