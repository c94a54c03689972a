"""SQLAlchemy 2 tables of the case store.

Source records (what agencies sent) are kept apart from alarmbell's derived identity
(people and links) so that linkage can always be redone or undone without touching evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("alarmbell stores only timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class IngestBatch(Base):
    """One run of ingest over one file (or one API call)."""

    __tablename__ = "ingest_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1000))
    agency_override: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)


class QuarantinedLine(Base):
    """A line that failed validation, kept byte for byte with the reason."""

    __tablename__ = "quarantined_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.id"), index=True)
    source: Mapped[str] = mapped_column(String(1000))
    line_no: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class PersonRecordRow(Base):
    """Current version of an agency's person record."""

    __tablename__ = "person_record"
    __table_args__ = (UniqueConstraint("agency", "source_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(32))
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    dob: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(12), index=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    role_hint: Mapped[str | None] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    line_no: Mapped[int | None] = mapped_column(Integer)


class RelationshipRecordRow(Base):
    """Current version of an agency's relationship record: `from` is `kind` of `to`.

    Indexed both ways, because chronologies and households look people up from either end.
    """

    __tablename__ = "relationship_record"
    __table_args__ = (
        UniqueConstraint("agency", "source_id"),
        Index("ix_relationship_record_from", "agency", "from_source_id"),
        Index("ix_relationship_record_to", "agency", "to_source_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(32))
    from_source_id: Mapped[str] = mapped_column(String(200))
    to_source_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    line_no: Mapped[int | None] = mapped_column(Integer)


class EventRecordRow(Base):
    """Current version of an agency's event; `held` while it names a person not yet sent.

    Deliberately lightly indexed (only its natural key): bulk ingest speed is bounded by the
    number of B-trees written per event.
    """

    __tablename__ = "event_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    held: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    line_no: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("agency", "source_id"),
        # Partial: costs nothing for the (normal) events that are not held.
        Index("ix_event_record_held", "held", sqlite_where=text("held"), postgresql_where=text("held")),
    )


class EventParty(Base):
    """Who an event is about, by the agency's own person source_id (the index chronologies use).

    Clustered on (agency, person_source_id, event_source_id): one B-tree, no separate index,
    because bulk ingest writes one to three of these rows for every event.
    """

    __tablename__ = "event_party"
    agency: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_source_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_source_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    involvement: Mapped[str] = mapped_column(String(10))
    __table_args__ = {"sqlite_with_rowid": False}


class RecordHistory(Base):
    """Superseded versions of any source record: nothing an agency sent is ever lost."""

    __tablename__ = "record_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(Integer)
    superseded_at: Mapped[datetime]
    __table_args__ = (Index("ix_record_history_key", "record_type", "agency", "source_id"),)


class PersonFeedRecord(Base):
    """One feed's current copy of a person record that several feeds of an agency send.

    A trust and a GP practice both send `nhs:<number>`; a school's concerns log and its
    attendance extract both send `upn:<UPN>`, each with different attributes. Each feed's copy
    is kept here as it was sent, and person_record holds their attribute-wise merge, so that
    loading the feeds alternately never makes a new version (ingest/feeds.py).
    """

    __tablename__ = "person_feed_record"
    __table_args__ = (UniqueConstraint("agency", "source_id", "feed"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))
    feed: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    batch_id: Mapped[int | None] = mapped_column(Integer)


class Person(Base):
    """alarmbell's person: the identity that source records link to. Ids are never reused."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime]
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    __table_args__ = (
        # Partial: what was merged into whom is read whenever a child's alerts, decisions and
        # work are gathered (identity.survivors); without it each read scanned every person.
        Index(
            "ix_person_merged_into",
            "merged_into",
            sqlite_where=text("merged_into IS NOT NULL"),
            postgresql_where=text("merged_into IS NOT NULL"),
        ),
    )


class PersonLink(Base):
    """Maps a source person record to a person, with provenance. Ended links keep history.

    At most one active (not ended) link per record: the partial unique index (0008) makes a
    second one impossible, whatever a racing writer does.
    """

    __tablename__ = "person_link"
    __table_args__ = (
        Index(
            "uq_person_link_active_record",
            "person_record_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_record_id: Mapped[int] = mapped_column(ForeignKey("person_record.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[str | None] = mapped_column(Text)
    probability: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(Text)


class EvaluationDue(Base):
    """A person record whose evidence changed since it was last evaluated (see evaluation_due.py).

    Append-only until the alert refresh deletes the rows it took: never deduplicated by key,
    so a change committed while a refresh runs keeps its own row and is evaluated next time.
    """

    __tablename__ = "evaluation_due"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[str] = mapped_column(String(200))


class AlertRow(Base):
    """An alert raised by the early-warning policy, with the evidence and rules behind it."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    raised_at: Mapped[datetime]
    rules: Mapped[list[Any]] = mapped_column(JSON)
    evidence: Mapped[list[Any]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    #: Per finding: indicator, title, weight then, base weight, evidence keys, sentence (0003).
    findings: Mapped[list[Any] | None] = mapped_column(JSON)


class AlertOverride(Base):
    """A practitioner's decision that an alert does not call for action, with the reason.

    Append-only: kept with the alert's level and policy version so a later review of the
    policy can ask which indicators practitioners overrode, and why. An override covers one
    alert; a later, higher alert for the same child is raised and shown as usual.
    """

    __tablename__ = "alert_override"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("alert.id"), index=True
    )
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(String(10))
    policy_version: Mapped[str] = mapped_column(String(64))
    rules: Mapped[list[Any]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    #: A red alert's override counts only once a team manager has countersigned it (0014).
    countersigned_by: Mapped[str | None] = mapped_column(String(200))
    countersigned_at: Mapped[datetime | None]


class IdentityReview(Base):
    """A pair of source person records in the uncertain band, waiting for (or given) a human decision.

    `contributions` snapshots each field's part of the match weight as the model saw it, so the
    review page shows what the reviewer decided on even after the model is retrained.
    """

    __tablename__ = "identity_review"
    __table_args__ = (UniqueConstraint("record_a_id", "record_b_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("person_record.id"))
    record_b_id: Mapped[int] = mapped_column(ForeignKey("person_record.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(100))
    contributions: Mapped[list[Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)


class IdentityDecision(Base):
    """Audit of every human identity decision (accept, reject, merge, unmerge) and model training.

    Append-only. The latest accept or reject of a record pair binds every later linking run:
    a rejected pair never links again and an accepted pair always does.
    """

    __tablename__ = "identity_decision"
    __table_args__ = (Index("ix_identity_decision_pair", "record_a_id", "record_b_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_a_id: Mapped[int | None] = mapped_column(ForeignKey("person_record.id"))
    record_b_id: Mapped[int | None] = mapped_column(ForeignKey("person_record.id"))
    person_a: Mapped[int | None] = mapped_column(Integer)
    person_b: Mapped[int | None] = mapped_column(Integer)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("identity_review.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class IdentityModelRow(Base):
    """A linkage model trained on this deployment's records; the newest active one links."""

    __tablename__ = "identity_model"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class TriageItem(Base):
    """One piece of work in the triage queue: an alert, a referral, a police investigation or a task.

    `source_key` makes building items from the store idempotent (one item per alert, event or
    statutory step). The harm and its source are stored with the item, so the queue can be read
    and explained without recomputing them; status changes are audited in triage_event.
    """

    __tablename__ = "triage_item"
    __table_args__ = (
        UniqueConstraint("source_key"),
        Index("ix_triage_item_team_status", "team", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_key: Mapped[str] = mapped_column(String(250))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    team: Mapped[str] = mapped_column(String(120))
    owner: Mapped[str | None] = mapped_column(String(200))
    referrer: Mapped[str | None] = mapped_column(String(200), index=True)
    offence: Mapped[str | None] = mapped_column(String(200))
    alert_level: Mapped[str | None] = mapped_column(String(10))
    timescale: Mapped[str] = mapped_column(String(40))
    opened_at: Mapped[datetime]
    due_at: Mapped[datetime]
    harm_days: Mapped[float] = mapped_column(Float)
    harm_basis: Mapped[str] = mapped_column(String(40))
    harm_source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(40))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class TriageEvent(Base):
    """Append-only audit of every triage step (created, acknowledged, decided, escalated, time logged),
    written in the same transaction as the change it records."""

    __tablename__ = "triage_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("triage_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class TriageWorkLog(Base):
    """Hours a person spent on an item: the material for seeing what work displaced what."""

    __tablename__ = "triage_work_log"
    __table_args__ = (Index("ix_triage_work_log_team_worked", "team", "worked_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("triage_item.id"), index=True)
    person: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(120))
    hours: Mapped[float] = mapped_column(Float)
    worked_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class AppUser(Base):
    """A person who signs in: one role, an agency and a team (docs/security.md, "Roles and scopes").

    Local accounts carry an argon2 hash; OIDC accounts are matched by `oidc_subject` (the
    identity provider vouches for who they are, alarmbell alone decides what they may see).
    """

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str | None] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    oidc_subject: Mapped[str | None] = mapped_column(String(300), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored, never the value."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    method: Mapped[str] = mapped_column(String(10))


class ApiToken(Base):
    """An agency system's credential for POST /api/v1/records: one agency, stored hashed."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    agency: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class BreakGlassGrant(Base):
    """Emergency access to one person outside the user's scope: reason stated, time-limited,
    listed for managers on /access/break-glass."""

    __tablename__ = "break_glass_grant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(200))


class ReviewGrant(Base):
    """A reviewer's access to one person's records for a named review, even if the case is open."""

    __tablename__ = "review_grant"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    review: Mapped[str] = mapped_column(String(300))
    granted_by: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class AuditHead(Base):
    """The one row that serialises appends to the audit chain and remembers its tip.

    Every append first updates this row (a write lock on SQLite, a row lock on PostgreSQL), so
    two transactions can never chain onto the same entry. It also lets `audit verify` notice
    entries cut off the end of the log.
    """

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """One audited action. Append-only and hash-chained: see alarmbell.audit and docs/security.md."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_type", "subject_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(30))
    actor_agency: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
