"""Validation of exchange-format v1 objects (docs/exchange-format.md).

Events and relationships, most of a bulk file, are first checked by msgspec Structs compiled
once (fast_lines.py); only the lines those refuse, and every person, run the hand-written rules
below, which word the problem precisely (every bad field of a person, and every bad attr of an
event). The JSON Schema in docs is generated from the same rules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson

from alarmbell.domain.identifiers import nhs_number_is_valid, upn_check_problem
from alarmbell.domain.injuries import completed_injury_attrs
from alarmbell.domain.offences import completed_violence_attrs
from alarmbell.domain.plausible import DOB_EXPECTED, dob_problem, event_date_problem, event_range_text
from alarmbell.domain.timeparse import BeyondCalendar, dob_to_date, is_partial_dob, parse_moment
from alarmbell.domain.vocabulary import (
    AGENCIES,
    EVENT_KINDS,
    RECORD_TYPES,
    RELATIONSHIP_KINDS,
    ROLE_HINTS,
    SEXES,
)
from alarmbell.domain.wording import DATE_PRECISIONS
from alarmbell.ingest.attrs import check_attrs, loose_flag_words, queries_nai, read_coded_attrs
from alarmbell.ingest.base import FieldError, Problems, ValidRecord, Warning_
from alarmbell.ingest.code_values import read_code
from alarmbell.ingest.csv_row import sex_in_words
from alarmbell.ingest.day_first_dates import read_day_first
from alarmbell.ingest.fast_lines import EventLine, fast_line
from alarmbell.ingest.note_injuries import injuries_from_note, reads_note
from alarmbell.ingest.note_opinions import opinion_from_note, reads_opinion
from alarmbell.ingest.strict_json import MAX_DEPTH, nesting_problem, nul_problem

_AGENCY_SET = frozenset(AGENCIES)
_KIND_SET = frozenset(EVENT_KINDS)
_REL_SET = frozenset(RELATIONSHIP_KINDS)
_KINDS = tuple(EVENT_KINDS)
_NHS = re.compile(r"^\d{10}$")
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")
MAX_ID = 200
#: How every format treats a UPN that fails its check letter (docs/formats/*: "UPN check letters").
UPN_KEPT = (
    "kept on the record, but never matched on or used as its key "
    "(expected a UPN whose first letter is the modulus-23 check letter of the rest)"
)
_JUST_STR = {str}


def canonical_json(obj: dict[str, Any]) -> bytes:
    """The record as stored and hashed: sorted keys, so key order never makes a new version."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def content_hash(obj: dict[str, Any]) -> str:
    return hashlib.blake2b(canonical_json(obj), digest_size=16).hexdigest()


def _listing(values: tuple[str, ...] | frozenset[str]) -> str:
    return "one of " + ", ".join(sorted(values))


def _string(obj: dict[str, Any], name: str, *, required: bool, limit: int = 1000) -> str | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise FieldError(name, "missing", "a string")
        return None
    if not isinstance(value, str):
        raise FieldError(name, f"{type(value).__name__} {value!r}", "a string")
    if required and not value.strip():
        raise FieldError(name, "empty", "a non-empty string")
    if len(value) > limit:
        raise FieldError(name, f"{len(value)} characters", f"at most {limit}")
    return value


def _required(obj: dict[str, Any], name: str, limit: int) -> str:
    """_string(required=True), with the common valid case decided without a call."""
    value = obj.get(name)
    if type(value) is str and 0 < len(value) <= limit and not value[0].isspace():
        return value
    checked = _string(obj, name, required=True, limit=limit)
    assert checked is not None
    return checked


def _optional(obj: dict[str, Any], name: str, limit: int = 1000) -> str | None:
    """_string(required=False), with the common valid cases decided without a call."""
    value = obj.get(name)
    if value is None or (type(value) is str and len(value) <= limit):
        return value
    return _string(obj, name, required=False, limit=limit)


