"""A clinician's query of non-accidental injury in shorthand ("?NAI", "query NAI") is read as
`possible_nai`, the words kept, with a warning; a negated query is left as written
(domain/medical_opinions.py). Before: "?NAI" was stored as written, and no indicator read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from alarmbell.cli import app
from alarmbell.domain.medical_opinions import query_of_nai
from alarmbell.ingest.service import ingest_file
from alarmbell.storage.tables import EventRecordRow
from tests.helpers import event, person, write_jsonl

QUERIES = [
    "?NAI",
    "? NAI",
    "NAI?",
    "?NAI - for skeletal survey and CT head",
    "query NAI",
    "Query N.A.I.",
    "Q NAI",
    "NAI queried",
    "NAI considered",
    "concerns re NAI",
    "Concern regarding non-accidental injury",
    "?non-accidental injury",
    "?inflicted injury",
]
LEFT_AS_WRITTEN = [
    "?NAI - no",
    "NAI excluded",
    "not NAI",
    "No concerns re NAI",
    "NAI unlikely",
    "NAI ruled out",
    "?NAI, accidental injury likely",
    "consistent with history given; ?NAI",
    "NAIL",
    "?nail bed injury",
    "accidental",
    "possible_nai",  # already a code
]


@pytest.mark.parametrize("written", QUERIES)
def test_a_query_of_nai_is_read_as_possible_nai(written: str) -> None:
    assert query_of_nai(written) == "possible_nai"


@pytest.mark.parametrize("written", LEFT_AS_WRITTEN)
def test_a_denied_or_other_opinion_is_not_read_as_a_query(written: str) -> None:
    assert query_of_nai(written) is None


def _baby_at_ed(tmp_path: Path, opinion: str) -> Path:
    return write_jsonl(
        tmp_path / "health.jsonl",
        [
            person("H1", agency="health", given_name="Ivy", family_name="Marsh", dob="2024-01-10"),
            event(
                "E1",
                ["H1"],
                agency="health",
                kind="ed_attendance",
                occurred_at="2024-04-02T10:00:00",
                attrs={"injury": "bruise", "site": "left upper arm", "medical_opinion": opinion},
            ),
        ],
    )


def test_ed_shorthand_is_stored_as_the_code_with_its_words_and_a_warning(
    engine: Engine, tmp_path: Path
) -> None:
    """Through the bulk path: its compiled fast path must leave the line to the precise one."""
    messages: list[str] = []
    summary = ingest_file(engine=engine, path=_baby_at_ed(tmp_path, "?NAI"), report=messages.append)
    with engine.connect() as conn:
        payload = conn.scalar(select(EventRecordRow.payload).where(EventRecordRow.source_id == "E1"))
    assert payload is not None, "the attendance is stored"
    attrs = (json.loads(payload) if isinstance(payload, str | bytes) else payload)["attrs"]
    assert (attrs["medical_opinion"], attrs["medical_opinion_note"]) == ("possible_nai", "?NAI")
    assert (summary.accepted, summary.rejected, summary.warnings) == (2, 0, 1), messages
    assert messages[0].endswith(
        ":2: attrs.medical_opinion: warning: read '?NAI' as possible_nai (a query of non-accidental injury)"
    ), messages
    again = ingest_file(engine=engine, path=_baby_at_ed(tmp_path, "?NAI"))
    assert (again.accepted, again.unchanged) == (0, 2), "re-ingesting changes nothing"


def test_a_query_of_nai_reaches_the_medical_opinion_indicator(tmp_path: Path) -> None:
    def rules(opinion: str) -> set[str]:
        result = CliRunner().invoke(app, ["replay", str(_baby_at_ed(tmp_path, opinion)), "--json"])
        assert result.exit_code == 0, result.output
        return {rule for alert in json.loads(result.stdout)["alerts"] for rule in alert["rules"]}

    assert "medical_opinion_non_accidental" in rules("?NAI")
    assert "medical_opinion_non_accidental" not in rules("NAI excluded")
