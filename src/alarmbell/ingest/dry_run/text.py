"""The check as plain text for the terminal: the summary first, then each file's sections."""

from __future__ import annotations

from alarmbell.ingest.dry_run.coverage import Coverage
from alarmbell.ingest.dry_run.model import FileCheck, StoreView


def summary_line(check: FileCheck) -> str:
    """The same words as ingest's summary line, so the two can be compared at a glance."""
    text = f"{check.accepted} would be accepted, {check.rejected} rejected, {check.unchanged} unchanged"
    return text + (f", {check.held} held" if check.held else "")


def date_range(check: FileCheck) -> str:
    if check.first_event is None or check.last_event is None:
        return "no events"
    first, last = check.first_event.isoformat(), check.last_event.isoformat()
    return f"{first} to {last} ({check.events} events, dates as in England)"


def render_text(checks: list[FileCheck], store: StoreView) -> str:
    lines = [f"alarmbell check: nothing was stored. Store: {store.note}."]
    if not store.present:
        lines.append("Every valid record is counted as new.")
    for check in checks:
        lines += ["", f"{check.path} ({check.format_name}): {summary_line(check)}"]
        lines += _file_sections(check)
    return "\n".join(lines) + "\n"


def _file_sections(check: FileCheck) -> list[str]:
    lines = [f"  date range: {date_range(check)}"]
    lines += [f"  records: {', '.join(f'{n} {t}' for t, n in sorted(check.records.items())) or 'none'}"]
    lines += _identifiers(check) + _coverage(check.coverage)
    lines.append(f"  errors: {check.errors.total} in {len(check.errors.kinds)} kinds")
    for kind in check.errors:
        lines.append(f"    {kind.count} x {kind.field}: {kind.kind}")
        lines.append(f"      e.g. {kind.example_at}: {kind.example}")
    lines.append(f"  warnings: {check.warnings.total} in {len(check.warnings.kinds)} kinds")
    for kind in check.warnings:
        lines.append(f"    {kind.count} x {kind.field}: {kind.kind}")
        lines.append(f"      e.g. {kind.example_at}: {kind.example}")
    return lines


def _identifiers(check: FileCheck) -> list[str]:
    lines = [f"  identifiers failing their check: {check.identifier_count}"]
    for problem in check.identifiers:
        outcome = "rejected" if problem.rejected else "kept, never matched on"
        lines.append(f"    {problem.at}: {problem.field}: {problem.problem} [{outcome}]")
    if check.identifier_count > len(check.identifiers):
        lines.append(f"    ... and {check.identifier_count - len(check.identifiers)} more")
    return lines


def _coverage(coverage: Coverage | None) -> list[str]:
    if coverage is None:
        return []
    lines = [f"  coverage by {coverage.unit}: {coverage.note}"]
    for title, names in (("used", coverage.used), ("ignored", coverage.ignored)):
        if coverage.measured:
            lines.append(f"    {title}: {_names(names) or 'none'}")
    if coverage.missing:
        lines.append(f"    template columns not in the file: {', '.join(coverage.missing)}")
    if coverage.seen:
        lines.append(f"    seen: {_names([(n, c) for n, c in coverage.seen])}")
    return lines


def _names(names: list[tuple[str, int | None]]) -> str:
    return ", ".join(name if count is None else f"{name} ({count})" for name, count in names)