def _choice(
    obj: dict[str, Any],
    name: str,
    allowed: tuple[str, ...],
    line_no: int,
    warnings: list[Warning_],
    staff_word: Callable[[str, tuple[str, ...]], str | None] | None = None,
) -> str | None:
    """obj[name] as the vocabulary's value (any case and spacing, or a word staff write for it:
    code_values.py), or None."""
    value = obj.get(name)
    if value is None or (type(value) is str and value in allowed):  # the common case, without a call
        return value
    value = read_code(
        obj, name, allowed, field=name, line_no=line_no, warnings=warnings, staff_word=staff_word
    )
    if value not in allowed:
        raise FieldError(name, f"{value!r} is not allowed", _listing(allowed))
    return str(value)


def _id_list(obj: dict[str, Any], name: str, *, required: bool) -> list[str]:
    value = obj.get(name)
    if type(value) is list and value and "" not in value and set(map(type, value)) == _JUST_STR:
        return value  # the common case: a non-empty list of non-empty strings
    if value is None:
        if required:
            raise FieldError(name, "missing", "a list of person source_ids")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise FieldError(name, f"{value!r}", "a list of person source_ids (non-empty strings)")
    if required and not value:
        raise FieldError(name, "empty list", "at least one person source_id")
    return value


def normalise_postcode(raw: str) -> str:
    compact = raw.upper().replace(" ", "")
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else raw.strip().upper()


def validate(obj: Any, *, line_no: int, agency_override: str | None, warnings: list[Warning_]) -> ValidRecord:
    """Validate one decoded JSON value; raise FieldError on the first problem."""
    fast = _fast_validate(obj, line_no, agency_override)
    if fast is not None:
        return fast
    return validate_precisely(obj, line_no=line_no, agency_override=agency_override, warnings=warnings)


def validate_precisely(
    obj: Any, *, line_no: int, agency_override: str | None, warnings: list[Warning_]
) -> ValidRecord:
    """validate without the compiled fast path: every rule in Python, the first problem worded."""
    if not isinstance(obj, dict):
        raise FieldError("(line)", f"a JSON {type(obj).__name__}", "a JSON object")
    record_type = obj.get("type")
    if type(record_type) is not str or record_type not in RECORD_TYPES:  # `Event`: read, warned
        record_type = read_code(obj, "type", RECORD_TYPES, field="type", line_no=line_no, warnings=warnings)
    if type(record_type) is not str or record_type not in RECORD_TYPES:
        raise FieldError("type", f"{record_type!r}", _listing(RECORD_TYPES))
    agency = written = obj.get("agency")
    if type(agency) is not str or agency not in _AGENCY_SET:  # `Police`: read as police, warned
        agency = read_code(obj, "agency", AGENCIES, field="agency", line_no=line_no, warnings=warnings)
    if agency_override is not None:
        if agency is None:
            obj["agency"] = agency = agency_override
        elif agency != agency_override:  # compared as read: `Health` is health's record
            raise FieldError(
                "agency",
                f"{written!r} is not the agency this upload is for ({agency_override}: the --agency option, "
                "or the agency of the API token)",
                f"records of {agency_override} only",
            )
    if type(agency) is not str or agency not in _AGENCY_SET:
        raise FieldError("agency", f"{agency!r}" if agency else "missing", _listing(_AGENCY_SET))
    source_id = _required(obj, "source_id", MAX_ID)
    if record_type == "event":
        row, parties = _event_row(obj, line_no, warnings)
    elif record_type == "person":
        row, parties = _person_row(obj, line_no, warnings), ()
    else:
        row, parties = _relationship_row(obj, line_no, warnings), ()
    return _record(obj, record_type, agency, source_id, row, parties, line_no)


def _record(
    obj: dict[str, Any],
    record_type: str,
    agency: str,
    source_id: str,
    row: dict[str, Any],
    parties: tuple[tuple[str, str], ...],
    line_no: int,
) -> ValidRecord:
    canonical = _storable(obj)
    digest = hashlib.blake2b(canonical, digest_size=16).hexdigest()
    # The payload travels as JSON text: written as is, and cheap to pass between processes.
    row.update(
        agency=agency, source_id=source_id, content_hash=digest, payload=canonical.decode(), line_no=line_no
    )
    return ValidRecord(record_type, agency, source_id, digest, row, line_no, parties)


