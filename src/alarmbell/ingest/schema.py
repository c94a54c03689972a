"""The JSON Schema of exchange format v1, generated from the same vocabulary validation uses.

`python -m alarmbell.ingest.schema` rewrites docs/exchange-format.schema.json; a test fails
when the committed file differs from what the code generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from alarmbell.domain.plausible import EARLIEST_YEAR
from alarmbell.domain.vocabulary import AGENCIES, EVENT_KINDS, RELATIONSHIP_KINDS, ROLE_HINTS, SEXES
from alarmbell.domain.wording import DATE_PRECISIONS
from alarmbell.ingest.attrs import ATTR_RULES, Choice

_ID = {"type": "string", "minLength": 1, "maxLength": 200}
_IDS = {"type": "array", "items": _ID}
_DATE = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    "description": (
        "ISO date (YYYY-MM-DD) or ISO 8601 date-time; a date-time without an offset is Europe/London "
        f"time; from {EARLIEST_YEAR}-01-01 to the end of next year, in UTC"
    ),
}


def _common(record_type: str) -> dict[str, Any]:
    return {
        "type": {"const": record_type},
        "agency": {"enum": list(AGENCIES), "description": "the sending agency"},
        "source_id": {**_ID, "description": "the agency's own id, unique within the agency"},
    }


def person_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "One agency's record of one person.",
        "required": ["type", "agency", "source_id"],
        "properties": {
            **_common("person"),
            "given_name": {"type": "string", "maxLength": 200},
            "family_name": {"type": "string", "maxLength": 200},
            "other_names": {"type": "array", "items": {"type": "string"}},
            "dob": {
                "type": "string",
                "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                "description": f"from {EARLIEST_YEAR} to today, never in the future",
            },
            "sex": {"enum": list(SEXES)},
            "postcode": {"type": "string", "maxLength": 12},
            "address": {"type": "string"},
            "nhs_number": {"type": "string", "pattern": r"^\d{3} ?\d{3} ?\d{4}$"},
            "upn": {"type": "string", "pattern": r"^[A-Za-z]\d{11}[0-9A-Za-z]$"},
            "role_hint": {"enum": list(ROLE_HINTS)},
            "feed": {
                "type": "string",
                "maxLength": 200,
                "description": "which of the agency's feeds sent this copy; copies from several feeds "
                "are merged attribute by attribute, not versions of each other",
            },
            "names_withheld": {
                "type": "boolean",
                "description": "true when the sender holds no names (statistical returns: the CIN census)",
            },
        },
        "anyOf": [
            {"required": ["given_name", "family_name"]},
            {"required": ["nhs_number"]},
            {"required": ["upn"]},
            {"required": ["names_withheld"], "properties": {"names_withheld": {"const": True}}},
        ],
        "additionalProperties": True,
    }


def relationship_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "How two of an agency's person records are related: `from` is `kind` of `to`.",
        "required": ["type", "agency", "source_id", "from", "to", "kind"],
        "properties": {
            **_common("relationship"),
            "from": _ID,
            "to": _ID,
            "kind": {"enum": list(RELATIONSHIP_KINDS)},
        },
        "additionalProperties": True,
    }


def event_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Something an agency saw, heard or did.",
        "required": ["type", "agency", "source_id", "kind", "occurred_at", "subjects"],
        "properties": {
            **_common("event"),
            "kind": {"enum": list(EVENT_KINDS)},
            "occurred_at": _DATE,
            "recorded_at": _DATE,
            "subjects": {**_IDS, "minItems": 1},
            "others": _IDS,
            "attrs": attrs_schema(),
            "text": {"type": "string", "maxLength": 100_000},
            "author": {"type": "string"},
            "date_precision": {"enum": list(DATE_PRECISIONS)},
        },
        "additionalProperties": True,
    }


def attrs_schema() -> dict[str, Any]:
    """The attrs policy rules read, typed as ingest checks them (ingest/attrs.py); others free."""
    properties = {}
    for name, rule in ATTR_RULES.items():
        schema = rule.schema()
        if isinstance(rule, Choice) and rule.kinds is not None:
            schema["description"] = "checked for " + ", ".join(sorted(rule.kinds))
        properties[name] = schema
    return {"type": "object", "properties": properties, "additionalProperties": True}


def exchange_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://alarmbell.example/schema/exchange-format-v1.json",
        "title": "alarmbell agency exchange format v1 (one JSON Lines record)",
        "description": "Generated by `python -m alarmbell.ingest.schema`; see docs/exchange-format.md.",
        "oneOf": [person_schema(), relationship_schema(), event_schema()],
    }


def render() -> str:
    return json.dumps(exchange_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/exchange-format.schema.json")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
