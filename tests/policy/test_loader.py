"""Policy validation errors name the file and field; the version follows the files' bytes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from alarmbell.policy import PolicyError, default_policy, load_policy, parse_policy, policy_for
from alarmbell.policy.loader import default_policy_path
from alarmbell.policy.model import CountPattern
from alarmbell.settings import Settings

HEADER = {
    "policy": {"id": "t", "title": "T", "levels": {"amber": 10, "red": 20}},
}


def _indicator(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": "x",
        "title": "X",
        "description": "X happened.",
        "rationale": {"text": "Because.", "source": "domain-facts.md"},
        "pattern": {"type": "count", "match": {"kinds": ["referral"]}},
        "weight": 5,
        "window": "365d",
    }
    item.update(changes)
    return item


def _load(*indicators: dict[str, object]) -> None:
    doc = {**HEADER, "indicators": [_indicator(id=f"i{n}") for n in range(3)] + list(indicators)}
    parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"window": "a year"}, "p.yaml: indicators[3].window: expected a duration like '365d'"),
        ({"weight": "heavy"}, "p.yaml: indicators[3].weight: expected a number"),
        ({"title": None}, "p.yaml: indicators[3].title: expected non-empty text"),
        (
            {"pattern": {"type": "sometimes"}},
            "p.yaml: indicators[3].pattern.type: expected one of absence, all_of, any_of",
        ),
        (
            {"pattern": {"type": "count", "match": {"kinds": ["fight"]}}},
            "p.yaml: indicators[3].pattern.match.kinds[0]: unknown event kind 'fight'",
        ),
        (
            {"pattern": {"type": "count", "match": [{"where": [{"attr": "x", "near": 1}]}]}},
            "p.yaml: indicators[3].pattern.match[0].where[0]: expected 'attr' and exactly one of",
        ),
        (
            {"pattern": {"type": "count", "match": [{"where": [{"attr": "service", "service_in": ["GP"]}]}]}},
            "p.yaml: indicators[3].pattern.match[0].where[0].service_in: unknown service type 'GP'; "
            "expected service types from alarmbell.domain.health_services",
        ),
        (
            {
                "pattern": {
                    "type": "count",
                    "match": [{"where": [{"attr": "s", "regions_beyond": ["toes"]}]}],
                }
            },
            "p.yaml: indicators[3].pattern.match[0].where[0].regions_beyond: unknown body region 'toes'",
        ),
        (
            {"pattern": {"type": "count", "match": {"whose": "mine"}}},
            "p.yaml: indicators[3].pattern.match.whose: expected one of own, household, any",
        ),
        (
            {"pattern": {"type": "absence", "trigger": {}, "expected": {}, "within": "soon"}},
            "p.yaml: indicators[3].pattern.within: expected a duration like '365d'",
        ),
        ({"decay": {"half_life": "0d"}}, "p.yaml: indicators[3].decay.half_life: expected a"),
        ({"min_level": "purple"}, "p.yaml: indicators[3].min_level: expected one of green"),
        ({"colour": "red"}, "p.yaml: indicators[3].colour: unknown field"),
        ({"explain": "{child} was {mood}."}, "p.yaml: indicators[3].explain: unknown placeholder"),
        ({"rationale": {"text": "Why."}}, "p.yaml: indicators[3].rationale.source: missing"),
        (
            {"pattern": {"type": "trend", "match": {}, "attr": "weight_kg"}},
            "p.yaml: indicators[3].pattern: expected one of falls_by (an amount) or falls_by_share",
        ),
        (
            {
                "pattern": {
                    "type": "trend",
                    "match": {},
                    "attr": "weight_kg",
                    "falls_by": 1,
                    "falls_by_share": 0.1,
                }
            },
            "p.yaml: indicators[3].pattern: expected one of falls_by (an amount) or falls_by_share",
        ),
        (
            {"pattern": {"type": "trend", "match": {}, "attr": "weight_kg", "falls_by_share": 5}},
            "p.yaml: indicators[3].pattern.falls_by_share: expected a share between 0 and 1",
        ),
        (
            {"pattern": {"type": "count", "match": {"age_from": "three weeks"}}},
            "p.yaml: indicators[3].pattern.match.age_from: expected a duration like '365d'",
        ),
        (
            {"pattern": {"type": "count", "match": {"age_under": "0d"}}},
            "p.yaml: indicators[3].pattern.match.age_under: expected a duration like '365d'",
        ),
        ({"id": "Bad Id"}, "p.yaml: indicators[3].id: expected an identifier"),
        ({"id": "i0"}, "p.yaml: indicator id 'i0' already used in p.yaml"),
    ],
)
def test_precise_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _load(_indicator(**changes))
    assert str(caught.value).startswith(message)


def test_age_from_zero_means_from_birth() -> None:
    """Only an age can be 0d: an expected baby's events before the birth are left out."""
    doc = {**HEADER, "indicators": [_indicator(pattern={"type": "count", "match": {"age_from": "0d"}})]}
    policy = parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])
    pattern = policy.indicators[0].pattern
    assert isinstance(pattern, CountPattern)
    assert [s.age_from for s in pattern.match] == [timedelta(0)]


def test_levels_must_be_ordered() -> None:
    doc = {"policy": {"id": "t", "title": "T", "levels": {"amber": 30, "red": 20}}}
    with pytest.raises(PolicyError, match=r"p.yaml: policy.levels: expected 0 < amber < red"):
        parse_policy([("p.yaml", yaml.safe_dump(doc).encode())])


def test_missing_header_and_bad_yaml() -> None:
    with pytest.raises(PolicyError, match="a.yaml: policy: missing"):
        parse_policy([("a.yaml", b"indicators: []\n")])
    with pytest.raises(PolicyError, match="a.yaml: not valid YAML"):
        parse_policy([("a.yaml", b"policy: [\n")])


def test_version_changes_when_a_file_changes(tmp_path: Path) -> None:
    source = default_policy_path() / "default.yaml"
    copy = tmp_path / "default.yaml"
    copy.write_bytes(source.read_bytes())
    same = load_policy(tmp_path)
    assert same.version == default_policy().version
    assert len(same.version) == 12
    copy.write_bytes(source.read_bytes() + b"\n# a comment is a change too\n")
    assert load_policy(tmp_path).version != same.version


def test_policy_for_takes_the_configured_folder_else_the_shipped_policy(tmp_path: Path) -> None:
    source = default_policy_path() / "default.yaml"
    (tmp_path / "default.yaml").write_bytes(source.read_bytes() + b"\n# this deployment's copy\n")
    local = policy_for(Settings(policy_dir=tmp_path))
    assert local.version == load_policy(tmp_path).version
    assert local.version != default_policy().version
    assert policy_for(Settings(policy_dir=None)).version == default_policy().version


def test_policy_may_span_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(HEADER))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"indicators": [_indicator()]}))
    policy = load_policy(tmp_path)
    assert [i.id for i in policy.indicators] == ["x"]
    assert policy.files == ("a.yaml", "b.yaml")
    assert policy.indicators[0].file == "b.yaml"
