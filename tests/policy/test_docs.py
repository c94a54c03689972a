"""docs/policy.md is generated from the policy and must not go stale."""

from __future__ import annotations

from pathlib import Path

from alarmbell.policy import Policy
from alarmbell.policy.docs import main, render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def test_docs_policy_md_is_up_to_date(policy: Policy) -> None:
    assert DOCS.read_text(encoding="utf-8") == render(policy), (
        "docs/policy.md is stale: run `python -m alarmbell.policy.docs`"
    )


def test_every_indicator_is_documented(policy: Policy) -> None:
    text = render(policy)
    for indicator in policy.indicators:
        assert f"(`{indicator.id}`)" in text
        assert indicator.source in text
    assert "Allegheny" in text
    assert f"red** from {policy.red:g}" in text


def test_entry_point_writes_the_file(tmp_path: Path, policy: Policy) -> None:
    target = tmp_path / "docs" / "policy.md"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render(policy)
