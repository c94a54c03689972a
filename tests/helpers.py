"""Small builders for exchange-format lines used across tests."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def person(source_id: str, agency: str = "police", **fields: Any) -> dict[str, Any]:
    base = {
        "type": "person",
        "agency": agency,
        "source_id": source_id,
        "given_name": "Amy",
        "family_name": "Stone",
        "dob": "2015-03-02",
        "sex": "F",
        "postcode": "AB1 2CD",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def event(source_id: str, subjects: list[str], agency: str = "police", **fields: Any) -> dict[str, Any]:
    base = {
        "type": "event",
        "agency": agency,
        "source_id": source_id,
        "kind": "domestic_incident",
        "occurred_at": "2020-01-05",
        "subjects": subjects,
    }
    base.update(fields)
    return base


def relationship(
    source_id: str, from_id: str, to_id: str, kind: str, agency: str = "police"
) -> dict[str, Any]:
    return {
        "type": "relationship",
        "agency": agency,
        "source_id": source_id,
        "from": from_id,
        "to": to_id,
        "kind": kind,
    }


def write_jsonl(path: Path, rows: Sequence[Mapping[str, object] | str | bytes]) -> Path:
    with path.open("wb") as handle:
        for row in rows:
            if isinstance(row, bytes):
                handle.write(row)
            elif isinstance(row, str):
                handle.write(row.encode() + b"\n")
            else:
                handle.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    return path


def baby_at_a_domestic_incident() -> list[dict[str, Any]]:
    """Police records of Ava, a baby at a high-risk physical domestic incident in the night of
    1 July 2025 (BST), with her mother: one amber alert, raised at 00:30 England time."""
    return [
        person("S1", given_name="Ava", family_name="Lowe", dob="2024-01-05", sex="F"),
        person("S2", given_name="Jade", family_name="Lowe", dob="1999-01-05", sex="F"),
        relationship("SR", "S2", "S1", kind="mother"),
        event(
            "SE1",
            ["S2"],
            kind="domestic_incident",
            occurred_at="2025-07-01T00:30:00",
            others=["S1"],
            attrs={"dash_risk": "high", "children_present": True, "violence": "physical"},
        ),
    ]