def _fast_validate(obj: Any, line_no: int, agency_override: str | None) -> ValidRecord | None:
    """The record, when the compiled checks (fast_lines.py) and the few rules left in Python
    accept it; None sends it to the precise validator below, which words the error. Inlined:
    at half a million lines a call per record is measurable."""
    line = fast_line(obj, agency_override)
    if line is None:
        return None
    try:
        if isinstance(line, EventLine):
            if line.occurred_at[0].isspace():
                return None
            if line.attrs:
                if (
                    "injuries" in line.attrs
                    or completed_violence_attrs(line.kind, line.attrs)
                    or queries_nai(line.attrs)
                    or loose_flag_words(line.attrs)
                ):
                    return None  # the precise path completes these attrs on the record itself
                check_attrs(line.kind, line.attrs)
            if line.text and (
                reads_note(line.kind, line.attrs, line.text)
                or reads_opinion(line.kind, line.attrs, line.text)
            ):
                return None  # the precise path fills the injury or the opinion from the note
            occurred = _when("occurred_at", line.occurred_at)
            recorded = _when("recorded_at", line.recorded_at) if line.recorded_at else occurred
            subjects, others = line.subjects, line.others
            parties = (
                ((subjects[0], "subject"),)
                if len(subjects) == 1 and not others
                else _parties(subjects, others or [])
            )
            row = {"kind": line.kind, "occurred_at": occurred, "recorded_at": recorded}
            return _record(obj, "event", line.agency, line.source_id, row, parties, line_no)
        if line.from_ == line.to or line.from_[0].isspace() or line.to[0].isspace():
            return None
        row = {"from_source_id": line.from_, "to_source_id": line.to, "kind": line.kind}
        return _record(obj, "relationship", line.agency, line.source_id, row, (), line_no)
    except FieldError:  # a date, an attr or a stored form the precise validator will word
        return None


def _storable(obj: dict[str, Any]) -> bytes:
    """The canonical JSON, once the record is known to be storable on both backends (the
    bracket count and NUL search decide almost every record without a walk)."""
    try:
        canonical = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)  # canonical_json, inlined
    except orjson.JSONEncodeError:
        raise nesting_problem(obj, None) or FieldError(
            "(line)", "cannot be written as JSON", "a JSON object of text, numbers, lists and objects"
        ) from None
    # A NUL is written as \u0000, so a record without a backslash has none (memchr-fast).
    if canonical.count(b"{") + canonical.count(b"[") > MAX_DEPTH or (
        b"\\" in canonical and b"\\u0000" in canonical
    ):
        problem = nesting_problem(obj, canonical) or nul_problem(obj, canonical)
        if problem is not None:
            raise problem
    return canonical


