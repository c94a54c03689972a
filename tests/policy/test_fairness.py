"""No indicator may read a family characteristic: ethnicity, religion, nationality, language,
disability, immigration status or income (nor interpreters or English)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from alarmbell.policy import PolicyError, parse_policy
from alarmbell.policy.loader import default_policy_path

FORBIDDEN = (
    "ethnic",
    "race",
    "religio",
    "faith",
    "nationality",
    "citizenship",
    "language",
    "english",
    "interpreter",
    "disab",
    "immigration",
    "asylum",
    "income",
    "benefit",
)
FORBIDDEN_CODES = {"5A", "5B", "5C", "6A", "6B", "6C", "9A"}


def _read_fields(node: Any) -> Iterator[str]:
    """Every attr name and condition value in a pattern, however deeply nested."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "attr":
                yield str(value)
            elif key in ("equals", "in", "contains", "contains_any"):
                yield from (str(v) for v in (value if isinstance(value, list) else [value]))
            yield from _read_fields(value)
    elif isinstance(node, list):
        for item in node:
            yield from _read_fields(item)


def test_no_policy_file_reads_a_family_characteristic() -> None:
    files = sorted(default_policy_path().glob("*.yaml"))
    assert files
    for path in files:
        doc = yaml.safe_load(path.read_text())
        for i, indicator in enumerate(doc.get("indicators", [])):
            for field in _read_fields(indicator["pattern"]):
                where = f"{path.name}: indicators[{i}] ({indicator['id']})"
                assert not any(w in field.lower() for w in FORBIDDEN), f"{where} reads {field!r}"
                assert field.upper() not in FORBIDDEN_CODES, f"{where} reads factor {field!r}"


def test_the_scan_would_catch_one() -> None:
    bad = {"indicators": [{"id": "x", "pattern": {"match": {"where": [{"attr": "ethnicity"}]}}}]}
    assert list(_read_fields(bad["indicators"][0]["pattern"])) == ["ethnicity"]
    code = {"match": {"where": [{"attr": "factors", "contains_any": ["3A", "9A"]}]}}
    assert "9A" in list(_read_fields(code))


@pytest.mark.parametrize(
    "condition",
    [
        {"attr": "interpreter", "exists": True},
        {"attr": "english", "equals": "very little"},
        {"attr": "household_income", "lt": 20000},
        {"attr": "factors", "contains": "9A"},
        {"attr": "factors", "contains": "9a"},
        {"attr": "factors", "contains_any": ["3A", "5b"]},
    ],
)
def test_the_loader_rejects_family_characteristics(condition: dict[str, Any]) -> None:
    doc = {
        "policy": {"id": "t", "title": "T", "levels": {"amber": 1, "red": 2}},
        "indicators": [
            {
                "id": "x",
                "title": "X",
                "description": "X.",
                "rationale": {"text": "X.", "source": "X."},
                "pattern": {"type": "count", "match": {"where": [condition]}},
                "weight": 1,
                "window": "30d",
            }
        ],
    }
    with pytest.raises(PolicyError, match=r"p.yaml: indicators\[0\].pattern.match.where\[0\]"):
        parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])
