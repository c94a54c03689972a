"""A flag written as a yes/no word (`"Yes"`, `"N"`, `"TRUE"`) in the exchange format is read as
true or false, its words kept, with a warning; other text keeps its precise error (ingest/attrs.py,
domain/yes_no.py). Before, `"was_not_brought": "Yes"` lost the whole line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from alarmbell.domain.yes_no import flag_word
from tests.helpers import event, person, write_jsonl
from tests.ingest.stored import ingest_with_messages, stored_attrs

BOOLEAN = "(expected true or false, written without quotes)"


@pytest.mark.parametrize(
    ("written", "flag"),
    [
        ("Yes", True),
        ("Y ", True),
        ("TRUE", True),
        ("true", True),
        ("No", False),
        ("n", False),
        ("False", False),
    ],
)
def test_a_yes_no_word_is_read_as_the_flag_and_kept(
    engine: Engine, tmp_path: Path, written: str, flag: bool
) -> None:
    line = event(
        "E1", ["P1"], kind="missed_appointment", attrs={"service": "Paeds OPD", "was_not_brought": written}
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    counts, messages = ingest_with_messages(engine, file)
    assert counts == (2, 0)
    shown = "true" if flag else "false"
    assert messages == [
        f"{file}:2: attrs.was_not_brought: warning: read {written!r} as {shown} (a yes/no word)"
    ]
    assert stored_attrs(engine, "E1") == {
        "service": "Paeds OPD",
        "was_not_brought": flag,
        "was_not_brought_as_written": written,
    }
    assert ingest_with_messages(engine, file)[0] == (0, 0)  # sending it again changes nothing


def test_every_flag_of_a_line_is_read(engine: Engine, tmp_path: Path) -> None:
    attrs = {"injury": "bruise", "mobile": "N", "delay_in_presentation": "Yes", "alcohol": "y"}
    file = write_jsonl(
        tmp_path / "in.jsonl", [person("P1"), event("E1", ["P1"], kind="ed_attendance", attrs=attrs)]
    )
    assert ingest_with_messages(engine, file)[0] == (2, 0)
    stored = stored_attrs(engine, "E1")
    assert (stored["mobile"], stored["delay_in_presentation"], stored["alcohol"]) == (False, True, True)


@pytest.mark.parametrize("written", ["?", "sometimes", "unknown", "1", "yes please", ""])
def test_text_that_is_not_a_yes_no_word_keeps_its_precise_error(
    engine: Engine, tmp_path: Path, written: str
) -> None:
    line = event(
        "E1", ["P1"], kind="ed_attendance", attrs={"mobile": written, "delay_in_presentation": "maybe"}
    )
    file = write_jsonl(tmp_path / "in.jsonl", [person("P1"), line])
    counts, messages = ingest_with_messages(engine, file)
    assert counts == (1, 1)
    assert messages == [
        f"{file}:2: attrs.delay_in_presentation: 'maybe' is text {BOOLEAN}",
        f"{file}:2: attrs.mobile: {written!r} is text {BOOLEAN}",
    ]


def test_only_words_that_say_one_thing_are_flag_words() -> None:
    assert [flag_word(w) for w in ("YES", " n ", "True", "no")] == [True, False, True, False]
    assert [flag_word(w) for w in ("1", "0", "unknown", "N/K", "?", "yes?")] == [None] * 6