def _person_row(obj: dict[str, Any], line_no: int, warnings: list[Warning_]) -> dict[str, Any]:
    """The person's columns; every bad field is reported at once (RowErrors), as a line's attrs
    are: a sender used to fix the NHS number, send again, and only then hear of the date of birth."""
    problems = Problems()
    given = problems.read(_optional, obj, "given_name", 200)
    family = problems.read(_optional, obj, "family_name", 200)
    nhs = problems.read(_nhs_number, obj, line_no, warnings)
    upn = problems.read(_upn, obj, line_no, warnings)
    identified = nhs or upn or obj.get("names_withheld") is True
    bad_id = {"nhs_number", "upn"} & {error.field for error in problems.errors}  # it says enough
    if not ((given and family) or identified or bad_id):
        missing = "given_name" if not given else "family_name"
        problems.errors.append(
            FieldError(
                missing,
                "missing",
                "given_name and family_name, unless nhs_number or upn is given or names_withheld is true",
            )
        )
    other_names = obj.get("other_names")
    if other_names is not None and not (
        isinstance(other_names, list) and all(isinstance(n, str) for n in other_names)
    ):
        problems.errors.append(FieldError("other_names", f"{other_names!r}", "a list of strings"))
    dob = problems.read(_dob, obj, line_no, warnings)
    postcode = problems.read(_optional, obj, "postcode", 12)
    problems.read(_optional, obj, "address")
    problems.read(_optional, obj, "feed", 200)
    sex = problems.read(_choice, obj, "sex", SEXES, line_no, warnings, sex_in_words)  # `Female` as F, warned
    role_hint = problems.read(_choice, obj, "role_hint", ROLE_HINTS, line_no, warnings)
    problems.raise_any()
    return {
        "given_name": given,
        "family_name": family,
        "dob": dob,
        "sex": sex,
        "postcode": normalise_postcode(postcode) if postcode else None,
        "nhs_number": nhs,
        "upn": upn,
        "role_hint": role_hint,
    }


def _nhs_number(obj: dict[str, Any], line_no: int, warnings: list[Warning_]) -> str | None:
    """The NHS number without its spaces; one failing its check digit is kept, with a warning."""
    nhs = _optional(obj, "nhs_number", 20)
    if nhs is None:
        return None
    nhs = nhs.replace(" ", "")
    if not _NHS.match(nhs):
        raise FieldError("nhs_number", f"{obj['nhs_number']!r}", "10 digits")
    if not nhs_number_is_valid(nhs):
        warnings.append(
            Warning_(line_no, "nhs_number", f"{nhs} fails the check digit; kept but never matched on")
        )
    return nhs


def _upn(obj: dict[str, Any], line_no: int, warnings: list[Warning_]) -> str | None:
    """The UPN in capitals; one failing its check letter is kept, with a warning (UPN_KEPT)."""
    upn = _optional(obj, "upn", 20)
    if upn is None:
        return None
    upn = upn.strip().upper()
    if not _UPN.match(upn):
        raise FieldError("upn", f"{obj['upn']!r}", "13 characters: a letter, 11 digits, a digit or letter")
    if (problem := upn_check_problem(upn)) is not None:
        warnings.append(Warning_(line_no, "upn", f"{upn!r} {problem}; {UPN_KEPT}"))
    return upn


def _relationship_row(obj: dict[str, Any], line_no: int, warnings: list[Warning_]) -> dict[str, Any]:
    from_id = _required(obj, "from", MAX_ID)
    to_id = _required(obj, "to", MAX_ID)
    kind = obj.get("kind")
    if type(kind) is not str or kind not in _REL_SET:
        kind = read_code(obj, "kind", RELATIONSHIP_KINDS, field="kind", line_no=line_no, warnings=warnings)
    if type(kind) is not str or kind not in _REL_SET:
        raise FieldError("kind", f"{kind!r}" if kind else "missing", _listing(_REL_SET))
    if from_id == to_id:
        raise FieldError("to", "names the same person as from", "two different person source_ids")
    return {"from_source_id": from_id, "to_source_id": to_id, "kind": kind}


def _dob(obj: dict[str, Any], line_no: int, warnings: list[Warning_]) -> str | None:
    """The date of birth, read day first as CSV reads it (`03/04/2015`, warned) or as written."""
    read_day_first(obj, "dob", line_no=line_no, warnings=warnings, date_only=True)
    dob = _optional(obj, "dob", 10)
    if dob is not None:
        _check_dob(dob)
    return dob


@lru_cache(maxsize=65536)
def _check_dob(dob: str) -> None:
    """Cached like _when: a file names each child many times. Only valid ones are cached, and
    a date of birth that is valid today stays valid."""
    earliest = dob_to_date(dob) if is_partial_dob(dob) else None
    if earliest is None:
        raise FieldError("dob", f"{dob!r}", "YYYY-MM-DD, YYYY-MM or YYYY")
    problem = dob_problem(earliest)
    if problem is not None:
        raise FieldError("dob", f"{dob!r} is {problem}", DOB_EXPECTED)


