"""Who knew what, and from when: the knowledge rule of the review (docs/review.md states it).

1. An agency knows an event from the moment it recorded it (recorded_at).
2. An event that names other agencies in its sharing attrs (`from_agency`, `participants`,
   `shared_with`, `to_agency`, `referred_to`, `notified`, `action`), or whose kind has statutory
   members (a strategy discussion: police and social care), is known to those agencies too,
   from the same moment.
3. At a multi-agency event (referral, strategy discussion, joint investigation, section 47
   enquiry, conference, an assessment with a `from_agency`) the participants pool what any of
   them knew of the matter that prompted it: significant events that happened in the
   `MATTER_WINDOW` before it. Older history is not assumed to have been shared: the record
   would have to say so.

Only what was recorded by the report's moment exists (the architecture's time rule), so the
same code answers "who knew on 30 June 2011".
"""

from __future__ import annotations

from bisect import insort
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Final

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.records import RecordKey
from alarmbell.review.model import HeldElsewhere
from alarmbell.review.phrases import agency_name, category_phrase, day
from alarmbell.review.signals import (
    INJURY,
    POOLING_KINDS,
    VISIT,
    category,
    describe,
    kind_words,
    participants,
    severity,
)

#: How far back the matter behind a multi-agency event reaches (rule 3).
MATTER_WINDOW: Final = timedelta(days=90)

#: event key -> agency -> (first moment it knew, how it came to know)
Known = dict[RecordKey, dict[str, tuple[datetime, str]]]


@dataclass(frozen=True, slots=True)
class Significant:
    entry: ChronologyEntry
    category: str


def significant_events(entries: Sequence[ChronologyEntry]) -> list[Significant]:
    out = []
    for entry in entries:
        found = category(entry)
        if found is not None:
            out.append(Significant(entry, found))
    return out


def who_knew(entries: Sequence[ChronologyEntry], *, window: timedelta = MATTER_WINDOW) -> Known:
    """First knowledge of every significant event, by agency, under the three rules above.

    Events recorded at the same moment are all known before any of them is shared, so a strategy
    discussion recorded on the day of the injury it was about shares that injury.
    """
    wanted = {s.entry.key for s in significant_events(entries)}
    known: Known = defaultdict(dict)
    seen: list[tuple[datetime, RecordKey]] = []
    ordered = sorted(entries, key=lambda e: (e.recorded_at, e.occurred_at, e.agency, e.source_id))
    for _, group in groupby(ordered, key=lambda e: e.recorded_at):
        moment = list(group)
        for entry in moment:
            if entry.key in wanted:
                _record(known, entry)
                insort(seen, (entry.occurred_at, entry.key))
        for entry in moment:
            parties = participants(entry)
            if entry.kind in POOLING_KINDS and entry.is_own and len(parties) > 1:
                _pool(known, seen, entry, parties, window)
    return dict(known)


def _record(known: Known, entry: ChronologyEntry) -> None:
    """Rules 1 and 2: the recording agency, and the agencies the event itself names."""
    _learn(known, entry.key, entry.agency, entry.recorded_at, "recorded it")
    for agency in sorted(participants(entry) - {entry.agency}):
        _learn(known, entry.key, agency, entry.recorded_at, f"told ({_via(entry)})")


def _pool(
    known: Known,
    seen: list[tuple[datetime, RecordKey]],
    meeting: ChronologyEntry,
    parties: frozenset[str],
    window: timedelta,
) -> None:
    start = meeting.occurred_at - window
    how = f"shared at {_via(meeting)}"
    for occurred, key in reversed(seen):
        if occurred < start:
            break
        if occurred <= meeting.occurred_at and parties & known[key].keys():
            for agency in sorted(parties):
                _learn(known, key, agency, meeting.recorded_at, how)


def _learn(known: Known, key: RecordKey, agency: str, moment: datetime, how: str) -> None:
    current = known[key].get(agency)
    if current is None or moment < current[0]:
        known[key][agency] = (moment, how)


def _via(entry: ChronologyEntry) -> str:
    return f"{kind_words(entry.kind)}, {day(entry.recorded_at)}"


def knew_by(known: Known, key: RecordKey, agency: str, moment: datetime) -> bool:
    found = known.get(key, {}).get(agency)
    return found is not None and found[0] <= moment


def held_elsewhere(
    events: Sequence[Significant], known: Known, *, lacking: str, at: datetime, child: str
) -> tuple[HeldElsewhere, ...]:
    """What other agencies held at `at` that `lacking` had not received, grouped by holder and kind."""
    groups: dict[tuple[str, str], list[ChronologyEntry]] = defaultdict(list)
    for item in events:
        entry = item.entry
        if item.category == VISIT or entry.recorded_at > at or knew_by(known, entry.key, lacking, at):
            continue
        holder = _holder(known, entry, at)
        if holder is not None and holder != lacking:
            groups[(holder, item.category)].append(entry)
    ordered = sorted(groups.items(), key=lambda g: (-max(severity(e) for e in g[1]), g[0]))
    return tuple(_held(holder, lacking, at, cat, found, child) for (holder, cat), found in ordered)


def _holder(known: Known, entry: ChronologyEntry, at: datetime) -> str | None:
    """The recording agency if it knew by `at`, else whichever agency knew first."""
    knowers = {a: m for a, (m, _) in known.get(entry.key, {}).items() if m <= at}
    if entry.agency in knowers:
        return entry.agency
    return min(knowers, key=lambda a: (knowers[a], a)) if knowers else None


def _held(
    holder: str, lacking: str, at: datetime, cat: str, entries: list[ChronologyEntry], child: str
) -> HeldElsewhere:
    entries = sorted(entries, key=lambda e: (e.occurred_at, e.source_id))
    first, last = entries[0].occurred_at, entries[-1].occurred_at
    span = f"on {day(first)}" if first.date() == last.date() else f"from {day(first)} to {day(last)}"
    sentence = f"{agency_name(holder)} held {category_phrase(cat, len(entries), child)} {span}"
    if cat == INJURY:
        worst = max(entries, key=lambda e: (severity(e), e.occurred_at))
        sentence += (
            f" ({describe(worst)}, {day(worst.occurred_at)})" if len(entries) > 1 else f" ({describe(worst)})"
        )
    return HeldElsewhere(
        holder=holder,
        lacking=lacking,
        at=at,
        category=cat,
        count=len(entries),
        first=first,
        last=last,
        keys=tuple(e.key for e in entries),
        sentence=sentence + ".",
    )
