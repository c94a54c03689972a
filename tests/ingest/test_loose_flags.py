"""Flags the early-warning policy reads but the exchange format leaves free-form (`no_access`,
`patterned`, `faltering_growth`, ...): a yes/no word is read as true or false, other text is
kept as written with a warning, and nothing is refused (ingest/attrs.py, LOOSE_FLAGS).

Before, `"no_access": "Y"` on a home visit was stored as the text "Y", which no rule reads as
true: the child "not seen, no access" on a plan counted as nothing recorded, silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from alarmbell.ingest.attrs import ATTR_RULES, LOOSE_FLAGS, Flag
from alarmbell.ingest.service import ingest_file
from alarmbell.policy.loader import default_policy_path
from alarmbell.storage.tables import EventRecordRow
from tests.helpers import event, person, write_jsonl


def _ingest(engine: Engine, file: Path) -> tuple[tuple[int, int], list[str]]:
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=file, agency=None, report=messages.append)
    return (summary.accepted, summary.rejected), messages


def _attrs(engine: Engine, source_id: str) -> dict[str, Any]:
    with engine.connect() as connection:
        payload = connection.execute(
            select(EventRecordRow.payload).where(EventRecordRow.source_id == source_id)
        ).scalar_one()
    return dict(payload["attrs"])


def test_a_yes_no_word_in_a_loose_flag_is_read(engine: Engine, tmp_path: Path) -> None:
    visit = event(
        "V1",
        ["P1"],
        agency="children_social_care",
        kind="home_visit",
        attrs={"no_access": "Y", "child_seen": False},
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1", agency="children_social_care"), visit])
    counts, messages = _ingest(engine, file)
    assert counts == (2, 0)
    assert messages == [f"{file}:2: attrs.no_access: warning: read 'Y' as true (a yes/no word)"]
    assert _attrs(engine, "V1") == {"no_access": True, "no_access_as_written": "Y", "child_seen": False}


def test_other_text_in_a_loose_flag_is_kept_with_a_warning_not_refused(
    engine: Engine, tmp_path: Path
) -> None:
    seen = event("I1", ["P1"], agency="health", kind="ed_attendance", attrs={"patterned": "hand-shaped"})
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1", agency="health"), seen])
    counts, messages = _ingest(engine, file)
    assert counts == (2, 0)
    assert messages == [
        f"{file}:2: attrs.patterned: warning: kept 'hand-shaped' as written, not read as true or false "
        "(write true or false, or yes or no, for early warning to read it)"
    ]
    assert _attrs(engine, "I1") == {"patterned": "hand-shaped"}


def test_every_flag_the_policy_reads_is_typed_or_loose() -> None:
    """A flag added to the policy must be read from words too: typed in ATTR_RULES, or loose."""
    policy = "".join(path.read_text(encoding="utf-8") for path in default_policy_path().glob("*.yaml"))
    read = set(re.findall(r"attr: ([a-z_]+), is_(?:not_)?(?:true|false): true", policy))
    typed = {name for name, rule in ATTR_RULES.items() if isinstance(rule, Flag)}
    assert read <= typed | set(LOOSE_FLAGS)
    assert not typed & set(LOOSE_FLAGS)
