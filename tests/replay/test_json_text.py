"""The replay's JSON is written an item at a time (issue 17, memory flat as data grows), as the
very text `json.dumps(..., indent=2, ensure_ascii=False)` gives for the whole object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alarmbell.policy import default_policy
from alarmbell.replay import replay_by_agency, write_json
from alarmbell.replay.json_text import Items, json_chunks


def _resolved(value: Any) -> Any:
    if isinstance(value, Items):
        return [_resolved(item) for item in value.items]
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    return value


def _payload() -> dict[str, Any]:
    return {
        "people": Items({"person": n, "records": [["police", f"P{n}"]], "name": "Zoë"} for n in range(3)),
        "none": Items(iter(())),
        "nested": {"inner": Items(iter([[], {}, "a\nb", 1.5, None])), "plain": {"x": [1, {"y": []}]}},
        "empty": {},
        "work": {"items_opened": 2},
    }


def test_pieces_make_the_text_of_encoding_the_whole_object() -> None:
    whole = json.dumps(_resolved(_payload()), indent=2, ensure_ascii=False)
    assert "".join(json_chunks(_payload())) == whole
    assert "".join(json_chunks(Items(iter(())))) == "[]"
    written: list[str] = []
    write_json(_payload(), written.append, buffer_chars=10)
    assert "".join(written) == whole and len(written) > 3


def test_items_are_made_as_the_text_is_written() -> None:
    made: list[int] = []

    def people() -> Iterator[dict[str, int]]:
        for n in range(1000):
            made.append(n)
            yield {"person": n}

    made_at_each_write: list[int] = []
    write_json({"people": Items(people())}, lambda _: made_at_each_write.append(len(made)), buffer_chars=100)
    assert len(made) == 1000 and made_at_each_write[0] < 1000


def test_replay_json_items_give_the_text_of_to_json(demo_case: Path) -> None:
    split = replay_by_agency(demo_case, policy=default_policy())
    for result in (split.joined, split):
        expected = json.dumps(result.to_json(), indent=2, ensure_ascii=False)
        assert "".join(json_chunks(result.json_items())) == expected
    assert split.joined.alerts and split.by_agency
