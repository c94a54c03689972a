"""What the early-warning policy says about a child: findings, assessments and raised alerts.

These are plain values so that storage, triage, the web pages and reviews can hold and show
them without importing the policy engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alarmbell.domain.records import RecordKey
from alarmbell.domain.vocabulary import AlertLevel


@dataclass(frozen=True, slots=True)
class Finding:
    """One indicator that fired, with the records that made it fire.

    `weight` is the weight now, after decay; `base_weight` is the policy's weight. `evidence`
    lists the (agency, source_id) keys a practitioner should open, oldest first.
    """

    indicator_id: str
    title: str
    weight: float
    evidence: tuple[RecordKey, ...]
    explanation: str
    base_weight: float
    last_seen: datetime
    min_level: AlertLevel | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The policy's view of one child at one moment, from what was recorded by then.

    Findings are ordered by weight (heaviest first), then indicator id, so that the same
    input always gives the same order.
    """

    person_id: int
    at: datetime
    level: AlertLevel
    score: float
    findings: tuple[Finding, ...]
    policy_version: str
    routes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """A rise in a child's level (green to amber, amber to red, green to red).

    `rules` are the contributing indicator ids, heaviest first; `evidence` the union of their
    record keys. `policy_version` ties the alert to the exact policy files that produced it.
    `findings` keeps, per indicator, its weight at the moment of the alert and the records
    that fed it, so a page or a review can say "this event fed this indicator".

    `new_evidence` is set on a re-notification: the child was already at this level (or
    higher) and new material evidence arrived; it names the indicators that newly apply or
    that a newly recorded event fed. It is empty on a rise.
    """

    person_id: int
    level: AlertLevel
    raised_at: datetime
    rules: tuple[str, ...]
    evidence: tuple[RecordKey, ...]
    explanation: str
    policy_version: str
    previous_level: AlertLevel = AlertLevel.GREEN
    score: float = 0.0
    routes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    new_evidence: tuple[str, ...] = ()

    @property
    def is_renotification(self) -> bool:
        return bool(self.new_evidence)


@dataclass(frozen=True, slots=True)
class EvidenceUpdate:
    """New evidence on a child whose work item is still open, added to that item, not raised.

    `indicators` are the ones the entries recorded at `at` fed (none of them newly applying,
    and the level did not rise: either would have raised an alert); `titles` their titles in
    the policy that evaluated them, in the same order (what the item's history shows, as the
    alert card shows its findings' titles); `evidence` those entries.
    """

    person_id: int
    at: datetime
    level: AlertLevel
    indicators: tuple[str, ...]
    evidence: tuple[RecordKey, ...]
    titles: tuple[str, ...] = ()


def finding_to_json(finding: Finding) -> dict[str, object]:
    """A finding as plain JSON (stored on the alert row and printed by replay)."""
    return {
        "indicator": finding.indicator_id,
        "title": finding.title,
        "weight": finding.weight,
        "base_weight": finding.base_weight,
        "evidence": [list(key) for key in finding.evidence],
        "explanation": finding.explanation,
        "last_seen": finding.last_seen.isoformat(),
    }
