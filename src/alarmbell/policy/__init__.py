"""The early-warning policy: indicators as YAML data, a pure engine, plain-English explanations.

Imports only alarmbell.domain, PyYAML and the standard library, so it runs anywhere the
domain objects do (services, replay, batch jobs, tests) without a database.
"""

from __future__ import annotations

from alarmbell.policy.engine import (
    Evaluator,
    alert_timeline,
    alerts_and_updates,
    decayed_weight,
    evaluate,
    evidence_updates,
    is_child_at,
)
from alarmbell.policy.explain import explain
from alarmbell.policy.loader import default_policy, default_policy_path, load_policy, parse_policy, policy_for
from alarmbell.policy.model import Indicator, Policy, PolicyError
from alarmbell.policy.reach import Reach, Shape, reach_of, shapes_of

__all__ = [
    "Evaluator",
    "Indicator",
    "Policy",
    "PolicyError",
    "Reach",
    "Shape",
    "alert_timeline",
    "alerts_and_updates",
    "decayed_weight",
    "default_policy",
    "default_policy_path",
    "evaluate",
    "evidence_updates",
    "explain",
    "is_child_at",
    "load_policy",
    "parse_policy",
    "policy_for",
    "reach_of",
    "shapes_of",
]
