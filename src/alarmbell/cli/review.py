"""`alarmbell review PERSON`: the multi-agency review report. Thin: parse, call the service, write."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.support import (
    choice_option,
    collector_paused,
    fail,
    failing_on,
    output_file,
    store_session,
    write_output,
)
from alarmbell.settings import Settings

if TYPE_CHECKING:
    from alarmbell.review import ReviewReport


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    md = "md"


def review(
    person: Annotated[str, typer.Argument(help="Person id, or an agency record as AGENCY:SOURCE_ID.")],
    format_name: Annotated[
        str, typer.Option("--format", help="html, pdf or md (Markdown); case does not matter.")
    ] = ReportFormat.html,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="YYYY-MM-DD: show only what was recorded by the end of that day, the alerts raised by "
            "then and the policy's assessment then.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write. Default: standard output (html, md) or a PDF file named after the person.",
        ),
    ] = None,
) -> None:
    """Write a person's multi-agency review: household, chronology, who knew what, alerts, timescales,
    missed opportunities."""
    chosen = ReportFormat(
        choice_option(format_name, tuple(ReportFormat), name="--format", what="a report format")
    )
    day = _day(as_of)
    out = output_file(out)
    with collector_paused():
        _write(person, chosen, day, out)


def _write(person: str, format_name: ReportFormat, day: date | None, out: Path | None) -> None:
    report = _report(person, day)
    if format_name is ReportFormat.pdf:
        from alarmbell.review import render_pdf

        target = out or Path(
            f"alarmbell-review-{report.person_id}" + (f"-as-of-{day}" if day else "") + ".pdf"
        )
        write_output(target, render_pdf(report))
        typer.echo(f"wrote {target} ({len(report.missed)} missed opportunities)")
        return
    from alarmbell.review import render_html, render_markdown

    text = render_html(report) if format_name is ReportFormat.html else render_markdown(report)
    if out is None:
        sys.stdout.write(text)
    else:
        write_output(out, text)
        typer.echo(f"wrote {out} ({len(report.missed)} missed opportunities)")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of {text!r}: give a date as YYYY-MM-DD, e.g. 2011-06-30")


def _report(person: str, day: date | None) -> ReviewReport:
    from alarmbell.identity import PersonNotFound, find_person
    from alarmbell.policy import policy_for
    from alarmbell.review import review_report

    settings = Settings()
    policy = policy_for(settings)
    with store_session(settings, create=False) as session:
        with failing_on(PersonNotFound):
            person_id = find_person(session, person)
        report = review_report(session, person_id=person_id, policy=policy, as_of=day, now=datetime.now(UTC))
    if report is None:
        fail(f"person {person_id} has no linked records (see `alarmbell identity history {person_id}`)")
    return report
