"""Command-line views of one person are views of them, as their web pages are: `chronology`,
`review` (each format, to the terminal or a file) and `identity review show` write the web's
audit action about the person, as `cli:<login>` with the command where the web has its route,
and `alarmbell audit who-viewed` reports them; so does `triage escalate`, which prints the
titles of the items it escalates. Real stores (docs/security.md, "The audit log")."""

from __future__ import annotations

import getpass
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alarmbell.audit import Viewing
from alarmbell.cli import app
from alarmbell.settings import Settings
from alarmbell.storage.db import make_engine, session_scope
from alarmbell.storage.tables import IdentityReview, PersonRecordRow, TriageItem

CLI = f"cli:{getpass.getuser()}"


def _viewed(settings: Settings, person: int, action: str) -> list[Viewing]:
    from alarmbell.audit import who_viewed

    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            return [v for v in who_viewed(session, [person]) if v.action == action]
    finally:
        engine.dispose()


def _who_viewed_says(person: int, action: str) -> None:
    """`alarmbell audit who-viewed` itself lists the entry, as the command-line user."""
    result = CliRunner().invoke(app, ["audit", "who-viewed", str(person)])
    assert result.exit_code == 0, result.output
    assert any(CLI in line and line.rstrip().endswith(action) for line in result.output.splitlines()), (
        result.output
    )


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_a_chronology_printed_is_a_view_of_the_child(
    store_settings: Settings, ava: int, as_json: bool
) -> None:
    """Before: the chronology printed Ava's record and wrote no entry."""
    result = CliRunner().invoke(app, ["chronology", str(ava)] + (["--json"] if as_json else []))
    assert result.exit_code == 0 and "Ava" in result.output, result.output
    [seen] = _viewed(store_settings, ava, "person.chronology")
    assert seen.actor == CLI
    assert seen.detail == {"command": "chronology", "format": "json" if as_json else "table", "scope": "full"}
    _who_viewed_says(ava, "person.chronology")


@pytest.mark.parametrize(
    ("options", "action", "to_file"),
    [
        ([], "review.view", False),
        (["--format", "md"], "review.export", False),
        (["--format", "html", "--out", "{dir}/ava.html"], "review.export", True),
        (["--format", "md", "--out", "{dir}/ava.md"], "review.export", True),
        (["--format", "pdf", "--out", "{dir}/ava.pdf"], "review.export", True),
    ],
    ids=["html", "md", "html file", "md file", "pdf file"],
)
def test_a_review_printed_or_written_is_a_view_of_the_child(
    store_settings: Settings, ava: int, tmp_path: Path, options: list[str], action: str, to_file: bool
) -> None:
    """HTML to the terminal is the web's page (`review.view`); Markdown, which the web serves as
    a download, and any file written are exports. Before: none of them wrote an entry."""
    options = [o.format(dir=tmp_path) for o in options]
    result = CliRunner().invoke(app, ["review", str(ava), *options])
    assert result.exit_code == 0, result.output
    [seen] = _viewed(store_settings, ava, action)
    assert seen.actor == CLI and seen.detail["command"] == "review" and seen.detail["scope"] == "full", seen
    if to_file:
        assert seen.detail["out"] == options[-1] and Path(options[-1]).stat().st_size > 0
    else:
        assert "Ava" in result.output and "out" not in seen.detail
    _who_viewed_says(ava, action)


def test_a_review_that_cannot_be_written_is_not_recorded_as_exported(
    store_settings: Settings, ava: int
) -> None:
    """The entry commits with the file: a file that cannot be written (a full disk, as
    /dev/full is) leaves none."""
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    result = CliRunner().invoke(app, ["review", str(ava), "--format", "md", "--out", str(full)])
    assert result.exit_code == 2 and "cannot write /dev/full" in result.output, result.output
    assert _viewed(store_settings, ava, "review.export") == []


def test_a_review_item_shown_is_a_view_of_both_people(store_settings: Settings, ava: int) -> None:
    """`identity review show` prints both records' names and dates of birth: one
    `identity.review` about each, as the web's item page writes. Before: none."""
    from alarmbell.identity import find_person

    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            item = session.scalar(select(IdentityReview.id))
            jade = find_person(session, "police:S2")
            assert session.scalar(select(PersonRecordRow.id).where(PersonRecordRow.source_id == "S2"))
    finally:
        engine.dispose()
    result = CliRunner().invoke(app, ["identity", "review", "show", str(item)])
    assert result.exit_code == 0 and "Ava" in result.output and "Jade" in result.output, result.output
    for person in (ava, jade):
        [seen] = _viewed(store_settings, person, "identity.review")
        assert (seen.actor, seen.detail) == (
            CLI,
            {"review_item": item, "command": "identity review show", "scope": "full"},
        )
    _who_viewed_says(ava, "identity.review")


def test_an_escalation_printed_is_listed_by_who_viewed_as_who_ran_it(
    store_settings: Settings, ava: int
) -> None:
    """`triage escalate` prints the escalated item's title, which names Ava; its `triage.escalated`
    entries (alarmbell's step, `run_by` the command-line user) are reported as seen by the one
    who ran it. Before: who-viewed left them out."""
    engine = make_engine(store_settings)
    try:
        with session_scope(engine) as session:
            due = session.scalars(select(TriageItem.due_at).where(TriageItem.person_id == ava)).one()
    finally:
        engine.dispose()
    later = (due.replace(tzinfo=UTC) + timedelta(hours=1)).isoformat()
    result = CliRunner().invoke(app, ["triage", "escalate", "--now", later])
    assert result.exit_code == 0 and "Ava" in result.output, result.output
    seen = _viewed(store_settings, ava, "triage.escalated")
    assert seen and {v.actor for v in seen} == {CLI}, seen
    _who_viewed_says(ava, "triage.escalated")
