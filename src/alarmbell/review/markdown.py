"""The review report as Markdown: for pasting into a review panel's working document or a ticket."""

from __future__ import annotations

from alarmbell.review.model import KnowledgeRow, MissedOpportunity, ReviewReport
from alarmbell.review.phrases import agency_name, day, short_day
from alarmbell.review.signals import describe


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
    lines = [f"# Multi-agency review: {report.name} ({when})", ""]
    if report.dob:
        lines.append(f"- Born {day(report.dob)}; person {report.person_id}")
    lines.append(
        f"- {len(report.chronology.entries)} events from "
        + ", ".join(map(agency_name, report.chronology.agencies))
    )
    if report.policy_now:
        view = report.policy_now
        lines.append(
            f"- alarmbell's view: **{view.level}** (score {view.score:g}); {len(report.alerts)} alerts raised"
        )
    family = [
        f"{v.member.name} ({v.member.relation.replace('_', ' ')}{', household' if v.in_household else ''})"
        for v in report.family
    ]
    if family:
        lines.append(f"- Family: {'; '.join(family)}")
    return lines


def _missed(report: ReviewReport) -> list[str]:
    lines = ["", f"## Missed opportunities ({len(report.missed)})"]
    for number, item in enumerate(report.missed, start=1):
        lines += _one_missed(number, item)
    return lines


def _one_missed(number: int, item: MissedOpportunity) -> list[str]:
    lines = [
        "",
        f"### {number}. {item.title}",
        "",
        f"Agencies involved: {', '.join(map(agency_name, item.agencies))}.",
    ]
    if item.policy:
        lines.append(f"alarmbell's view then: {item.policy.level} (score {item.policy.score:g}).")
    for heading, entries in (
        ("What happened", item.happened),
        ("What was not done", item.missing),
        ("What was known elsewhere at the time", tuple(g.sentence for g in item.known_elsewhere)),
    ):
        if entries:
            lines += ["", f"**{heading}**", "", *(f"- {line}" for line in entries)]
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
    lines.append("| date | event | about | " + " | ".join(map(agency_name, agencies)) + " |")
    lines.append("|---|---|---|" + "---|" * len(agencies))
    lines += [_matrix_row(row) for row in report.matrix.rows]
    return lines


def _matrix_row(row: KnowledgeRow) -> str:
    cells = [
        f"{short_day(k.since)} {'R' if k.how == 'recorded it' else 'S'}" if k.since else "-"
        for k in row.known
    ]
    return f"| {short_day(row.occurred_at)} | {row.summary} | {row.about} | " + " | ".join(cells) + " |"


def _alerts(report: ReviewReport) -> list[str]:
    lines = ["", "## Alerts and what was done with them", ""]
    if not report.alerts:
        return lines + ["No alert was raised."]
    for account in report.alerts:
        alert = account.alert
        lines.append(
            f"- {short_day(alert.raised_at)} **{alert.level}**: {'; '.join(account.rule_titles)}. "
            f"{account.response} {account.next_action}"
        )
    return lines


def _timers(report: ReviewReport) -> list[str]:
    lines = ["", "## Response times against the statutory timescales", ""]
    return lines + ([f"- {t.status}: {t.sentence}" for t in report.timers] or ["No statutory timer started."])


def _chronology(report: ReviewReport) -> list[str]:
    lines = ["", "## Chronology", "", "| date | agency | what happened | recorded |", "|---|---|---|---|"]
    for e in report.chronology.entries:
        text = (e.text or "").replace("|", "/").replace("\n", " ")
        lines.append(
            f"| {short_day(e.occurred_at)} | {agency_name(e.agency)} | {describe(e)}. {text} | "
            f"{short_day(e.recorded_at)} |"
        )
    return lines
