"""The review report as Markdown: for pasting into a review panel's working document or a ticket.

Every value that comes from the report (names, agency free text, sentences built from records)
goes through `md_text`, because agency text is whatever an agency system sent: in a viewer
that renders HTML it must not become a tag, a link (`javascript:` or any other) or a heading.
"""

from __future__ import annotations

import re
from typing import Final

from alarmbell.domain.chronology import ChronologyEntry
from alarmbell.domain.injuries import concern_details
from alarmbell.domain.wording import events_from, plural
from alarmbell.review.model import KnowledgeRow, MissedOpportunity, ReviewReport
from alarmbell.review.phrases import agency_name, day, short_day
from alarmbell.review.signals import describe

#: Punctuation that could make emphasis, code, a link or image (with `[`), a table cell or a
#: heading. Values never start a line, so list markers and `1.` need no escape.
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]#|~])")
_HTML_ENTITIES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md_text(value: object) -> str:
    """`value` as inert Markdown text: one line, HTML characters as entities, punctuation escaped."""
    text = " ".join(str(value).split())
    text = "".join(_HTML_ENTITIES.get(char, char) for char in text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(report: ReviewReport) -> str:
    parts = [
        *_header(report),
        *_missed(report),
        *_matrix(report),
        *_alerts(report),
        *_timers(report),
        *_chronology(report),
        "",
        "_This report supports the reviewers' judgement; it does not replace a review. "
        "The rules behind it are in docs/review.md._",
    ]
    return "\n".join(parts) + "\n"


def _header(report: ReviewReport) -> list[str]:
    when = f"as of {day(report.as_of)}" if report.as_of else "everything recorded"
    lines = [f"# Multi-agency review: {md_text(report.name)} ({when})", ""]
    if report.dob:
        lines.append(f"- Born {day(report.dob)}")
    agencies = [md_text(agency_name(a)) for a in report.chronology.agencies]
    lines.append(f"- {events_from(len(report.chronology.entries), agencies)}")
    if report.policy_now:
        view = report.policy_now
        lines.append(
            f"- alarmbell's view: **{md_text(view.level)}**; "
            f"{len(report.alerts)} {plural('alert', len(report.alerts))} raised"
        )
    family = [
        md_text(f"{v.member.name} ({v.member.relation.replace('_', ' ')}{_household(v.in_household)})")
        for v in report.family
    ]
    if family:
        lines.append(f"- Family: {'; '.join(family)}")
    return lines


def _household(in_household: bool) -> str:
    return ", household" if in_household else ""


def _missed(report: ReviewReport) -> list[str]:
    lines = ["", f"## Missed opportunities ({len(report.missed)})"]
    for number, item in enumerate(report.missed, start=1):
        lines += _one_missed(number, item)
    return lines


def _one_missed(number: int, item: MissedOpportunity) -> list[str]:
    lines = [
        "",
        f"### {number}. {md_text(item.title)}",
        "",
        f"Agencies involved: {md_text(', '.join(map(agency_name, item.agencies)))}.",
    ]
    if item.policy:
        lines.append(f"alarmbell's view then: {md_text(item.policy.level)}.")
    for heading, entries in (
        ("What happened", item.happened),
        ("What was not done", item.missing),
        ("What was known elsewhere at the time", tuple(g.sentence for g in item.known_elsewhere)),
    ):
        if entries:
            lines += ["", f"**{heading}**", "", *(f"- {md_text(line)}" for line in entries)]
    return lines


def _matrix(report: ReviewReport) -> list[str]:
    agencies = report.matrix.agencies
    lines = [
        "",
        "## Who knew what, and from when",
        "",
        "R: recorded it; S: told or shared; -: not known.",
        "",
    ]
    lines.append("| date | event | about | " + " | ".join(md_text(agency_name(a)) for a in agencies) + " |")
    lines.append("|---|---|---|" + "---|" * len(agencies))
    lines += [_matrix_row(row) for row in report.matrix.rows]
    return lines


def _matrix_row(row: KnowledgeRow) -> str:
    cells = [
        f"{short_day(k.since)} {'R' if k.how == 'recorded it' else 'S'}" if k.since else "-"
        for k in row.known
    ]
    return (
        f"| {short_day(row.occurred_at)} | {md_text(row.summary)} | {md_text(row.about)} | "
        + " | ".join(cells)
        + " |"
    )


def _alerts(report: ReviewReport) -> list[str]:
    lines = ["", "## Alerts and what was done with them", ""]
    if not report.alerts:
        return lines + ["No alert was raised."]
    for account in report.alerts:
        alert = account.alert
        lines.append(
            f"- {short_day(alert.raised_at)} **{md_text(alert.level)}**: "
            f"{md_text('; '.join(account.rule_titles))}. "
            f"{md_text(account.response)} "
            + (f"{md_text(account.clock)} " if account.clock else "")
            + md_text(account.next_action)
        )
    return lines


def _timers(report: ReviewReport) -> list[str]:
    lines = ["", "## Response times against the statutory timescales", ""]
    timers = [f"- {md_text(t.status)}: {md_text(t.sentence)}" for t in report.timers]
    return lines + (timers or ["No statutory timer started."])


def _details(entry: ChronologyEntry) -> str:
    """Body sites and injuries, action taken, who was informed, author: after the text, `; `-joined."""
    lines = concern_details(entry.attrs, entry.author)
    return (" " + md_text("; ".join(lines)) + ".") if lines else ""


def _chronology(report: ReviewReport) -> list[str]:
    lines = ["", "## Chronology", "", "| date | agency | what happened | recorded |", "|---|---|---|---|"]
    for e in report.chronology.entries:
        lines.append(
            f"| {short_day(e.occurred_at)} | {md_text(agency_name(e.agency))} | "
            f"{md_text(describe(e))}. {md_text(e.text or '')}{_details(e)} | {short_day(e.recorded_at)} |"
        )
    return lines