@lru_cache(maxsize=65536)
def _when(name: str, text: str) -> datetime:
    """An event moment in UTC, within the plausible years (domain/plausible.py).

    Cached: bulk files repeat the same dates many thousands of times. Only accepted moments
    are cached, and the plausible range only widens as time passes, so none goes stale.
    """
    try:
        moment = parse_moment(text)
    except BeyondCalendar as error:
        raise FieldError(name, str(error), event_range_text()) from None
    except ValueError as error:
        raise FieldError(name, str(error)) from None
    problem = event_date_problem(moment)
    if problem is not None:
        raise FieldError(name, f"{text!r} is {problem}", event_range_text())
    return moment


def _optional_text(obj: dict[str, Any], name: str, limit: int) -> None:
    value = obj.get(name)
    if value is not None and (type(value) is not str or len(value) > limit):
        _string(obj, name, required=False, limit=limit)


def _event_row(
    obj: dict[str, Any], line_no: int, warnings: list[Warning_]
) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    kind = obj.get("kind")
    if type(kind) is not str or kind not in _KIND_SET:
        kind = read_code(obj, "kind", _KINDS, field="kind", line_no=line_no, warnings=warnings)
    if type(kind) is not str or kind not in _KIND_SET:
        raise FieldError(
            "kind",
            f"{kind!r}" if kind else "missing",
            "an event kind from the vocabulary (docs/exchange-format.md)",
        )
    for moment in ("occurred_at", "recorded_at"):  # `03/04/2025` as CSV reads it, warned
        read_day_first(obj, moment, line_no=line_no, warnings=warnings)
    occurred = _when("occurred_at", _required(obj, "occurred_at", 40))
    recorded_raw = _optional(obj, "recorded_at", 40)
    recorded = _when("recorded_at", recorded_raw) if recorded_raw else occurred
    subjects = _id_list(obj, "subjects", required=True)
    others = _id_list(obj, "others", required=False)
    attrs = obj.get("attrs")
    if attrs is not None:
        if not isinstance(attrs, dict):
            raise FieldError("attrs", f"{type(attrs).__name__}", "a JSON object")
        read_coded_attrs(kind, attrs, line_no=line_no, warnings=warnings)
        check_attrs(kind, attrs)
        attrs.update(completed_injury_attrs(attrs))  # a body map alone: injury, site, sites, ...
        attrs.update(completed_violence_attrs(kind, attrs))  # an offence alone: its violence
    _optional_text(obj, "text", 100_000)
    if noted := injuries_from_note(kind, attrs, obj.get("text"), line_no=line_no, warnings=warnings):
        obj["attrs"] = {**(attrs or {}), **noted}  # an A&E note's injury, when none was coded
    if opinion := opinion_from_note(
        kind, obj.get("attrs"), obj.get("text"), line_no=line_no, warnings=warnings
    ):
        obj["attrs"] = {**(obj.get("attrs") or {}), **opinion}  # a clinician's ?NAI in the note
    _optional_text(obj, "author", 1000)
    precision = read_code(
        obj, "date_precision", DATE_PRECISIONS, field="date_precision", line_no=line_no, warnings=warnings
    )
    if precision is not None and precision not in DATE_PRECISIONS:
        raise FieldError(
            "date_precision",
            f"{precision!r}",
            "one of day, month, year, period, illustrative (docs/exchange-format.md)",
        )
    return {"kind": kind, "occurred_at": occurred, "recorded_at": recorded}, _parties(subjects, others)


def _parties(subjects: list[str], others: list[str]) -> tuple[tuple[str, str], ...]:
    if len(subjects) == 1 and not others:  # most events: one subject, nobody else
        return ((subjects[0], "subject"),)
    return tuple((s, "subject") for s in dict.fromkeys(subjects)) + tuple(
        (o, "other") for o in dict.fromkeys(others) if o not in subjects
    )
