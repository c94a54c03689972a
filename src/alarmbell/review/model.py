"""The review report as plain values: what the builder needs in, and what the renderers get out.

Inputs are gathered from the store by `review.service`; everything else is computed by the
pure `review.build` from them, so the whole report can be built and tested without a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from alarmbell.domain.chronology import Chronology
from alarmbell.domain.records import RecordKey

# -- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """A person related to the child by a recorded relationship (any agency).

    `relation` is what this person is to the child (`mother`, `sibling`, `mother_partner`...);
    `last_recorded` is the latest recorded_at of an event naming this person (None if none).
    """

    person_id: int
    name: str
    relation: str
    role: str
    dob: date | None
    sex: str | None
    postcodes: tuple[str, ...]
    recorded_by: tuple[str, ...]
    last_recorded: datetime | None = None


@dataclass(frozen=True, slots=True)
class AlertResponse:
    """What a practitioner did with an alert: from triage (acknowledgement) or an override."""

    source: str
    by: str | None
    at: datetime | None
    decision: str | None
    rationale: str | None


@dataclass(frozen=True, slots=True)
class StoredAlert:
    alert_id: int
    level: str
    raised_at: datetime
    rules: tuple[str, ...]
    explanation: str
    policy_version: str
    evidence: tuple[RecordKey, ...]
    responses: tuple[AlertResponse, ...] = ()
    #: When alarmbell raised it (the alert row's created_at): its records' arrival, which starts
    #: the decision clock when they came too late for a clock from `raised_at` (None: in time).
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewInputs:
    """Everything the report is built from, already limited to what was recorded by `as_of`.

    `as_of` None means "everything recorded"; `record_people` maps the source person records of
    the child and the family to person ids, so attrs such as `perpetrator` can be named.
    """

    chronology: Chronology
    child_sex: str | None
    child_postcodes: tuple[str, ...]
    family: tuple[FamilyMember, ...]
    record_people: Mapping[RecordKey, int]
    alerts: tuple[StoredAlert, ...]
    as_of: datetime | None
    generated_at: datetime
    #: Working days to a decision on an alert, per level: the deployment's triage setting
    #: (`ALARMBELL_TRIAGE_ALERT_WORKING_DAYS`), so the report and the queue give one alert one
    #: deadline.
    alert_working_days: Mapping[str, float]


# -- outputs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Knowledge:
    """When one agency first knew of one event, and how: recorded it, or had it shared."""

    agency: str
    since: datetime | None
    how: str


@dataclass(frozen=True, slots=True)
class KnowledgeRow:
    key: RecordKey
    occurred_at: datetime
    recorded_at: datetime
    agency: str
    kind: str
    category: str
    about: str
    summary: str
    known: tuple[Knowledge, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeMatrix:
    agencies: tuple[str, ...]
    rows: tuple[KnowledgeRow, ...]


@dataclass(frozen=True, slots=True)
class Timer:
    """One statutory timescale: from `start` to the step that should follow within `target`."""

    step: str
    target: str
    start_key: RecordKey
    started_at: datetime
    due: date
    done_key: RecordKey | None
    done_at: datetime | None
    working_days: int | None
    status: str
    sentence: str


@dataclass(frozen=True, slots=True)
class HeldElsewhere:
    """Information one agency (`holder`) held at `at` that another (`lacking`) had not received."""

    holder: str
    lacking: str
    at: datetime
    category: str
    count: int
    first: datetime
    last: datetime
    keys: tuple[RecordKey, ...]
    sentence: str


@dataclass(frozen=True, slots=True)
class PolicyView:
    """The early-warning policy's assessment at one moment, from what was recorded by then."""

    at: datetime
    level: str
    score: float
    findings: tuple[tuple[str, str], ...]
    routes: tuple[str, ...]
    policy_version: str


@dataclass(frozen=True, slots=True)
class MissedOpportunity:
    anchor: str
    rules: tuple[str, ...]
    title: str
    start: datetime
    end: datetime
    agencies: tuple[str, ...]
    happened: tuple[str, ...]
    missing: tuple[str, ...]
    known_elsewhere: tuple[HeldElsewhere, ...]
    policy: PolicyView | None
    evidence: tuple[RecordKey, ...]


@dataclass(frozen=True, slots=True)
class AlertAccount:
    """An alert alarmbell raised, and what was recorded as done with it."""

    alert: StoredAlert
    rule_titles: tuple[str, ...]
    response: str
    next_action: str
    #: When a decision on it was due, as the triage queue counts it (missed.decision_clock).
    clock: str = ""


@dataclass(frozen=True, slots=True)
class FamilyView:
    member: FamilyMember
    in_household: bool
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewReport:
    person_id: int
    name: str
    dob: date | None
    sex: str | None
    as_of: datetime | None
    generated_at: datetime
    chronology: Chronology
    family: tuple[FamilyView, ...]
    policy_now: PolicyView | None
    alerts: tuple[AlertAccount, ...]
    timers: tuple[Timer, ...]
    matrix: KnowledgeMatrix
    missed: tuple[MissedOpportunity, ...]
    rule_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name
