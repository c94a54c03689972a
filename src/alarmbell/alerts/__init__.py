"""Alerts: running the early-warning policy over people in the store and keeping what it said."""

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
from alarmbell.alerts.spark_rescore import local_session, rescore_on_spark

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
