"""What every format adapter shares: a unit of input becomes exchange-format records, validated once.

A unit is what the agency thinks of as one thing: a CSV row, a FHIR bundle entry, a census child.
Each unit's records go through the same `validate` as a JSON Lines file, so errors, quarantine
and idempotency are identical whatever the format. A unit is all or nothing: a unit whose
records do not all validate is rejected whole (and quarantined with its raw text), so a
half-converted row never reaches the store, while every other unit is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from alarmbell.ingest.base import FieldError, ParsedLine, RejectedLine, RowErrors, ValidRecord, Warning_
from alarmbell.ingest.validate import validate

Record = dict[str, Any]
Describe = Callable[[Record, FieldError], tuple[str, str]]


def expected_tail(error: FieldError) -> str:
    """The problem with its expectation, as RejectedLine.problem carries it."""
    return error.problem + (f" (expected {error.expected})" if error.expected else "")


def describe_record(record: Record, error: FieldError) -> tuple[str, str]:
    """Default wording when a converted record fails validation: name the record it came from."""
    what = f"{record.get('type', 'record')} {record.get('source_id', '?')}"
    return error.field, f"{expected_tail(error)} [in the {what} made from this input]"


@dataclass
class RecordSink:
    """Validates units of records; skips exact repeats so a person named on many rows is sent once.

    A repeat with different content is kept: the store makes it a new version, as it would
    for a JSON Lines file that sent the record twice.
    """

    agency_override: str | None
    _seen: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def unit(
        self,
        records: Iterable[tuple[int, Record]],
        *,
        line_no: int,
        raw: bytes,
        describe: Describe = describe_record,
    ) -> list[ParsedLine]:
        """Validate every (line_no, record) of one unit; all are kept, or the unit is rejected."""
        warnings: list[Warning_] = []
        valid: list[ValidRecord] = []
        for record_line, record in records:
            try:
                valid.append(
                    validate(
                        record, line_no=record_line, agency_override=self.agency_override, warnings=warnings
                    )
                )
            except FieldError as error:
                where, problem = describe(record, error)
                return [RejectedLine(line_no, where, problem, raw=raw)]
        return [*warnings, *self._fresh(valid)]

    def _fresh(self, valid: list[ValidRecord]) -> list[ParsedLine]:
        fresh: list[ParsedLine] = []
        for item in valid:
            key = (item.record_type, item.agency, item.source_id)
            if self._seen.get(key) == item.content_hash:
                continue
            self._seen[key] = item.content_hash
            fresh.append(item)
        return fresh


def rejected(line_no: int, error: FieldError, raw: bytes) -> RejectedLine:
    """The row rejected with its problem, or with every problem when it had several (RowErrors)."""
    further = error.errors[1:] if isinstance(error, RowErrors) else []
    also = tuple((e.field, expected_tail(e)) for e in further)
    return RejectedLine(line_no, error.field, expected_tail(error), raw=raw, also=also)
