"""The check as one self-contained HTML page for a data manager: summary first, no script, no
links to fetch, styled after GOV.UK with a small inline style sheet (it is opened from a file)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

from alarmbell.ingest.dry_run.coverage import Coverage
from alarmbell.ingest.dry_run.model import FileCheck, Problems, StoreView
from alarmbell.ingest.dry_run.text import date_range

STYLE = """
body{margin:0;font-family:Arial,sans-serif;color:#0b0c0c;background:#fff;font-size:19px;line-height:1.32}
header{background:#0b0c0c;color:#fff;padding:10px 30px;font-weight:700;font-size:24px}
main{max-width:960px;margin:0 auto;padding:20px 30px 60px}
h1{font-size:40px;margin:20px 0 15px}
h2{font-size:30px;margin:45px 0 15px;border-top:2px solid #b1b4b6;padding-top:20px}
h3{font-size:24px;margin:30px 0 10px}
p,li{margin:0 0 15px}.hint{color:#505a5f}
table{border-collapse:collapse;width:100%;margin-bottom:25px;font-size:16px}
th,td{text-align:left;padding:8px 20px 8px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{font-weight:700}td.num,th.num{text-align:right}
.panel{border:5px solid #1d70b8;padding:15px 20px;margin-bottom:25px}
.panel.bad{border-color:#d4351c}.panel.good{border-color:#00703c}
.tag{display:inline-block;padding:2px 8px;font-size:16px;font-weight:700;background:#d2e2f1;color:#0c2d4a}
.tag.red{background:#f6d7d2;color:#2a0b06}.tag.green{background:#cce2d8;color:#005a30}
dl.coverage{margin:0 0 25px}dl.coverage dt{margin-top:10px}dl.coverage dd{margin:5px 0 0 0}
.line{font-family:monospace;font-size:16px;background:#f3f2f1;padding:0 3px;white-space:nowrap}
code{font-family:monospace;font-size:16px;background:#f3f2f1;padding:0 3px;word-break:break-all}
"""


def render_page(checks: list[FileCheck], store: StoreView, *, now: datetime | None = None) -> str:
    when = (now or datetime.now(UTC)).strftime("%d %B %Y %H:%M UTC")
    body = [
        "<h1>Check of files before loading</h1>",
        f'<p class="hint">Dry run on {escape(when)}: nothing was stored. Store: {escape(store.note)}.'
        + ("" if store.present else " Every valid record is counted as new.")
        + "</p>",
        _summary(checks),
    ]
    for number, check in enumerate(checks, start=1):
        body.append(_file(number, check))
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>alarmbell check</title><style>{STYLE}</style></head><body>"
        f"<header>alarmbell</header><main>{''.join(body)}</main></body></html>\n"
    )


def _summary(checks: list[FileCheck]) -> str:
    rejected = sum(c.rejected for c in checks)
    rows = "".join(
        f'<tr><td><a href="#file-{n}">{escape(Path(c.path).name)}</a></td><td>{escape(c.format_name)}</td>'
        f'<td class="num">{c.accepted}</td><td class="num">{c.rejected}</td>'
        f'<td class="num">{c.unchanged}</td><td class="num">{c.held}</td>'
        f'<td class="num">{c.identifier_count}</td><td>{_days(c)}</td></tr>'
        for n, c in enumerate(checks, start=1)
    )
    verdict = (
        f'<div class="panel bad" id="summary"><strong>{rejected} record(s) would be rejected.</strong> '
        "Each kind of error is shown once below, with where it first happens.</div>"
        if rejected
        else '<div class="panel good" id="summary"><strong>Nothing would be rejected.</strong></div>'
    )
    return (
        f'<h2 id="summary-heading">Summary</h2>{verdict}<table><thead><tr><th>File</th><th>Format</th>'
        '<th class="num">Would be accepted</th><th class="num">Rejected</th><th class="num">Unchanged</th>'
        '<th class="num">Held</th><th class="num">Identifiers failing</th><th>Date range</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _days(check: FileCheck) -> str:
    if check.first_event is None or check.last_event is None:
        return "no events"
    return f"{check.first_event.isoformat()}&nbsp;to {check.last_event.isoformat()}"


def _file(number: int, check: FileCheck) -> str:
    tag = f'<span class="tag">{escape(check.format_name)}</span>'
    head = (
        f'<h2 id="file-{number}">{escape(Path(check.path).name)} {tag}</h2>'
        f'<p class="hint">{escape(check.path)}</p>'
    )
    counts = ", ".join(f"{n} {t}" for t, n in sorted(check.records.items())) or "none"
    return (
        head
        + f"<p>{check.accepted} would be accepted, {check.rejected} rejected, {check.unchanged} unchanged"
        + (f", {check.held} held until their person records arrive" if check.held else "")
        + f". Records read: {escape(counts)}.</p>"
        + f'<h3 id="dates-{number}">Date range</h3><p>{escape(date_range(check))}</p>'
        + _identifiers(number, check)
        + _coverage(number, check.coverage)
        + _problems(f"errors-{number}", "Errors (rows that would be rejected)", check.errors, "red", check)
        + _problems(f"warnings-{number}", "Warnings (kept, but worth fixing)", check.warnings, "", check)
    )


def _identifiers(number: int, check: FileCheck) -> str:
    head = f'<h3 id="identifiers-{number}">Identifiers that fail their check</h3>'
    if not check.identifier_count:
        return head + "<p>None: every NHS number and UPN passed its check.</p>"
    rows = "".join(
        f"<tr><td>{_line(p.at, check)}</td><td>{escape(p.field)}</td><td>{escape(p.problem)}</td>"
        f"<td>{'rejected' if p.rejected else 'kept, never matched on'}</td></tr>"
        for p in check.identifiers
    )
    more = check.identifier_count - len(check.identifiers)
    return (
        head
        + "<table><thead><tr><th>Where</th><th>Field</th><th>Problem</th><th>Outcome</th></tr></thead>"
        + f"<tbody>{rows}</tbody></table>"
        + (f"<p>… and {more} more.</p>" if more > 0 else "")
    )


def _coverage(number: int, coverage: Coverage | None) -> str:
    head = f'<h3 id="coverage-{number}">Mapping coverage</h3>'
    if coverage is None:
        return head
    parts = [head, f'<p class="hint">By {escape(coverage.unit)}: {escape(coverage.note)}.</p>']
    if coverage.measured:
        parts.append(
            '<dl class="coverage">'
            + _names("Ignored", coverage.ignored, "red")
            + _names("Used", coverage.used, "green")
            + _names("Template columns not in the file", [(m, None) for m in coverage.missing], "")
            + "</dl>"
        )
    if coverage.seen:
        parts.append('<dl class="coverage">' + _names("Seen", list(coverage.seen), "") + "</dl>")
    return "".join(parts)


def _names(title: str, names: list[tuple[str, int | None]], colour: str) -> str:
    if not names and title != "Ignored":
        return ""
    listed = ", ".join(escape(n) + ("" if c is None else f" ({c})") for n, c in names) or "none"
    return f'<dt><span class="tag {colour}">{escape(title)}: {len(names)}</span></dt><dd>{listed}</dd>'


def _line(at: str, check: FileCheck) -> str:
    """`line 3` within its file's section: the full path is in the heading."""
    line = at.removeprefix(check.path + ":")
    return f'<span class="line">line&nbsp;{escape(line)}</span>' if line != at else escape(at)


def _problems(anchor: str, title: str, problems: Problems, colour: str, check: FileCheck) -> str:
    head = f'<h3 id="{anchor}">{title}</h3>'
    if not problems.kinds:
        return head + "<p>None.</p>"
    rows = "".join(
        f'<tr><td>{escape(k.field)}</td><td>{escape(k.kind)}</td><td class="num">{k.count}</td>'
        f"<td>{_line(k.example_at, check)}: {escape(k.example)}</td></tr>"
        for k in problems
    )
    return (
        head
        + f'<p><span class="tag {colour}">{problems.total} in {len(problems.kinds)} kind(s)</span></p>'
        + '<table><thead><tr><th>Field</th><th>Problem</th><th class="num">Count</th>'
        + f"<th>First example</th></tr></thead><tbody>{rows}</tbody></table>"
    )
