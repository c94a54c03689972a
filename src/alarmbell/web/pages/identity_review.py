"""Page data for the identity review queue: the list, and one pair side by side."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from alarmbell.identity.review import ReviewItem, get_item, list_items, pending_count
from alarmbell.presentation.formatting import agency_label
from alarmbell.storage.tables import PersonRecordRow
from alarmbell.web.pages.identity_weights_svg import Bar, render_weights_svg

FIELDS: tuple[tuple[str, str], ...] = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("dob", "Date of birth"),
    ("sex", "Sex"),
    ("postcode", "Postcode"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("role_hint", "Child or adult"),
)


@dataclass(frozen=True, slots=True)
class RecordSide:
    agency: str
    source_id: str
    person_id: int | None
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    probability: str
    status: str
    note: str
    left: RecordSide
    right: RecordSide


@dataclass(frozen=True, slots=True)
class ReviewListPage:
    rows: tuple[ReviewRow, ...]
    pending: int
    status: str
    done: str


@dataclass(frozen=True, slots=True)
class ReviewItemPage:
    row: ReviewRow
    fields: tuple[tuple[str, str, str], ...]  # (label, left value, right value)
    contributions: tuple[tuple[str, str, str], ...]  # (field, level, weight)
    match_weight: str
    model_version: str
    decided: str
    chart_svg: str


def _side(record: PersonRecordRow, person: int | None) -> RecordSide:
    values = tuple(str(getattr(record, name) or "") for name, _ in FIELDS)
    return RecordSide(agency_label(record.agency), record.source_id, person, values)


def _row(item: ReviewItem) -> ReviewRow:
    r = item.review
    return ReviewRow(
        id=r.id,
        probability=f"{r.probability:.3f}",
        status=r.status,
        note=r.note or "",
        left=_side(item.left, item.left_person),
        right=_side(item.right, item.right_person),
    )


def build_review_list(session: Session, *, status: str = "pending", done: str = "") -> ReviewListPage:
    chosen = status if status in ("pending", "accepted", "rejected", "closed") else "pending"
    items = list_items(session, status=chosen, limit=200)
    return ReviewListPage(tuple(_row(i) for i in items), pending_count(session), chosen, done)


def build_review_item(session: Session, review_id: int) -> ReviewItemPage:
    item = get_item(session, review_id)
    row = _row(item)
    fields = tuple((label, row.left.values[i], row.right.values[i]) for i, (_, label) in enumerate(FIELDS))
    parts = item.review.contributions
    bars = [Bar(p["field"], p["level"], float(p["weight"])) for p in parts]
    r = item.review
    decided = (
        f"{r.status} by {r.decided_by} on {r.decided_at:%d %B %Y}: {r.reason}"
        if r.decided_at and r.decided_by
        else ""
    )
    return ReviewItemPage(
        row=row,
        fields=fields,
        contributions=tuple((p["field"], p["level"], f"{p['weight']:+.2f}") for p in parts),
        match_weight=f"{r.match_weight:+.1f}",
        model_version=r.model_version,
        decided=decided,
        chart_svg=render_weights_svg(bars, total=r.match_weight, probability=r.probability),
    )
