"""Flags the early-warning policy reads but the exchange format leaves free-form (`no_access`,
`patterned`, `faltering_growth`, ...): a yes/no word is read as true or false, other text is
kept as written with a warning, and nothing is refused (ingest/attrs.py, LOOSE_FLAGS).

Before, `"no_access": "Y"` on a home visit was stored as the text "Y", which no rule reads as
true: the child "not seen, no access" on a plan counted as nothing recorded, silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine

from alarmbell.ingest.attrs import ATTR_RULES, LOOSE_FLAGS, Flag
from alarmbell.policy.loader import default_policy_path
from tests.helpers import event, person, write_jsonl
from tests.ingest.stored import ingest_with_messages, stored_attrs


def test_a_yes_no_word_in_a_loose_flag_is_read(engine: Engine, tmp_path: Path) -> None:
    visit = event(
        "V1",
        ["P1"],
        agency="children_social_care",
        kind="home_visit",
        attrs={"no_access": "Y", "child_seen": False},
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1", agency="children_social_care"), visit])
    counts, messages = ingest_with_messages(engine, file)
    assert counts == (2, 0)
    assert messages == [f"{file}:2: attrs.no_access: warning: read 'Y' as true (a yes/no word)"]
    assert stored_attrs(engine, "V1") == {"no_access": True, "no_access_as_written": "Y", "child_seen": False}


def test_other_text_in_a_loose_flag_is_kept_with_a_warning_not_refused(
    engine: Engine, tmp_path: Path
) -> None:
    seen = event("I1", ["P1"], agency="health", kind="ed_attendance", attrs={"patterned": "hand-shaped"})
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1", agency="health"), seen])
    counts, messages = ingest_with_messages(engine, file)
    assert counts == (2, 0)
    assert messages == [
        f"{file}:2: attrs.patterned: warning: kept 'hand-shaped' as written, not read as true or false "
        "(write true or false, or yes or no, for early warning to read it)"
    ]
    assert stored_attrs(engine, "I1") == {"patterned": "hand-shaped"}


def test_every_flag_the_policy_reads_is_typed_or_loose() -> None:
    """A flag added to the policy must be read from words too: typed in ATTR_RULES, or loose."""
    policy = "".join(path.read_text(encoding="utf-8") for path in default_policy_path().glob("*.yaml"))
    read = set(re.findall(r"attr: ([a-z_]+), is_(?:not_)?(?:true|false): true", policy))
    typed = {name for name, rule in ATTR_RULES.items() if isinstance(rule, Flag)}
    assert read <= typed | set(LOOSE_FLAGS)
    assert not typed & set(LOOSE_FLAGS)
