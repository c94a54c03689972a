"""Alerts: running the early-warning policy over people in the store and keeping what it said.

Rescoring on Spark (and the batch rescoring it shares, with its process pool) is imported when
first used (PEP 562): a review report or a person page only reads the alerts kept.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from alarmbell.alerts.spark_rescore import local_session, rescore_on_spark

#: Names imported on first use, and the module that holds each.
_LAZY: dict[str, str] = dict.fromkeys(("local_session", "rescore_on_spark"), "alarmbell.alerts.spark_rescore")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
