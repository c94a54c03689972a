"""`alarmbell review PERSON`: the multi-agency review report. Thin: parse, call the service, write."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alarmbell.cli.support import (
    audit_view,
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
    from sqlalchemy.orm import Session

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
    """Build, render and write the report in one session with its audit entry: a report that
    cannot be written rolls back, and its entry with it."""
    settings = Settings()
    with store_session(settings, create=False) as session:
        report = _report(session, settings, person, day)
        target = out
        if format_name is ReportFormat.pdf:
            from alarmbell.review import render_pdf

            target = out or Path(
                f"alarmbell-review-{report.person_id}" + (f"-as-of-{day}" if day else "") + ".pdf"
            )
            content: str | bytes = render_pdf(report)
        else:
            from alarmbell.review import render_html, render_markdown

            content = render_html(report) if format_name is ReportFormat.html else render_markdown(report)
        _audit(session, report.person_id, format_name, day, target)
        if target is not None:
            write_output(target, content)
    if target is None:
        sys.stdout.write(str(content))
    else:
        typer.echo(f"wrote {target} ({len(report.missed)} missed opportunities)")


def _audit(
    session: Session, person_id: int, format_name: ReportFormat, day: date | None, out: Path | None
) -> None:
    """The web's actions: the HTML report shown is `review.view`; a file written (`--out`, any PDF)
    or the Markdown, which the web serves as a download, is `review.export`."""
    shown = format_name is ReportFormat.html and out is None
    detail: dict[str, object] = {"command": "review", "format": format_name.value}
    if day is not None:
        detail["as_of"] = day.isoformat()
    if out is not None:
        detail["out"] = str(out)
    audit_view(session, "review.view" if shown else "review.export", person_id, detail)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of {text!r}: give a date as YYYY-MM-DD, e.g. 2011-06-30")


def _report(session: Session, settings: Settings, person: str, day: date | None) -> ReviewReport:
    from alarmbell.identity import PersonNotFound, find_person
    from alarmbell.policy import policy_for
    from alarmbell.review import review_report

    policy = policy_for(settings)
    with failing_on(PersonNotFound):
        person_id = find_person(session, person)
    report = review_report(
        session,
        person_id=person_id,
        policy=policy,
        as_of=day,
        now=datetime.now(UTC),
        alert_working_days=settings.triage_alert_working_days,
    )
    if report is None:
        fail(f"person {person_id} has no linked records (see `alarmbell identity history {person_id}`)")
    return report
